// Components table and its change history: upstream components with a published level, damped by the caller's rule.
import { sql } from './kysely.ts';
import type { ConfirmLevel, Level, SnapshotComponent } from '../domain.ts';
import { atomically, changes, type Db } from './db.ts';
import type { DataVersions } from './versions.ts';

export type ComponentRow = SnapshotComponent & {
  id: number;
  pendingLevel: Level | null;
  /** When the published level began: the first poll that saw it. */
  changedAt: number;
  /** True while `changedAt` is only our first sighting of the component, not a change we saw happen. */
  firstSeen: boolean;
  seenAt: number;
};

type RawRow = Omit<ComponentRow, 'onlyShowIfDegraded' | 'firstSeen'> & {
  onlyShowIfDegraded: number;
  firstSeen: number;
  pendingCount: number;
  pendingSince: number | null;
};
type PageRow = { level: Level; raw: string | null; pendingLevel: Level | null; pendingCount: number };

const COLUMNS = sql`id, source_key AS "key", name, group_name AS "groupName", position, level,
  raw_status AS "rawStatus", pending_level AS "pendingLevel", pending_count AS "pendingCount",
  only_show_if_degraded AS "onlyShowIfDegraded", changed_at AS "changedAt", first_seen AS "firstSeen",
  pending_since AS "pendingSince", seen_at AS "seenAt"`;

export function createComponentsStore(db: Db, versions: DataVersions) {
  const active = async (x: Db, slug: string) =>
    (
      await sql<RawRow>`SELECT ${COLUMNS} FROM components WHERE provider_slug = ${slug} AND retired_at IS NULL
        ORDER BY position, id`.execute(x)
    ).rows;
  const getPage = async (x: Db, slug: string) =>
    (
      await sql<PageRow>`SELECT level, raw, pending_level AS "pendingLevel", pending_count AS "pendingCount"
        FROM page_levels WHERE provider_slug = ${slug}`.execute(x)
    ).rows[0];
  const change = (x: Db, componentId: number, level: Level, rawStatus: string | null, at: number) =>
    sql`INSERT INTO component_changes (component_id, level, raw_status, at)
      VALUES (${componentId}, ${level}, ${rawStatus}, ${at})`.execute(x);

  const toRow = ({ pendingCount: _pending, pendingSince: _since, ...row }: RawRow): ComponentRow => ({
    ...row,
    onlyShowIfDegraded: row.onlyShowIfDegraded === 1,
    firstSeen: row.firstSeen === 1,
  });

  /** Applies one upstream reading, damped by `confirm`; returns whether anything visible changed. */
  async function applyOne(
    x: Db,
    slug: string,
    item: SnapshotComponent,
    now: number,
    confirm: ConfirmLevel,
  ): Promise<boolean> {
    const flag = item.onlyShowIfDegraded ? 1 : 0;
    const existing = (
      await sql<RawRow>`SELECT ${COLUMNS} FROM components
        WHERE provider_slug = ${slug} AND source_key = ${item.key}`.execute(x)
    ).rows[0];
    if (!existing) {
      const { rows } = await sql<{ id: number }>`
        INSERT INTO components (provider_slug, source_key, name, group_name, position, level, raw_status,
          only_show_if_degraded, changed_at, first_seen, seen_at)
        VALUES (${slug}, ${item.key}, ${item.name}, ${item.groupName}, ${item.position}, ${item.level},
          ${item.rawStatus}, ${flag}, ${now}, 1, ${now})
        RETURNING id`.execute(x);
      await change(x, rows[0]!.id, item.level, item.rawStatus, now);
      return true;
    }
    const next = confirm(existing, item.level, now);
    if (next.changed) await change(x, existing.id, next.level, item.rawStatus, next.changedAt);
    const firstSeen = next.changed ? Number(existing.level === 'unknown') : existing.firstSeen;
    await sql`
      UPDATE components SET name = ${item.name}, group_name = ${item.groupName}, position = ${item.position},
        level = ${next.level}, raw_status = ${item.rawStatus}, pending_level = ${next.pendingLevel},
        pending_count = ${next.pendingCount}, pending_since = ${next.pendingSince}, only_show_if_degraded = ${flag},
        changed_at = ${next.changedAt}, first_seen = ${firstSeen}, seen_at = ${now}, retired_at = NULL
      WHERE id = ${existing.id}`.execute(x);
    return (
      next.changed ||
      item.name !== existing.name ||
      item.groupName !== existing.groupName ||
      item.position !== existing.position ||
      flag !== existing.onlyShowIfDegraded
    );
  }

  async function setPageLevel(
    x: Db,
    slug: string,
    level: Level,
    raw: string | null,
    now: number,
    confirm: ConfirmLevel,
  ): Promise<{ visible: boolean }> {
    const existing = await getPage(x, slug);
    const damped = existing
      ? confirm({ ...existing, pendingSince: null, changedAt: now }, level, now)
      : { level, pendingLevel: null, pendingCount: 0 };
    const next: PageRow = {
      level: damped.level,
      raw,
      pendingLevel: damped.pendingLevel,
      pendingCount: damped.pendingCount,
    };
    // While a change is pending, `raw` is already the upstream's latest word; `level` waits for confirmation.
    const same =
      existing &&
      existing.level === next.level &&
      existing.raw === next.raw &&
      existing.pendingLevel === next.pendingLevel &&
      existing.pendingCount === next.pendingCount;
    if (same) return { visible: false };
    await sql`
      INSERT INTO page_levels (provider_slug, level, raw, changed_at, pending_level, pending_count)
      VALUES (${slug}, ${next.level}, ${next.raw}, ${now}, ${next.pendingLevel}, ${next.pendingCount})
      ON CONFLICT (provider_slug) DO UPDATE SET raw = excluded.raw, pending_level = excluded.pending_level,
        pending_count = excluded.pending_count,
        changed_at = CASE WHEN page_levels.level = excluded.level THEN page_levels.changed_at
                          ELSE excluded.changed_at END,
        level = excluded.level`.execute(x);
    return { visible: !existing || existing.level !== next.level };
  }

  async function applySnapshot(
    x: Db,
    slug: string,
    items: readonly SnapshotComponent[],
    now: number,
    confirm: ConfirmLevel,
  ) {
    return atomically(x, async (trx) => {
      let any = false;
      for (const item of items) any = (await applyOne(trx, slug, item, now, confirm)) || any;
      const retired = await sql`UPDATE components SET retired_at = ${now}
        WHERE provider_slug = ${slug} AND seen_at < ${now} AND retired_at IS NULL`.execute(trx);
      return changes(retired) > 0 || any;
    });
  }

  return {
    /** The page's own overall rollup (e.g. Statuspage's indicator), when it has one. */
    async pageLevel(slug: string): Promise<{ level: Level; raw: string | null } | null> {
      const row = await getPage(db, slug);
      return row ? { level: row.level, raw: row.raw } : null;
    },
    /** Records the page's rollup, damped like a component's level so a flapping page does not flip the headline. */
    async setPageLevel(
      slug: string,
      level: Level,
      raw: string | null,
      now: number,
      confirm: ConfirmLevel,
    ): Promise<boolean> {
      const { visible } = await setPageLevel(db, slug, level, raw, now, confirm);
      if (visible) versions.bump(slug);
      return visible;
    },
    list: async (slug: string): Promise<ComponentRow[]> => (await active(db, slug)).map(toRow),
    /**
     * An unchanged document (HTTP 304) is one more poll saying what it said last: pending levels move towards
     * confirmation as if the same list had been read again.
     */
    async reconfirm(
      slug: string,
      now: number,
      parts: { components: boolean; page: boolean },
      confirm: ConfirmLevel,
    ): Promise<boolean> {
      const changed = await atomically(db, async (trx) => {
        let any = false;
        if (parts.components) {
          const rows = await active(trx, slug);
          if (rows.some((r) => r.pendingLevel !== null)) {
            const items = rows.map((r) => ({
              key: r.key,
              name: r.name,
              groupName: r.groupName,
              position: r.position,
              level: r.pendingLevel ?? r.level,
              rawStatus: r.rawStatus,
              onlyShowIfDegraded: r.onlyShowIfDegraded === 1,
            }));
            any = await applySnapshot(trx, slug, items, now, confirm);
          }
        }
        const page = await getPage(trx, slug);
        if (parts.page && page?.pendingLevel)
          any = (await setPageLevel(trx, slug, page.pendingLevel, page.raw, now, confirm)).visible || any;
        return any;
      });
      if (changed) versions.bump(slug);
      return changed;
    },
    /** Level changes of one component since `sinceAt`, oldest first, for uptime history. */
    history: async (componentId: number, sinceAt: number): Promise<{ level: Level; at: number }[]> =>
      (
        await sql<{ level: Level; at: number }>`SELECT level, at FROM component_changes
          WHERE component_id = ${componentId} AND at >= ${sinceAt} ORDER BY at`.execute(db)
      ).rows,
    /** Records a full component list: damped level changes, renames, and retirement of the ones gone. */
    async applySnapshot(
      slug: string,
      items: readonly SnapshotComponent[],
      now: number,
      confirm: ConfirmLevel,
    ): Promise<boolean> {
      const changed = await applySnapshot(db, slug, items, now, confirm);
      if (changed) versions.bump(slug);
      return changed;
    },
  };
}
export type ComponentsStore = ReturnType<typeof createComponentsStore>;

// Components table and its change history: upstream components with a damped, published level.
import { sql } from 'kysely';
import type { Level, SnapshotComponent } from '../domain.ts';
import { atomically, changes, type Db } from './db.ts';
import type { DataVersions } from './versions.ts';

/** Polls that must agree before a component's published level changes (first sightings publish at once). */
export const COMPONENT_CONFIRM_POLLS = 2;

export type ComponentRow = SnapshotComponent & {
  id: number;
  pendingLevel: Level | null;
  changedAt: number;
  seenAt: number;
};

type RawRow = Omit<ComponentRow, 'onlyShowIfDegraded'> & { onlyShowIfDegraded: number; pendingCount: number };
type PageRow = { level: Level; raw: string | null; pendingLevel: Level | null; pendingCount: number };

const COLUMNS = sql`id, source_key AS "key", name, group_name AS "groupName", position, level,
  raw_status AS "rawStatus", pending_level AS "pendingLevel", pending_count AS "pendingCount",
  only_show_if_degraded AS "onlyShowIfDegraded", changed_at AS "changedAt", seen_at AS "seenAt"`;

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

  const toRow = ({ pendingCount: _pending, ...row }: RawRow): ComponentRow => ({
    ...row,
    onlyShowIfDegraded: row.onlyShowIfDegraded === 1,
  });

  /** Applies one upstream reading; returns whether anything visible changed. */
  async function applyOne(x: Db, slug: string, item: SnapshotComponent, now: number): Promise<boolean> {
    const flag = item.onlyShowIfDegraded ? 1 : 0;
    const existing = (
      await sql<RawRow>`SELECT ${COLUMNS} FROM components
        WHERE provider_slug = ${slug} AND source_key = ${item.key}`.execute(x)
    ).rows[0];
    if (!existing) {
      const { rows } = await sql<{ id: number }>`
        INSERT INTO components (provider_slug, source_key, name, group_name, position, level, raw_status,
          only_show_if_degraded, changed_at, seen_at)
        VALUES (${slug}, ${item.key}, ${item.name}, ${item.groupName}, ${item.position}, ${item.level},
          ${item.rawStatus}, ${flag}, ${now}, ${now})
        RETURNING id`.execute(x);
      await change(x, rows[0]!.id, item.level, item.rawStatus, now);
      return true;
    }
    let { level, changedAt } = existing;
    let pendingLevel: Level | null = null;
    let pendingCount = 0;
    if (item.level !== existing.level) {
      pendingCount = existing.pendingLevel === item.level ? existing.pendingCount + 1 : 1;
      pendingLevel = item.level;
      if (pendingCount >= COMPONENT_CONFIRM_POLLS || existing.level === 'unknown') {
        level = item.level;
        changedAt = now;
        pendingLevel = null;
        pendingCount = 0;
        await change(x, existing.id, level, item.rawStatus, now);
      }
    }
    await sql`
      UPDATE components SET name = ${item.name}, group_name = ${item.groupName}, position = ${item.position},
        level = ${level}, raw_status = ${item.rawStatus}, pending_level = ${pendingLevel},
        pending_count = ${pendingCount}, only_show_if_degraded = ${flag}, changed_at = ${changedAt},
        seen_at = ${now}, retired_at = NULL
      WHERE id = ${existing.id}`.execute(x);
    return (
      level !== existing.level ||
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
  ): Promise<{ visible: boolean }> {
    const existing = await getPage(x, slug);
    let next: PageRow = { level, raw, pendingLevel: null, pendingCount: 0 };
    if (existing && level !== existing.level && existing.level !== 'unknown') {
      const count = existing.pendingLevel === level ? existing.pendingCount + 1 : 1;
      if (count < COMPONENT_CONFIRM_POLLS)
        next = { ...next, level: existing.level, pendingLevel: level, pendingCount: count };
    }
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

  async function applySnapshot(x: Db, slug: string, items: readonly SnapshotComponent[], now: number) {
    return atomically(x, async (trx) => {
      let any = false;
      for (const item of items) any = (await applyOne(trx, slug, item, now)) || any;
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
    async setPageLevel(slug: string, level: Level, raw: string | null, now: number): Promise<boolean> {
      const { visible } = await setPageLevel(db, slug, level, raw, now);
      if (visible) versions.bump(slug);
      return visible;
    },
    list: async (slug: string): Promise<ComponentRow[]> => (await active(db, slug)).map(toRow),
    /**
     * An unchanged document (HTTP 304) is one more poll saying what it said last: pending levels move towards
     * confirmation as if the same list had been read again.
     */
    async reconfirm(slug: string, now: number, parts: { components: boolean; page: boolean }): Promise<boolean> {
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
            any = await applySnapshot(trx, slug, items, now);
          }
        }
        const page = await getPage(trx, slug);
        if (parts.page && page?.pendingLevel)
          any = (await setPageLevel(trx, slug, page.pendingLevel, page.raw, now)).visible || any;
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
    async applySnapshot(slug: string, items: readonly SnapshotComponent[], now: number): Promise<boolean> {
      const changed = await applySnapshot(db, slug, items, now);
      if (changed) versions.bump(slug);
      return changed;
    },
  };
}
export type ComponentsStore = ReturnType<typeof createComponentsStore>;

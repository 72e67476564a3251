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

type PageRow = { level: Level; raw: string | null; pendingLevel: Level | null; pendingCount: number };

const COLUMNS = [
  'id',
  'source_key as key',
  'name',
  'group_name as groupName',
  'position',
  'level',
  'raw_status as rawStatus',
  'pending_level as pendingLevel',
  'pending_count as pendingCount',
  'only_show_if_degraded as onlyShowIfDegraded',
  'changed_at as changedAt',
  'first_seen as firstSeen',
  'pending_since as pendingSince',
  'seen_at as seenAt',
] as const;

export function createComponentsStore(db: Db, versions: DataVersions) {
  const active = (x: Db, slug: string) =>
    x
      .selectFrom('components')
      .select(COLUMNS)
      .where('provider_slug', '=', slug)
      .where('retired_at', 'is', null)
      .orderBy('position')
      .orderBy('id')
      .execute();
  const getPage = (x: Db, slug: string): Promise<PageRow | undefined> =>
    x
      .selectFrom('page_levels')
      .select(['level', 'raw', 'pending_level as pendingLevel', 'pending_count as pendingCount'])
      .where('provider_slug', '=', slug)
      .executeTakeFirst();
  const change = (x: Db, componentId: number, level: Level, rawStatus: string | null, at: number) =>
    x.insertInto('component_changes').values({ component_id: componentId, level, raw_status: rawStatus, at }).execute();

  type Stored = Awaited<ReturnType<typeof active>>[number];
  const toRow = ({ pendingCount: _pending, pendingSince: _since, ...row }: Stored): ComponentRow => ({
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
    const existing = await x
      .selectFrom('components')
      .select(COLUMNS)
      .where('provider_slug', '=', slug)
      .where('source_key', '=', item.key)
      .executeTakeFirst();
    if (!existing) {
      const { id } = await x
        .insertInto('components')
        .values({
          provider_slug: slug,
          source_key: item.key,
          name: item.name,
          group_name: item.groupName,
          position: item.position,
          level: item.level,
          raw_status: item.rawStatus,
          only_show_if_degraded: flag,
          changed_at: now,
          first_seen: 1,
          seen_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await change(x, id, item.level, item.rawStatus, now);
      return true;
    }
    const next = confirm(existing, item.level, now);
    if (next.changed) await change(x, existing.id, next.level, item.rawStatus, next.changedAt);
    const firstSeen = next.changed ? Number(existing.level === 'unknown') : existing.firstSeen;
    await x
      .updateTable('components')
      .set({
        name: item.name,
        group_name: item.groupName,
        position: item.position,
        level: next.level,
        raw_status: item.rawStatus,
        pending_level: next.pendingLevel,
        pending_count: next.pendingCount,
        pending_since: next.pendingSince,
        only_show_if_degraded: flag,
        changed_at: next.changedAt,
        first_seen: firstSeen,
        seen_at: now,
        retired_at: null,
      })
      .where('id', '=', existing.id)
      .execute();
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
    await x
      .insertInto('page_levels')
      .values({
        provider_slug: slug,
        level: next.level,
        raw: next.raw,
        changed_at: now,
        pending_level: next.pendingLevel,
        pending_count: next.pendingCount,
      })
      .onConflict((oc) =>
        oc.column('provider_slug').doUpdateSet((eb) => ({
          raw: eb.ref('excluded.raw'),
          pending_level: eb.ref('excluded.pending_level'),
          pending_count: eb.ref('excluded.pending_count'),
          changed_at: sql`CASE WHEN page_levels.level = excluded.level THEN page_levels.changed_at
            ELSE excluded.changed_at END`,
          level: eb.ref('excluded.level'),
        })),
      )
      .execute();
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
      const retired = await trx
        .updateTable('components')
        .set({ retired_at: now })
        .where('provider_slug', '=', slug)
        .where('seen_at', '<', now)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
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
    history: (componentId: number, sinceAt: number): Promise<{ level: Level; at: number }[]> =>
      db
        .selectFrom('component_changes')
        .select(['level', 'at'])
        .where('component_id', '=', componentId)
        .where('at', '>=', sinceAt)
        .orderBy('at')
        .execute(),
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

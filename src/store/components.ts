// Components table and its change history: upstream components with a published level, damped by the caller's rule.
import type { ConfirmLevel, Level, SnapshotComponent } from '../domain.ts';
import type { Db } from './db.ts';
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

const COLUMNS = `id, source_key AS key, name, group_name AS groupName, position, level, raw_status AS rawStatus,
  pending_level AS pendingLevel, pending_count AS pendingCount, only_show_if_degraded AS onlyShowIfDegraded,
  changed_at AS changedAt, first_seen AS firstSeen, pending_since AS pendingSince, seen_at AS seenAt`;

export function createComponentsStore(db: Db, versions: DataVersions) {
  const active = db.prepare<[string], RawRow>(
    `SELECT ${COLUMNS} FROM components WHERE provider_slug = ? AND retired_at IS NULL ORDER BY position, id`,
  );
  const byKey = db.prepare<[string, string], RawRow>(
    `SELECT ${COLUMNS} FROM components WHERE provider_slug = ? AND source_key = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO components (provider_slug, source_key, name, group_name, position, level, raw_status,
       only_show_if_degraded, changed_at, first_seen, seen_at)
     VALUES (@slug, @key, @name, @groupName, @position, @level, @rawStatus, @onlyShowIfDegraded, @now, 1, @now)`,
  );
  const update = db.prepare(
    `UPDATE components SET name = @name, group_name = @groupName, position = @position, level = @level,
       raw_status = @rawStatus, pending_level = @pendingLevel, pending_count = @pendingCount,
       pending_since = @pendingSince, only_show_if_degraded = @onlyShowIfDegraded, changed_at = @changedAt,
       first_seen = @firstSeen, seen_at = @now, retired_at = NULL
     WHERE id = @id`,
  );
  const retire = db.prepare<{ slug: string; now: number }>(
    'UPDATE components SET retired_at = @now WHERE provider_slug = @slug AND seen_at < @now AND retired_at IS NULL',
  );
  const change = db.prepare<[number, string, string | null, number]>(
    'INSERT INTO component_changes (component_id, level, raw_status, at) VALUES (?, ?, ?, ?)',
  );
  const history = db.prepare<[number, number], { level: Level; at: number }>(
    'SELECT level, at FROM component_changes WHERE component_id = ? AND at >= ? ORDER BY at',
  );

  const getPage = db.prepare<
    [string],
    { level: Level; raw: string | null; pendingLevel: Level | null; pendingCount: number }
  >(
    'SELECT level, raw, pending_level AS pendingLevel, pending_count AS pendingCount FROM page_levels WHERE provider_slug = ?',
  );
  const setPage = db.prepare<{
    slug: string;
    level: Level;
    raw: string | null;
    pendingLevel: Level | null;
    pendingCount: number;
    now: number;
  }>(
    `INSERT INTO page_levels (provider_slug, level, raw, changed_at, pending_level, pending_count)
     VALUES (@slug, @level, @raw, @now, @pendingLevel, @pendingCount)
     ON CONFLICT DO UPDATE SET raw = excluded.raw, pending_level = excluded.pending_level,
       pending_count = excluded.pending_count,
       changed_at = CASE WHEN level IS excluded.level THEN changed_at ELSE excluded.changed_at END,
       level = excluded.level`,
  );

  const toRow = ({ pendingCount: _pending, pendingSince: _since, ...row }: RawRow): ComponentRow => ({
    ...row,
    onlyShowIfDegraded: row.onlyShowIfDegraded === 1,
    firstSeen: row.firstSeen === 1,
  });

  /** Applies one upstream reading, damped by `confirm`; returns whether anything visible changed. */
  function applyOne(slug: string, item: SnapshotComponent, now: number, confirm: ConfirmLevel): boolean {
    const base = { slug, ...item, onlyShowIfDegraded: item.onlyShowIfDegraded ? 1 : 0, now };
    const existing = byKey.get(slug, item.key);
    if (!existing) {
      const id = Number(insert.run(base).lastInsertRowid);
      change.run(id, item.level, item.rawStatus, now);
      return true;
    }
    const next = confirm(existing, item.level, now);
    if (next.changed) change.run(existing.id, next.level, item.rawStatus, next.changedAt);
    update.run({
      ...base,
      id: existing.id,
      level: next.level,
      changedAt: next.changedAt,
      firstSeen: next.changed ? Number(existing.level === 'unknown') : existing.firstSeen,
      pendingLevel: next.pendingLevel,
      pendingCount: next.pendingCount,
      pendingSince: next.pendingSince,
    });
    return (
      next.changed ||
      item.name !== existing.name ||
      item.groupName !== existing.groupName ||
      item.position !== existing.position ||
      base.onlyShowIfDegraded !== existing.onlyShowIfDegraded
    );
  }

  return {
    /** The page's own overall rollup (e.g. Statuspage's indicator), when it has one. */
    pageLevel(slug: string): { level: Level; raw: string | null } | null {
      const row = getPage.get(slug);
      return row ? { level: row.level, raw: row.raw } : null;
    },
    /** Records the page's rollup, damped like a component's level so a flapping page does not flip the headline. */
    setPageLevel(slug: string, level: Level, raw: string | null, now: number, confirm: ConfirmLevel): boolean {
      const existing = getPage.get(slug);
      const damped = existing
        ? confirm({ ...existing, pendingSince: null, changedAt: now }, level, now)
        : { level, pendingLevel: null, pendingCount: 0 };
      const next = {
        slug,
        level: damped.level,
        raw,
        pendingLevel: damped.pendingLevel,
        pendingCount: damped.pendingCount,
        now,
      };
      // While a change is pending, `raw` is already the upstream's latest word; `level` waits for confirmation.
      const same =
        existing &&
        existing.level === next.level &&
        existing.raw === next.raw &&
        existing.pendingLevel === next.pendingLevel &&
        existing.pendingCount === next.pendingCount;
      if (same) return false;
      setPage.run(next);
      const visible = !existing || existing.level !== next.level;
      if (visible) versions.bump(slug);
      return visible;
    },
    list: (slug: string): ComponentRow[] => active.all(slug).map(toRow),
    /**
     * An unchanged document (HTTP 304) is one more poll saying what it said last: pending levels move towards
     * confirmation as if the same list had been read again.
     */
    reconfirm(
      slug: string,
      now: number,
      parts: { components: boolean; page: boolean },
      confirm: ConfirmLevel,
    ): boolean {
      let changed = false;
      if (parts.components) {
        const rows = active.all(slug);
        if (rows.some((r) => r.pendingLevel !== null)) {
          changed = this.applySnapshot(
            slug,
            rows.map((r) => ({
              key: r.key,
              name: r.name,
              groupName: r.groupName,
              position: r.position,
              level: r.pendingLevel ?? r.level,
              rawStatus: r.rawStatus,
              onlyShowIfDegraded: r.onlyShowIfDegraded === 1,
            })),
            now,
            confirm,
          );
        }
      }
      const page = getPage.get(slug);
      if (parts.page && page?.pendingLevel)
        changed = this.setPageLevel(slug, page.pendingLevel, page.raw, now, confirm) || changed;
      return changed;
    },
    /** Level changes of one component since `sinceAt`, oldest first, for uptime history. */
    history: (componentId: number, sinceAt: number) => history.all(componentId, sinceAt),
    /** Records a full component list: damped level changes, renames, and retirement of the ones gone. */
    applySnapshot(slug: string, items: readonly SnapshotComponent[], now: number, confirm: ConfirmLevel): boolean {
      const changed = db.transaction(() => {
        let any = false;
        for (const item of items) any = applyOne(slug, item, now, confirm) || any;
        return retire.run({ slug, now }).changes > 0 || any;
      })();
      if (changed) versions.bump(slug);
      return changed;
    },
  };
}
export type ComponentsStore = ReturnType<typeof createComponentsStore>;

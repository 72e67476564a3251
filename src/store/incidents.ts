// Incidents, their update timelines and affected components, official or detected by us.
import { CLOSED_STATES, type IncidentState, type MaintenanceState, type SnapshotIncident } from '../domain.ts';
import type { Db } from './db.ts';
import type { DataVersions } from './versions.ts';

export type IncidentOrigin = 'official' | 'detected';

export type IncidentUpdateRow = {
  state: IncidentState | MaintenanceState;
  rawState: string | null;
  body: string;
  at: number;
};

export type IncidentRow = Omit<SnapshotIncident, 'updates' | 'unlistedAt'> & {
  id: number;
  origin: IncidentOrigin;
  updatedAt: number;
  /** When a poll found the incident gone from the source's open list with no end given (not an end time). */
  unlistedAt: number | null;
  /** Newest first. */
  updates: IncidentUpdateRow[];
};

const COLUMNS = `id, origin, kind, source_key AS key, title, state, raw_state AS rawState, impact, raw_impact AS rawImpact,
  url, started_at AS startedAt, resolved_at AS resolvedAt, scheduled_for AS scheduledFor,
  scheduled_until AS scheduledUntil, updated_at AS updatedAt, unlisted_at AS unlistedAt`;

const CLOSED = `(${CLOSED_STATES.map((state) => `'${state}'`).join(', ')})`;

export function createIncidentsStore(db: Db, versions: DataVersions) {
  const find = db.prepare<[string, string, string], Omit<IncidentRow, 'updates' | 'components'>>(
    `SELECT ${COLUMNS} FROM incidents WHERE provider_slug = ? AND origin = ? AND source_key = ?`,
  );
  const insert = db.prepare(
    `INSERT INTO incidents (provider_slug, origin, kind, source_key, title, state, raw_state, impact, raw_impact, url,
       started_at, resolved_at, scheduled_for, scheduled_until, updated_at, unlisted_at)
     VALUES (@slug, @origin, @kind, @key, @title, @state, @rawState, @impact, @rawImpact, @url,
       @startedAt, @resolvedAt, @scheduledFor, @scheduledUntil, @now, @unlistedAt)`,
  );
  const update = db.prepare(
    `UPDATE incidents SET kind = @kind, title = @title, state = @state, raw_state = @rawState, impact = @impact,
       raw_impact = @rawImpact, url = @url, started_at = @startedAt, resolved_at = @resolvedAt,
       scheduled_for = @scheduledFor, scheduled_until = @scheduledUntil, updated_at = @now, unlisted_at = @unlistedAt
     WHERE id = @id`,
  );
  const insertUpdate = db.prepare(
    `INSERT INTO incident_updates (incident_id, source_key, state, raw_state, body, at)
     VALUES (@incidentId, @key, @state, @rawState, @body, @at)
     ON CONFLICT (incident_id, source_key) DO UPDATE SET state = excluded.state, raw_state = excluded.raw_state,
       body = excluded.body, at = excluded.at
     WHERE state IS NOT excluded.state OR body IS NOT excluded.body OR at IS NOT excluded.at`,
  );
  const insertComponent = db.prepare(
    `INSERT INTO incident_components (incident_id, component_key, name) VALUES (?, ?, ?)
     ON CONFLICT DO UPDATE SET name = excluded.name WHERE name IS NOT excluded.name`,
  );
  const recent = db.prepare<{ slug: string; since: number }, Omit<IncidentRow, 'updates' | 'components'>>(
    `SELECT ${COLUMNS} FROM incidents
     WHERE provider_slug = @slug
       AND (started_at >= @since OR resolved_at >= @since OR unlisted_at >= @since OR scheduled_until >= @since
            OR (state NOT IN ${CLOSED} AND unlisted_at IS NULL))
     ORDER BY COALESCE(resolved_at, unlisted_at, 9e15) DESC, started_at DESC`,
  );
  const unlist = db.prepare<{ slug: string; keys: string; now: number }>(
    `UPDATE incidents SET unlisted_at = @now, updated_at = @now
     WHERE provider_slug = @slug AND origin = 'official' AND unlisted_at IS NULL AND state NOT IN ${CLOSED}
       AND source_key NOT IN (SELECT value FROM json_each(@keys))`,
  );
  const updatesOf = db.prepare<[number], IncidentUpdateRow>(
    'SELECT state, raw_state AS rawState, body, at FROM incident_updates WHERE incident_id = ? ORDER BY at DESC, id DESC',
  );
  const componentsOf = db.prepare<[number], { key: string; name: string }>(
    'SELECT component_key AS key, name FROM incident_components WHERE incident_id = ? ORDER BY name',
  );

  const FIELDS = [
    'kind',
    'title',
    'state',
    'rawState',
    'impact',
    'rawImpact',
    'url',
    'startedAt',
    'resolvedAt',
    'scheduledFor',
    'scheduledUntil',
    'unlistedAt',
  ] as const;

  function upsertOne(slug: string, origin: IncidentOrigin, given: SnapshotIncident, now: number): boolean {
    const existing = find.get(slug, origin, given.key);
    // The first poll that judged it no longer current keeps its time; a source presenting it again clears it.
    const unlistedAt = given.unlistedAt == null ? null : (existing?.unlistedAt ?? given.unlistedAt);
    // Some documents only give a last-update time as the start (incident.io's summary); a start never moves later.
    const startedAt = existing ? Math.min(existing.startedAt, given.startedAt) : given.startedAt;
    const item = { ...given, unlistedAt, startedAt };
    const values = { slug, origin, ...item, now };
    let changed = false;
    let incidentId: number;
    if (!existing) {
      incidentId = Number(insert.run(values).lastInsertRowid);
      changed = true;
    } else {
      incidentId = existing.id;
      if (FIELDS.some((field) => existing[field] !== item[field])) {
        update.run({ ...values, id: incidentId });
        changed = true;
      }
    }
    for (const u of item.updates) changed = insertUpdate.run({ incidentId, ...u }).changes > 0 || changed;
    for (const c of item.components) changed = insertComponent.run(incidentId, c.key, c.name).changes > 0 || changed;
    return changed;
  }

  return {
    /** Records incidents as read upstream; unchanged ones write nothing. Returns whether anything changed. */
    upsert(slug: string, origin: IncidentOrigin, items: readonly SnapshotIncident[], now: number): boolean {
      const changed = db.transaction(() =>
        items.reduce((any, item) => upsertOne(slug, origin, item, now) || any, false),
      )();
      if (changed) versions.bump(slug);
      return changed;
    },
    /**
     * Records a poll's official incidents. When the main document lists every open one, open incidents it no longer
     * lists (and no other document ended) are marked unlisted at `now`: we saw them go, we do not invent an end.
     */
    applyOfficial(slug: string, items: readonly SnapshotIncident[], listsAllOpen: boolean, now: number): boolean {
      const changed = db.transaction(() => {
        const any = items.reduce((acc, item) => upsertOne(slug, 'official', item, now) || acc, false);
        if (!listsAllOpen) return any;
        return unlist.run({ slug, keys: JSON.stringify(items.map((i) => i.key)), now }).changes > 0 || any;
      })();
      if (changed) versions.bump(slug);
      return changed;
    },
    /** Incidents and maintenances that started, ended or are scheduled within the window, or are still open. */
    listRecent(slug: string, sinceAt: number): IncidentRow[] {
      return recent.all({ slug, since: sinceAt }).map((row) => ({
        ...row,
        updates: updatesOf.all(row.id),
        components: componentsOf.all(row.id),
      }));
    },
  };
}
export type IncidentsStore = ReturnType<typeof createIncidentsStore>;

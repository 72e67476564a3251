// Incidents, their update timelines and affected components, official or detected by us.
import { sql } from './kysely.ts';
import { CLOSED_STATES, type IncidentState, type MaintenanceState, type SnapshotIncident } from '../domain.ts';
import { atomically, changes, type Db } from './db.ts';
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

/** An incident's span and first post, for measuring acknowledgement lags. */
export type TimelineIncident = {
  id: number;
  providerSlug: string;
  origin: IncidentOrigin;
  startedAt: number;
  /** Null while open. */
  endAt: number | null;
  firstUpdateAt: number | null;
};

type Row = Omit<IncidentRow, 'updates' | 'components'>;

const COLUMNS = sql`id, origin, kind, source_key AS "key", title, state, raw_state AS "rawState", impact,
  raw_impact AS "rawImpact", url, started_at AS "startedAt", resolved_at AS "resolvedAt",
  scheduled_for AS "scheduledFor", scheduled_until AS "scheduledUntil", updated_at AS "updatedAt",
  unlisted_at AS "unlistedAt"`;

const CLOSED = sql.raw(`(${CLOSED_STATES.map((state) => `'${state}'`).join(', ')})`);

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

async function upsertOne(
  x: Db,
  slug: string,
  origin: IncidentOrigin,
  given: SnapshotIncident,
  now: number,
): Promise<boolean> {
  const existing = (
    await sql<Row>`SELECT ${COLUMNS} FROM incidents
      WHERE provider_slug = ${slug} AND origin = ${origin} AND source_key = ${given.key}`.execute(x)
  ).rows[0];
  // The first poll that judged it no longer current keeps its time; a source presenting it again clears it.
  const unlistedAt = given.unlistedAt == null ? null : (existing?.unlistedAt ?? given.unlistedAt);
  // Some documents only give a last-update time as the start (incident.io's summary); a start never moves later.
  const startedAt = existing ? Math.min(existing.startedAt, given.startedAt) : given.startedAt;
  const i = { ...given, unlistedAt, startedAt };
  let changed = false;
  let incidentId: number;
  if (!existing) {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO incidents (provider_slug, origin, kind, source_key, title, state, raw_state, impact, raw_impact, url,
        started_at, resolved_at, scheduled_for, scheduled_until, updated_at, unlisted_at)
      VALUES (${slug}, ${origin}, ${i.kind}, ${i.key}, ${i.title}, ${i.state}, ${i.rawState}, ${i.impact},
        ${i.rawImpact}, ${i.url}, ${i.startedAt}, ${i.resolvedAt}, ${i.scheduledFor}, ${i.scheduledUntil}, ${now},
        ${i.unlistedAt})
      RETURNING id`.execute(x);
    incidentId = rows[0]!.id;
    changed = true;
  } else {
    incidentId = existing.id;
    if (FIELDS.some((field) => existing[field] !== i[field])) {
      await sql`
        UPDATE incidents SET kind = ${i.kind}, title = ${i.title}, state = ${i.state}, raw_state = ${i.rawState},
          impact = ${i.impact}, raw_impact = ${i.rawImpact}, url = ${i.url}, started_at = ${i.startedAt},
          resolved_at = ${i.resolvedAt}, scheduled_for = ${i.scheduledFor}, scheduled_until = ${i.scheduledUntil},
          updated_at = ${now}, unlisted_at = ${i.unlistedAt}
        WHERE id = ${incidentId}`.execute(x);
      changed = true;
    }
  }
  for (const u of i.updates) {
    const result = await sql`
      INSERT INTO incident_updates (incident_id, source_key, state, raw_state, body, at)
      VALUES (${incidentId}, ${u.key}, ${u.state}, ${u.rawState}, ${u.body}, ${u.at})
      ON CONFLICT (incident_id, source_key) DO UPDATE SET state = excluded.state, raw_state = excluded.raw_state,
        body = excluded.body, at = excluded.at
      WHERE incident_updates.state <> excluded.state OR incident_updates.body <> excluded.body
        OR incident_updates.at <> excluded.at`.execute(x);
    changed = changes(result) > 0 || changed;
  }
  for (const c of i.components) {
    const result = await sql`
      INSERT INTO incident_components (incident_id, component_key, name) VALUES (${incidentId}, ${c.key}, ${c.name})
      ON CONFLICT (incident_id, component_key) DO UPDATE SET name = excluded.name
      WHERE incident_components.name <> excluded.name`.execute(x);
    changed = changes(result) > 0 || changed;
  }
  return changed;
}

export function createIncidentsStore(db: Db, versions: DataVersions) {
  /** Rows of `ids`' incidents grouped by incident, in the query's order: two queries for any number of incidents. */
  async function byIncident<T>(rows: Promise<{ rows: (T & { incidentId: number })[] }>): Promise<Map<number, T[]>> {
    const grouped = new Map<number, T[]>();
    for (const { incidentId, ...row } of (await rows).rows) {
      const list = grouped.get(incidentId) ?? [];
      list.push(row as T);
      grouped.set(incidentId, list);
    }
    return grouped;
  }

  return {
    /** Records incidents as read upstream; unchanged ones write nothing. Returns whether anything changed. */
    async upsert(slug: string, origin: IncidentOrigin, items: readonly SnapshotIncident[], now: number) {
      const changed = await atomically(db, async (trx) => {
        let any = false;
        for (const item of items) any = (await upsertOne(trx, slug, origin, item, now)) || any;
        return any;
      });
      if (changed) versions.bump(slug);
      return changed;
    },
    /**
     * Records a poll's official incidents. When the main document lists every open one, open incidents it no longer
     * lists (and no other document ended) are marked unlisted at `now`: we saw them go, we do not invent an end.
     */
    async applyOfficial(
      slug: string,
      items: readonly SnapshotIncident[],
      listsAllOpen: boolean,
      now: number,
    ): Promise<boolean> {
      const changed = await atomically(db, async (trx) => {
        let any = false;
        for (const item of items) any = (await upsertOne(trx, slug, 'official', item, now)) || any;
        if (!listsAllOpen) return any;
        const listed = items.length > 0 ? sql`AND source_key NOT IN (${sql.join(items.map((i) => i.key))})` : sql``;
        const result = await sql`
          UPDATE incidents SET unlisted_at = ${now}, updated_at = ${now}
          WHERE provider_slug = ${slug} AND origin = 'official' AND unlisted_at IS NULL
            AND state NOT IN ${CLOSED} ${listed}`.execute(trx);
        return changes(result) > 0 || any;
      });
      if (changed) versions.bump(slug);
      return changed;
    },
    /** Every open detected incident, of all providers: what the detection job continues or closes. */
    async openDetected(): Promise<{ providerSlug: string; key: string; startedAt: number }[]> {
      const { rows } = await sql<{ providerSlug: string; key: string; startedAt: number }>`
        SELECT provider_slug AS "providerSlug", source_key AS "key", started_at AS "startedAt" FROM incidents
        WHERE origin = 'detected' AND state NOT IN ${CLOSED} AND unlisted_at IS NULL
        ORDER BY provider_slug, started_at`.execute(db);
      return rows;
    },
    /**
     * Incidents (not maintenances) that ended at or after `sinceAt` or are open, oldest first: of every provider, or
     * of the one named.
     */
    async timeline(sinceAt: number, providerSlug: string | null = null): Promise<TimelineIncident[]> {
      const onlyOf = providerSlug === null ? sql`` : sql`AND i.provider_slug = ${providerSlug}`;
      // A closed incident without an end time ends with its last update (or its start).
      const { rows } = await sql<TimelineIncident>`
        SELECT id, "providerSlug", origin, "startedAt", "firstUpdateAt",
          COALESCE("resolvedAt", "unlistedAt", CASE WHEN state IN ${CLOSED} THEN COALESCE("lastUpdateAt", "startedAt")
            END) AS "endAt"
        FROM (
          SELECT i.id, i.provider_slug AS "providerSlug", i.origin, i.state, i.started_at AS "startedAt",
            i.resolved_at AS "resolvedAt", i.unlisted_at AS "unlistedAt",
            (SELECT MIN(u.at) FROM incident_updates u WHERE u.incident_id = i.id) AS "firstUpdateAt",
            (SELECT MAX(u.at) FROM incident_updates u WHERE u.incident_id = i.id) AS "lastUpdateAt"
          FROM incidents i WHERE i.kind = 'incident' ${onlyOf}
        ) spans
        WHERE COALESCE("resolvedAt", "unlistedAt", "lastUpdateAt", "startedAt") >= ${sinceAt}
          OR ("resolvedAt" IS NULL AND "unlistedAt" IS NULL AND state NOT IN ${CLOSED})
        ORDER BY "startedAt", id`.execute(db);
      return rows;
    },
    /** Whether the official page's last applied reading left an incident open and listed. */
    async hasOpenOfficial(slug: string): Promise<boolean> {
      const { rows } = await sql<{ one: number }>`
        SELECT 1 AS one FROM incidents
        WHERE provider_slug = ${slug} AND origin = 'official' AND resolved_at IS NULL AND unlisted_at IS NULL
          AND state NOT IN ${CLOSED}
        LIMIT 1`.execute(db);
      return rows.length > 0;
    },
    /** The newest change the official page itself showed: an incident's start, end or update; null without any. */
    async newestOfficialChangeAt(slug: string): Promise<number | null> {
      const { rows } = await sql<{ at: number | string | null }>`
        SELECT MAX(x) AS "at" FROM (
          SELECT MAX(started_at) AS x FROM incidents WHERE provider_slug = ${slug} AND origin = 'official'
          UNION ALL
          SELECT MAX(resolved_at) AS x FROM incidents WHERE provider_slug = ${slug} AND origin = 'official'
          UNION ALL
          SELECT MAX(u.at) AS x FROM incident_updates u JOIN incidents i ON i.id = u.incident_id
            WHERE i.provider_slug = ${slug} AND i.origin = 'official'
        ) AS changes`.execute(db);
      const at = rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },
    /** Incidents and maintenances that started, ended or are scheduled within the window, or are still open. */
    async listRecent(slug: string, sinceAt: number): Promise<IncidentRow[]> {
      const { rows } = await sql<Row>`
        SELECT ${COLUMNS} FROM incidents
        WHERE provider_slug = ${slug}
          AND (started_at >= ${sinceAt} OR resolved_at >= ${sinceAt} OR unlisted_at >= ${sinceAt}
               OR scheduled_until >= ${sinceAt} OR (state NOT IN ${CLOSED} AND unlisted_at IS NULL))
        ORDER BY COALESCE(resolved_at, unlisted_at, 9000000000000000) DESC, started_at DESC`.execute(db);
      if (rows.length === 0) return [];
      const ids = sql.join(rows.map((row) => row.id));
      const [updates, components] = await Promise.all([
        byIncident<IncidentUpdateRow>(
          sql<IncidentUpdateRow & { incidentId: number }>`SELECT incident_id AS "incidentId", state,
            raw_state AS "rawState", body, at FROM incident_updates WHERE incident_id IN (${ids})
            ORDER BY at DESC, id DESC`.execute(db),
        ),
        byIncident<{ key: string; name: string }>(
          sql<{ key: string; name: string; incidentId: number }>`SELECT incident_id AS "incidentId",
            component_key AS "key", name FROM incident_components WHERE incident_id IN (${ids})
            ORDER BY name`.execute(db),
        ),
      ]);
      return rows.map((row) => ({
        ...row,
        updates: updates.get(row.id) ?? [],
        components: components.get(row.id) ?? [],
      }));
    },
  };
}
export type IncidentsStore = ReturnType<typeof createIncidentsStore>;

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

const COLUMNS = [
  'id',
  'origin',
  'kind',
  'source_key as key',
  'title',
  'state',
  'raw_state as rawState',
  'impact',
  'raw_impact as rawImpact',
  'url',
  'started_at as startedAt',
  'resolved_at as resolvedAt',
  'scheduled_for as scheduledFor',
  'scheduled_until as scheduledUntil',
  'updated_at as updatedAt',
  'unlisted_at as unlistedAt',
] as const;

/** An incident's own columns as stored (its updates and components have tables of their own). */
const columnsOf = (i: Omit<SnapshotIncident, 'key' | 'updates' | 'components'>, now: number) => ({
  kind: i.kind,
  title: i.title,
  state: i.state,
  raw_state: i.rawState,
  impact: i.impact,
  raw_impact: i.rawImpact,
  url: i.url,
  started_at: i.startedAt,
  resolved_at: i.resolvedAt,
  scheduled_for: i.scheduledFor,
  scheduled_until: i.scheduledUntil,
  updated_at: now,
  unlisted_at: i.unlistedAt ?? null,
});

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
  const existing = await x
    .selectFrom('incidents')
    .select(COLUMNS)
    .where('provider_slug', '=', slug)
    .where('origin', '=', origin)
    .where('source_key', '=', given.key)
    .executeTakeFirst();
  // The first poll that judged it no longer current keeps its time; a source presenting it again clears it.
  const unlistedAt = given.unlistedAt == null ? null : (existing?.unlistedAt ?? given.unlistedAt);
  // Some documents only give a last-update time as the start (incident.io's summary); a start never moves later.
  const startedAt = existing ? Math.min(existing.startedAt, given.startedAt) : given.startedAt;
  const i = { ...given, unlistedAt, startedAt };
  let changed = false;
  let incidentId: number;
  if (!existing) {
    const inserted = await x
      .insertInto('incidents')
      .values({ provider_slug: slug, origin, source_key: i.key, ...columnsOf(i, now) })
      .returning('id')
      .executeTakeFirstOrThrow();
    incidentId = inserted.id;
    changed = true;
  } else {
    incidentId = existing.id;
    if (FIELDS.some((field) => existing[field] !== i[field])) {
      await x.updateTable('incidents').set(columnsOf(i, now)).where('id', '=', incidentId).execute();
      changed = true;
    }
  }
  for (const u of i.updates) {
    const result = await x
      .insertInto('incident_updates')
      .values({
        incident_id: incidentId,
        source_key: u.key,
        state: u.state,
        raw_state: u.rawState,
        body: u.body,
        at: u.at,
      })
      .onConflict((oc) =>
        oc
          .columns(['incident_id', 'source_key'])
          .doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            raw_state: eb.ref('excluded.raw_state'),
            body: eb.ref('excluded.body'),
            at: eb.ref('excluded.at'),
          }))
          .where((eb) =>
            eb.or([
              eb('incident_updates.state', '<>', eb.ref('excluded.state')),
              eb('incident_updates.body', '<>', eb.ref('excluded.body')),
              eb('incident_updates.at', '<>', eb.ref('excluded.at')),
            ]),
          ),
      )
      .executeTakeFirst();
    changed = changes(result) > 0 || changed;
  }
  for (const c of i.components) {
    const result = await x
      .insertInto('incident_components')
      .values({ incident_id: incidentId, component_key: c.key, name: c.name })
      .onConflict((oc) =>
        oc
          .columns(['incident_id', 'component_key'])
          .doUpdateSet((eb) => ({ name: eb.ref('excluded.name') }))
          .where('incident_components.name', '<>', (eb) => eb.ref('excluded.name')),
      )
      .executeTakeFirst();
    changed = changes(result) > 0 || changed;
  }
  return changed;
}

export function createIncidentsStore(db: Db, versions: DataVersions) {
  /** Rows grouped by incident, in the query's order: two queries for any number of incidents. */
  async function byIncident<T extends { incidentId: number }>(
    rows: Promise<T[]>,
  ): Promise<Map<number, Omit<T, 'incidentId'>[]>> {
    const grouped = new Map<number, Omit<T, 'incidentId'>[]>();
    for (const { incidentId, ...row } of await rows) {
      const list = grouped.get(incidentId) ?? [];
      list.push(row);
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
        const result = await trx
          .updateTable('incidents')
          .set({ unlisted_at: now, updated_at: now })
          .where('provider_slug', '=', slug)
          .where('origin', '=', 'official')
          .where('unlisted_at', 'is', null)
          .where('state', 'not in', CLOSED_STATES)
          .$if(items.length > 0, (q) =>
            q.where(
              'source_key',
              'not in',
              items.map((i) => i.key),
            ),
          )
          .executeTakeFirst();
        return changes(result) > 0 || any;
      });
      if (changed) versions.bump(slug);
      return changed;
    },
    /** Every open detected incident, of all providers: what the detection job continues or closes. */
    async openDetected(): Promise<{ providerSlug: string; key: string; startedAt: number }[]> {
      return db
        .selectFrom('incidents')
        .select(['provider_slug as providerSlug', 'source_key as key', 'started_at as startedAt'])
        .where('origin', '=', 'detected')
        .where('state', 'not in', CLOSED_STATES)
        .where('unlisted_at', 'is', null)
        .orderBy('provider_slug')
        .orderBy('started_at')
        .execute();
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
      const open = await db
        .selectFrom('incidents')
        .select('id')
        .where('provider_slug', '=', slug)
        .where('origin', '=', 'official')
        .where('resolved_at', 'is', null)
        .where('unlisted_at', 'is', null)
        .where('state', 'not in', CLOSED_STATES)
        .limit(1)
        .executeTakeFirst();
      return open !== undefined;
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
      const rows = await db
        .selectFrom('incidents')
        .select(COLUMNS)
        .where('provider_slug', '=', slug)
        .where((eb) =>
          eb.or([
            eb('started_at', '>=', sinceAt),
            eb('resolved_at', '>=', sinceAt),
            eb('unlisted_at', '>=', sinceAt),
            eb('scheduled_until', '>=', sinceAt),
            eb.and([eb('state', 'not in', CLOSED_STATES), eb('unlisted_at', 'is', null)]),
          ]),
        )
        // Open ones first (no end yet), then by end, newest first.
        .orderBy(sql`COALESCE(resolved_at, unlisted_at, 9000000000000000)`, 'desc')
        .orderBy('started_at', 'desc')
        .execute();
      if (rows.length === 0) return [];
      const ids = rows.map((row) => row.id);
      const [updates, components] = await Promise.all([
        byIncident(
          db
            .selectFrom('incident_updates')
            .select(['incident_id as incidentId', 'state', 'raw_state as rawState', 'body', 'at'])
            .where('incident_id', 'in', ids)
            .orderBy('at', 'desc')
            .orderBy('id', 'desc')
            .execute(),
        ),
        byIncident(
          db
            .selectFrom('incident_components')
            .select(['incident_id as incidentId', 'component_key as key', 'name'])
            .where('incident_id', 'in', ids)
            .orderBy('name')
            .execute(),
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

// Daily rollups: time per level per UTC day (the API's and each official component's), each provider's latest
// sample, each day's probe totals, and the incidents that touched a span of days.
import { sql } from './kysely.ts';
import { CLOSED_STATES, type Impact, type Level } from '../domain.ts';
import { DAY_MS } from '../time.ts';
import { atomically, changes, type Db } from './db.ts';

/** Time to add to a subject's level on one day (see status/history.ts). */
export type LevelTimeRow = { subject: string; day: number; level: Level; ms: number };
export type SampleMark = { at: number; levels: Record<string, Level> };
/** An incident as the history reads it, before its scope is placed (see web/history-data.ts). */
export type IncidentOfDays = {
  id: number;
  origin: 'official' | 'detected';
  key: string;
  kind: 'incident' | 'maintenance';
  title: string;
  impact: Impact;
  startedAt: number;
  endedAt: number | null;
  url: string | null;
  components: { key: string; name: string }[];
};
export type ProbeDayRow = { day: number; attempts: number; successes: number; medianMs: number | null };
/** The region of totals recorded without one: this node's own before regions existed. */
const OWN_REGION = 'local';

const CLOSED = sql.raw(`(${CLOSED_STATES.map((state) => `'${state}'`).join(', ')})`);
/** When an incident ended: resolved (or, closed without a time, its last update), or gone from the open list. */
const ENDED_AT = sql`CASE WHEN state IN ${CLOSED} THEN COALESCE(resolved_at, unlisted_at, updated_at)
  ELSE unlisted_at END`;

async function addTime(x: Db, slug: string, time: readonly LevelTimeRow[]): Promise<void> {
  for (const t of time) {
    await x
      .insertInto('rollup_levels')
      .values({ provider_slug: slug, ...t })
      .onConflict((oc) =>
        oc
          .columns(['provider_slug', 'day', 'subject', 'level'])
          .doUpdateSet({ ms: (eb) => eb('rollup_levels.ms', '+', eb.ref('excluded.ms')) }),
      )
      .execute();
  }
}

export function createRollupsStore(db: Db) {
  return {
    /** The provider's latest sample, or null before the first. */
    async mark(slug: string): Promise<SampleMark | null> {
      const row = await db
        .selectFrom('rollup_marks')
        .select(['sampled_at as at', 'levels'])
        .where('provider_slug', '=', slug)
        .executeTakeFirst();
      return row ? { at: row.at, levels: JSON.parse(row.levels) as Record<string, Level> } : null;
    },
    /**
     * Records a sample and the time since the previous one, at once. `previousAt` is the sample the time was
     * measured from: when another writer moved the mark meanwhile nothing is written (no time is counted twice).
     * Returns whether it was recorded.
     */
    async advance(slug: string, previousAt: number | null, mark: SampleMark, time: readonly LevelTimeRow[]) {
      return atomically(db, async (trx) => {
        const levels = JSON.stringify(mark.levels);
        const moved =
          previousAt === null
            ? await trx
                .insertInto('rollup_marks')
                .values({ provider_slug: slug, sampled_at: mark.at, levels })
                .onConflict((oc) => oc.column('provider_slug').doNothing())
                .executeTakeFirst()
            : await trx
                .updateTable('rollup_marks')
                .set({ sampled_at: mark.at, levels })
                .where('provider_slug', '=', slug)
                .where('sampled_at', '=', previousAt)
                .executeTakeFirst();
        if (changes(moved) === 0) return false;
        await addTime(trx, slug, time);
        return true;
      });
    },
    /** Adds time without a sample (imports, a simulated past); the sampling job uses `advance`. */
    add: (slug: string, time: readonly LevelTimeRow[]): Promise<void> =>
      atomically(db, (trx) => addTime(trx, slug, time)),
    /** Time per subject, day and level for days in [fromDay, toDay]; only `subject` when given. */
    async levels(slug: string, fromDay: number, toDay: number, subject?: string): Promise<LevelTimeRow[]> {
      return db
        .selectFrom('rollup_levels')
        .select(['subject', 'day', 'level', 'ms'])
        .where((eb) => eb.and([eb('provider_slug', '=', slug), eb.between('day', fromDay, toDay)]))
        .$if(subject !== undefined, (q) => q.where('subject', '=', subject!))
        .orderBy('day')
        .orderBy('subject')
        .orderBy('level')
        .execute();
    },
    /** The raw probe results of one day [day 00:00, next 00:00), for its totals; of one region when given. */
    async probeResultsOfDay(slug: string, day: number, region?: string) {
      let query = db
        .selectFrom('probe_results')
        .select(['region', 'outcome', 'latency_ms as latencyMs'])
        .where('provider_slug', '=', slug)
        .where('at', '>=', day * DAY_MS)
        .where('at', '<', (day + 1) * DAY_MS);
      if (region !== undefined) query = query.where('region', '=', region);
      return query.execute();
    },
    /** Days before `beforeDay` that have raw probe results but no totals yet (what must be rolled up first). */
    async probeDaysMissing(slug: string, beforeDay: number): Promise<number[]> {
      const { rows } = await sql<{ day: number }>`
        SELECT DISTINCT CAST(at / ${DAY_MS} AS INTEGER) AS day FROM probe_results
        WHERE provider_slug = ${slug} AND at < ${beforeDay * DAY_MS}
          AND NOT EXISTS (SELECT 1 FROM rollup_probes r WHERE r.provider_slug = ${slug}
                          AND r.day = CAST(probe_results.at / ${DAY_MS} AS INTEGER))
        ORDER BY day`.execute(db);
      return rows.map((r) => r.day);
    },
    /** Records (or replaces) one day's probe totals of one region (this node's own, `local`, by default). */
    async recordProbeDay(slug: string, row: ProbeDayRow & { region?: string }): Promise<void> {
      await db
        .insertInto('rollup_probes')
        .values({
          provider_slug: slug,
          region: row.region ?? OWN_REGION,
          day: row.day,
          attempts: row.attempts,
          successes: row.successes,
          median_ms: row.medianMs,
        })
        .onConflict((oc) =>
          oc.columns(['provider_slug', 'region', 'day']).doUpdateSet((eb) => ({
            attempts: eb.ref('excluded.attempts'),
            successes: eb.ref('excluded.successes'),
            median_ms: eb.ref('excluded.median_ms'),
          })),
        )
        .execute();
    },
    /** One region's probe totals of the days in [fromDay, toDay] (this node's own, `local`, by default). */
    async probeDays(slug: string, fromDay: number, toDay: number, region = OWN_REGION): Promise<ProbeDayRow[]> {
      return db
        .selectFrom('rollup_probes')
        .select(['day', 'attempts', 'successes', 'median_ms as medianMs'])
        .where((eb) =>
          eb.and([eb('provider_slug', '=', slug), eb('region', '=', region), eb.between('day', fromDay, toDay)]),
        )
        .orderBy('day')
        .execute();
    },
    /**
     * Incidents and maintenances under way at some point in [fromAt, toAt), official or detected, oldest first, with
     * their source key and the components they name.
     */
    async incidentsBetween(slug: string, fromAt: number, toAt: number): Promise<IncidentOfDays[]> {
      const endedAt = sql<number | null>`${ENDED_AT}`;
      const rows = await db
        .selectFrom('incidents')
        .select(['id', 'origin', 'source_key as key', 'kind', 'title', 'impact', 'started_at as startedAt'])
        .select([endedAt.as('endedAt'), 'url'])
        .where('provider_slug', '=', slug)
        .where('started_at', '<', toAt)
        .where(sql<boolean>`NOT (kind = 'maintenance' AND state = 'scheduled')`)
        .where(sql<boolean>`(${ENDED_AT} IS NULL OR ${ENDED_AT} >= ${fromAt})`)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      if (rows.length === 0) return [];
      const named = await db
        .selectFrom('incident_components')
        .select(['incident_id as incidentId', 'component_key as key', 'name'])
        .where(
          'incident_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('name')
        .execute();
      return rows.map((row) => ({ ...row, components: named.filter((c) => c.incidentId === row.id) }));
    },
    /** Deletes rollups of days before `beforeDay`; returns how many rows. */
    async prune(beforeDay: number): Promise<number> {
      const levels = changes(await db.deleteFrom('rollup_levels').where('day', '<', beforeDay).executeTakeFirst());
      const probes = changes(await db.deleteFrom('rollup_probes').where('day', '<', beforeDay).executeTakeFirst());
      return levels + probes;
    },
  };
}
export type RollupsStore = ReturnType<typeof createRollupsStore>;

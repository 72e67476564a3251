// Daily rollups: time per level per UTC day (the API's and each official component's), each provider's latest
// sample, each day's probe totals, and the incidents that touched a span of days.
import { sql } from './kysely.ts';
import { CLOSED_STATES, type Impact, type Level, type ProbeOutcome } from '../domain.ts';
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
    await sql`INSERT INTO rollup_levels (provider_slug, subject, day, level, ms)
      VALUES (${slug}, ${t.subject}, ${t.day}, ${t.level}, ${t.ms})
      ON CONFLICT (provider_slug, day, subject, level) DO UPDATE SET ms = rollup_levels.ms + excluded.ms`.execute(x);
  }
}

export function createRollupsStore(db: Db) {
  return {
    /** The provider's latest sample, or null before the first. */
    async mark(slug: string): Promise<SampleMark | null> {
      const row = (
        await sql<{ at: number; levels: string }>`SELECT sampled_at AS at, levels FROM rollup_marks
          WHERE provider_slug = ${slug}`.execute(db)
      ).rows[0];
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
            ? await sql`INSERT INTO rollup_marks (provider_slug, sampled_at, levels) VALUES (${slug}, ${mark.at},
                ${levels}) ON CONFLICT (provider_slug) DO NOTHING`.execute(trx)
            : await sql`UPDATE rollup_marks SET sampled_at = ${mark.at}, levels = ${levels}
                WHERE provider_slug = ${slug} AND sampled_at = ${previousAt}`.execute(trx);
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
      const only = subject === undefined ? sql`` : sql`AND subject = ${subject}`;
      const { rows } = await sql<LevelTimeRow>`SELECT subject, day, level, ms FROM rollup_levels
        WHERE provider_slug = ${slug} AND day >= ${fromDay} AND day <= ${toDay} ${only}
        ORDER BY day, subject, level`.execute(db);
      return rows;
    },
    /** The raw probe results of one day [day 00:00, next 00:00), for its totals; of one region when given. */
    async probeResultsOfDay(slug: string, day: number, region?: string) {
      const only = region === undefined ? sql`` : sql`AND region = ${region}`;
      const { rows } = await sql<{ region: string; outcome: ProbeOutcome; latencyMs: number | null }>`
        SELECT region, outcome, latency_ms AS "latencyMs" FROM probe_results
        WHERE provider_slug = ${slug} AND at >= ${day * DAY_MS} AND at < ${(day + 1) * DAY_MS} ${only}`.execute(db);
      return rows;
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
      await sql`INSERT INTO rollup_probes (provider_slug, region, day, attempts, successes, median_ms)
        VALUES (${slug}, ${row.region ?? OWN_REGION}, ${row.day}, ${row.attempts}, ${row.successes}, ${row.medianMs})
        ON CONFLICT (provider_slug, region, day) DO UPDATE SET attempts = excluded.attempts,
          successes = excluded.successes, median_ms = excluded.median_ms`.execute(db);
    },
    /** One region's probe totals of the days in [fromDay, toDay] (this node's own, `local`, by default). */
    async probeDays(slug: string, fromDay: number, toDay: number, region = OWN_REGION): Promise<ProbeDayRow[]> {
      const { rows } = await sql<ProbeDayRow>`SELECT day, attempts, successes, median_ms AS "medianMs"
        FROM rollup_probes WHERE provider_slug = ${slug} AND region = ${region} AND day >= ${fromDay}
          AND day <= ${toDay}
        ORDER BY day`.execute(db);
      return rows;
    },
    /**
     * Incidents and maintenances under way at some point in [fromAt, toAt), official or detected, oldest first, with
     * their source key and the components they name.
     */
    async incidentsBetween(slug: string, fromAt: number, toAt: number): Promise<IncidentOfDays[]> {
      const { rows } = await sql<Omit<IncidentOfDays, 'components'>>`
        SELECT id, origin, source_key AS "key", kind, title, impact, started_at AS "startedAt", ${ENDED_AT} AS "endedAt",
          url
        FROM incidents
        WHERE provider_slug = ${slug} AND started_at < ${toAt} AND NOT (kind = 'maintenance' AND state = 'scheduled')
          AND (${ENDED_AT} IS NULL OR ${ENDED_AT} >= ${fromAt})
        ORDER BY started_at, id`.execute(db);
      if (rows.length === 0) return [];
      const { rows: named } = await sql<{ incidentId: number; key: string; name: string }>`
        SELECT incident_id AS "incidentId", component_key AS "key", name FROM incident_components
        WHERE incident_id IN (${sql.join(rows.map((r) => r.id))}) ORDER BY name`.execute(db);
      return rows.map((row) => ({ ...row, components: named.filter((c) => c.incidentId === row.id) }));
    },
    /** Deletes rollups of days before `beforeDay`; returns how many rows. */
    async prune(beforeDay: number): Promise<number> {
      const levels = changes(await sql`DELETE FROM rollup_levels WHERE day < ${beforeDay}`.execute(db));
      const probes = changes(await sql`DELETE FROM rollup_probes WHERE day < ${beforeDay}`.execute(db));
      return levels + probes;
    },
  };
}
export type RollupsStore = ReturnType<typeof createRollupsStore>;

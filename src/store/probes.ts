// Probe results: one row per live probe attempt, with the region it ran from, its outcome, status, latency and
// timing phases. An agent's results carry its own id, unique per region, so a batch sent twice counts once.
import { sql } from './kysely.ts';
import type { ProbeOutcome } from '../domain.ts';
import { atomically, changes, prunePerProvider, type Db, type Engine } from './db.ts';
import type { DataVersions } from './versions.ts';

export type ProbeResultRow = {
  at: number;
  outcome: ProbeOutcome;
  httpStatus: number | null;
  latencyMs: number | null;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
  detail: string | null;
};

/** A stored result with the region it was probed from. */
export type RegionalProbeResult = ProbeResultRow & { region: string };

/** An agent's result as it arrives: its id (unique within its region) and the provider it probed. */
export type AgentProbeResult = ProbeResultRow & { id: string; provider: string };

/** The region of this node's own results before regions existed (and the default PROBE_REGION). */
export const DEFAULT_REGION = 'local';

/** `AND region = …`, or nothing for every region. */
const inRegion = (region: string | undefined) => (region === undefined ? sql`` : sql`AND region = ${region}`);

const COLUMNS = [
  'region',
  'at',
  'outcome',
  'http_status as httpStatus',
  'latency_ms as latencyMs',
  'dns_ms as dnsMs',
  'connect_ms as connectMs',
  'tls_ms as tlsMs',
  'ttfb_ms as ttfbMs',
  'detail',
] as const;

/** A result's columns as stored. */
const columnsOf = (r: ProbeResultRow) => ({
  at: r.at,
  outcome: r.outcome,
  http_status: r.httpStatus,
  latency_ms: r.latencyMs,
  dns_ms: r.dnsMs,
  connect_ms: r.connectMs,
  tls_ms: r.tlsMs,
  ttfb_ms: r.ttfbMs,
  detail: r.detail,
});

export function createProbesStore(db: Db, versions: DataVersions, engine: Engine) {
  // The larger of two values: SQLite's scalar MAX is PostgreSQL's GREATEST.
  const greatest = engine === 'postgres' ? sql`GREATEST` : sql`MAX`;
  /** A provider's results, of one region or of every region. */
  const results = (providerSlug: string, region: string | undefined) =>
    db
      .selectFrom('probe_results')
      .where('provider_slug', '=', providerSlug)
      .$if(region !== undefined, (q) => q.where('region', '=', region!));
  return {
    /**
     * Each provider's latest result at or after `sinceAt`, with the start of its current run of that outcome since
     * `runSinceAt`.
     */
    async latestPerProvider(sinceAt: number, runSinceAt: number, region?: string) {
      // Index seeks only: each provider's latest result, the last different outcome before it, then the run's first.
      const { rows } = await sql<{ providerSlug: string; at: number; outcome: ProbeOutcome; runStartAt: number }>`
        WITH latest AS (
          SELECT r.provider_slug AS slug, r.at, r.outcome,
            (SELECT MAX(q.at) FROM probe_results q
             WHERE q.provider_slug = r.provider_slug AND q.region = r.region AND q.at >= ${runSinceAt}
               AND q.outcome <> r.outcome) AS other_at
          FROM providers pr
          JOIN probe_results r ON r.id = (SELECT id FROM probe_results WHERE provider_slug = pr.slug ${inRegion(region)}
                                          ORDER BY at DESC, id DESC LIMIT 1)
          WHERE r.at >= ${sinceAt}
        )
        SELECT slug AS "providerSlug", at, outcome,
          (SELECT MIN(p.at) FROM probe_results p
           WHERE p.provider_slug = latest.slug ${inRegion(region)}
             AND p.at > ${greatest}(COALESCE(other_at, -1), ${runSinceAt - 1})) AS "runStartAt"
        FROM latest`.execute(db);
      return rows;
    },
    /** Every answer in the usual form with its latency at or after `sinceAt`, oldest first, with its region. */
    async answeredLatencies(providerSlug: string, sinceAt: number) {
      const { rows } = await sql<{ region: string; at: number; latencyMs: number }>`
        SELECT region, at, latency_ms AS "latencyMs" FROM probe_results
        WHERE provider_slug = ${providerSlug} AND at >= ${sinceAt}
          AND outcome IN ('rejected_as_expected', 'slow') AND latency_ms IS NOT NULL
        ORDER BY at`.execute(db);
      return rows;
    },
    /** Records one of this node's own results, from `region` (default: `local`). */
    async record(providerSlug: string, result: ProbeResultRow & { region?: string }): Promise<void> {
      await db
        .insertInto('probe_results')
        .values({ provider_slug: providerSlug, region: result.region ?? DEFAULT_REGION, ...columnsOf(result) })
        .execute();
      versions.bump(providerSlug);
    },
    /**
     * Records an agent's results in one transaction; a result whose id its region already holds is skipped, so a
     * batch sent again changes nothing. Returns how many were new.
     */
    async recordAgentResults(
      region: string,
      results: readonly AgentProbeResult[],
    ): Promise<{ accepted: number; duplicates: number }> {
      const accepted = await atomically(db, async (trx) => {
        let added = 0;
        for (const r of results) {
          added += changes(
            await trx
              .insertInto('probe_results')
              .values({ provider_slug: r.provider, region, result_id: r.id, ...columnsOf(r) })
              .onConflict((oc) => oc.columns(['region', 'result_id']).doNothing())
              .executeTakeFirst(),
          );
        }
        return added;
      });
      for (const slug of new Set(results.map((r) => r.provider))) versions.bump(slug);
      return { accepted, duplicates: results.length - accepted };
    },
    /** Results at or after `sinceAt` (of one region, or of every region), oldest first. */
    since: (providerSlug: string, sinceAt: number, region?: string): Promise<RegionalProbeResult[]> =>
      results(providerSlug, region).select(COLUMNS).where('at', '>=', sinceAt).orderBy('at').orderBy('id').execute(),
    /** The `count` most recent results (of one region, or of every region), newest first. */
    latest: (providerSlug: string, count: number, region?: string): Promise<RegionalProbeResult[]> =>
      results(providerSlug, region).select(COLUMNS).orderBy('at', 'desc').orderBy('id', 'desc').limit(count).execute(),
    /** Latencies of the normal rejections in [sinceAt, beforeAt) (of one region, or every region). */
    async normalLatencies(providerSlug: string, sinceAt: number, beforeAt: number, region?: string): Promise<number[]> {
      const rows = await results(providerSlug, region)
        .select('latency_ms')
        .where('at', '>=', sinceAt)
        .where('at', '<', beforeAt)
        .where('outcome', '=', 'rejected_as_expected')
        .where('latency_ms', 'is not', null)
        .execute();
      return rows.flatMap((row) => (row.latency_ms === null ? [] : [row.latency_ms]));
    },
    /** Deletes results older than `beforeAt`, one provider per statement; returns how many. */
    async prune(beforeAt: number): Promise<number> {
      return prunePerProvider(db, 'probe_results', 'at', beforeAt);
    },
  };
}
export type ProbesStore = ReturnType<typeof createProbesStore>;

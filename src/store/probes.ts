// Probe results: one row per live probe attempt, with its outcome, status, latency and timing phases.
import { sql } from './kysely.ts';
import type { ProbeOutcome } from '../domain.ts';
import { prunePerProvider, type Db, type Engine } from './db.ts';
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

const COLUMNS = sql`at, outcome, http_status AS "httpStatus", latency_ms AS "latencyMs", dns_ms AS "dnsMs",
  connect_ms AS "connectMs", tls_ms AS "tlsMs", ttfb_ms AS "ttfbMs", detail`;

export function createProbesStore(db: Db, versions: DataVersions, engine: Engine) {
  // The larger of two values: SQLite's scalar MAX is PostgreSQL's GREATEST.
  const greatest = engine === 'postgres' ? sql`GREATEST` : sql`MAX`;
  return {
    /**
     * Each provider's latest result at or after `sinceAt`, with the start of its current run of that outcome since
     * `runSinceAt`.
     */
    async latestPerProvider(sinceAt: number, runSinceAt: number) {
      // Index seeks only: each provider's latest result, the last different outcome before it, then the run's first.
      const { rows } = await sql<{ providerSlug: string; at: number; outcome: ProbeOutcome; runStartAt: number }>`
        WITH latest AS (
          SELECT r.provider_slug AS slug, r.at, r.outcome,
            (SELECT MAX(q.at) FROM probe_results q
             WHERE q.provider_slug = r.provider_slug AND q.at >= ${runSinceAt} AND q.outcome <> r.outcome) AS other_at
          FROM providers pr
          JOIN probe_results r ON r.id = (SELECT id FROM probe_results WHERE provider_slug = pr.slug
                                          ORDER BY at DESC, id DESC LIMIT 1)
          WHERE r.at >= ${sinceAt}
        )
        SELECT slug AS "providerSlug", at, outcome,
          (SELECT MIN(p.at) FROM probe_results p
           WHERE p.provider_slug = latest.slug
             AND p.at > ${greatest}(COALESCE(other_at, -1), ${runSinceAt - 1})) AS "runStartAt"
        FROM latest`.execute(db);
      return rows;
    },
    async record(providerSlug: string, result: ProbeResultRow): Promise<void> {
      await sql`
        INSERT INTO probe_results (provider_slug, at, outcome, http_status, latency_ms, dns_ms, connect_ms, tls_ms,
          ttfb_ms, detail)
        VALUES (${providerSlug}, ${result.at}, ${result.outcome}, ${result.httpStatus}, ${result.latencyMs},
          ${result.dnsMs}, ${result.connectMs}, ${result.tlsMs}, ${result.ttfbMs}, ${result.detail})`.execute(db);
      versions.bump(providerSlug);
    },
    /** Results at or after `sinceAt`, oldest first. */
    since: async (providerSlug: string, sinceAt: number): Promise<ProbeResultRow[]> =>
      (
        await sql<ProbeResultRow>`SELECT ${COLUMNS} FROM probe_results
          WHERE provider_slug = ${providerSlug} AND at >= ${sinceAt} ORDER BY at`.execute(db)
      ).rows,
    /** The `count` most recent results, newest first. */
    latest: async (providerSlug: string, count: number): Promise<ProbeResultRow[]> =>
      (
        await sql<ProbeResultRow>`SELECT ${COLUMNS} FROM probe_results WHERE provider_slug = ${providerSlug}
          ORDER BY at DESC, id DESC LIMIT ${count}`.execute(db)
      ).rows,
    /** Latencies of the normal rejections in [sinceAt, beforeAt): what a latency baseline is made of. */
    async normalLatencies(providerSlug: string, sinceAt: number, beforeAt: number): Promise<number[]> {
      const { rows } = await sql<{ latencyMs: number }>`SELECT latency_ms AS "latencyMs" FROM probe_results
        WHERE provider_slug = ${providerSlug} AND at >= ${sinceAt} AND at < ${beforeAt}
          AND outcome = 'rejected_as_expected' AND latency_ms IS NOT NULL`.execute(db);
      return rows.map((row) => row.latencyMs);
    },
    /** Deletes results older than `beforeAt`, one provider per statement; returns how many. */
    async prune(beforeAt: number): Promise<number> {
      return prunePerProvider(db, 'probe_results', 'at', beforeAt);
    },
  };
}
export type ProbesStore = ReturnType<typeof createProbesStore>;

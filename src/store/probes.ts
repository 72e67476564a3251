// Probe results: one row per live probe attempt, with its outcome, status, latency and timing phases.
import type { ProbeOutcome } from '../domain.ts';
import type { Db } from './db.ts';
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

const COLUMNS = `at, outcome, http_status AS httpStatus, latency_ms AS latencyMs, dns_ms AS dnsMs,
  connect_ms AS connectMs, tls_ms AS tlsMs, ttfb_ms AS ttfbMs, detail`;

export function createProbesStore(db: Db, versions: DataVersions) {
  const insert = db.prepare(
    `INSERT INTO probe_results (provider_slug, at, outcome, http_status, latency_ms, dns_ms, connect_ms, tls_ms, ttfb_ms, detail)
     VALUES (@providerSlug, @at, @outcome, @httpStatus, @latencyMs, @dnsMs, @connectMs, @tlsMs, @ttfbMs, @detail)`,
  );
  const since = db.prepare<[string, number], ProbeResultRow>(
    `SELECT ${COLUMNS} FROM probe_results WHERE provider_slug = ? AND at >= ? ORDER BY at`,
  );
  const latest = db.prepare<[string, number], ProbeResultRow>(
    `SELECT ${COLUMNS} FROM probe_results WHERE provider_slug = ? ORDER BY at DESC, id DESC LIMIT ?`,
  );
  const normal = db.prepare<[string, number, number], { latencyMs: number }>(
    `SELECT latency_ms AS latencyMs FROM probe_results
     WHERE provider_slug = ? AND at >= ? AND at < ? AND outcome = 'rejected_as_expected' AND latency_ms IS NOT NULL`,
  );
  // Index seeks only: each provider's latest result, the last different outcome before it, then the run's first result.
  const latestPerProvider = db.prepare<
    [{ sinceAt: number; runSinceAt: number }],
    { providerSlug: string; at: number; outcome: ProbeOutcome; runStartAt: number }
  >(
    `WITH latest AS (
       SELECT r.provider_slug AS slug, r.at, r.outcome,
         (SELECT MAX(q.at) FROM probe_results q
          WHERE q.provider_slug = r.provider_slug AND q.at >= @runSinceAt AND q.outcome != r.outcome) AS otherAt
       FROM providers pr
       JOIN probe_results r ON r.id = (SELECT id FROM probe_results WHERE provider_slug = pr.slug ORDER BY at DESC, id DESC LIMIT 1)
       WHERE r.at >= @sinceAt
     )
     SELECT slug AS providerSlug, at, outcome,
       (SELECT MIN(p.at) FROM probe_results p WHERE p.provider_slug = latest.slug AND p.at > max(COALESCE(otherAt, -1), @runSinceAt - 1)) AS runStartAt
     FROM latest`,
  );
  const providerSlugs = db.prepare<[], { slug: string }>('SELECT slug FROM providers');
  const pruneProvider = db.prepare<[string, number]>('DELETE FROM probe_results WHERE provider_slug = ? AND at < ?');

  return {
    /** Each provider's latest result at or after `sinceAt`, with the start of its current run of that outcome since `runSinceAt`. */
    latestPerProvider: (sinceAt: number, runSinceAt: number) => latestPerProvider.all({ sinceAt, runSinceAt }),
    record(providerSlug: string, result: ProbeResultRow): void {
      insert.run({ providerSlug, ...result });
      versions.bump(providerSlug);
    },
    /** Results at or after `sinceAt`, oldest first. */
    since: (providerSlug: string, sinceAt: number): ProbeResultRow[] => since.all(providerSlug, sinceAt),
    /** The `count` most recent results, newest first. */
    latest: (providerSlug: string, count: number): ProbeResultRow[] => latest.all(providerSlug, count),
    /** Latencies of the normal rejections in [sinceAt, beforeAt): what a latency baseline is made of. */
    normalLatencies: (providerSlug: string, sinceAt: number, beforeAt: number): number[] =>
      normal.all(providerSlug, sinceAt, beforeAt).map((row) => row.latencyMs),
    /** Deletes results older than `beforeAt`, one provider per transaction; returns how many. */
    prune: (beforeAt: number): number =>
      providerSlugs.all().reduce((sum, p) => sum + pruneProvider.run(p.slug, beforeAt).changes, 0),
  };
}
export type ProbesStore = ReturnType<typeof createProbesStore>;

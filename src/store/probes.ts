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
  const latestPerProvider = db.prepare<[number], { providerSlug: string; at: number; outcome: ProbeOutcome }>(
    `SELECT provider_slug AS providerSlug, MAX(at) AS at, outcome FROM probe_results WHERE at >= ? GROUP BY provider_slug`,
  );
  const providerSlugs = db.prepare<[], { slug: string }>('SELECT slug FROM providers');
  const pruneProvider = db.prepare<[string, number]>('DELETE FROM probe_results WHERE provider_slug = ? AND at < ?');

  return {
    /** Each provider's latest result at or after `sinceAt` (SQLite returns the row that holds the MAX). */
    latestPerProvider: (sinceAt: number) => latestPerProvider.all(sinceAt),
    record(providerSlug: string, result: ProbeResultRow): void {
      insert.run({ providerSlug, ...result });
      versions.bump(providerSlug);
    },
    /** Results at or after `sinceAt`, oldest first. */
    since: (providerSlug: string, sinceAt: number): ProbeResultRow[] => since.all(providerSlug, sinceAt),
    /** The `count` most recent results, newest first. */
    latest: (providerSlug: string, count: number): ProbeResultRow[] => latest.all(providerSlug, count),
    /** Deletes results older than `beforeAt`, one provider per transaction; returns how many. */
    prune: (beforeAt: number): number =>
      providerSlugs.all().reduce((sum, p) => sum + pruneProvider.run(p.slug, beforeAt).changes, 0),
  };
}
export type ProbesStore = ReturnType<typeof createProbesStore>;

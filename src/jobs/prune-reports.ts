// Retention of community reports: raw rows are kept as long as the baselines read them (the last day against the
// 7 days before it); the 15-minute bucket counts as long as the history pages show (90 days).
import type { Store } from '../store/index.ts';
import { COMMUNITY_BASELINE_DAYS } from '../status/community.ts';
import { HISTORY_DAYS } from '../status/history.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';

/** The last 24 hours and the baseline days before them, plus a day of margin for a window that straddles. */
export const REPORT_RETENTION_MS = (COMMUNITY_BASELINE_DAYS + 2) * DAY_MS;
export const REPORT_BUCKET_RETENTION_MS = HISTORY_DAYS * DAY_MS;
export const PRUNE_REPORTS_INTERVAL_MS = HOUR_MS;

type Log = { info(data: object, message: string): void; error(data: object, message: string): void };

/** Deletes raw reports (and rate-limit windows that ended) past retention at `now`; returns how many reports. */
export async function pruneReports(store: Store, now: number): Promise<number> {
  await store.rateLimits.prune(now);
  // Deduplication looks back one window: a day of claims keeps every window whole.
  await store.reports.pruneClaims(now - DAY_MS);
  await store.reports.pruneBuckets(now - REPORT_BUCKET_RETENTION_MS);
  return store.reports.prune(now - REPORT_RETENTION_MS);
}

/** One run for a schedule: prunes, logs what it removed, and never throws (a busy database just waits an hour). */
export function reportPruneTask(store: Store, log: Log, clock: () => number = Date.now): () => Promise<void> {
  return async () => {
    try {
      const removed = await pruneReports(store, clock());
      if (removed > 0) log.info({ removed }, 'pruned raw reports past retention');
    } catch (err) {
      log.error({ err }, 'pruning reports failed');
    }
  };
}

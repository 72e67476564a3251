// Retention of raw community reports: rows older than 90 days are deleted; the 15-minute bucket counts stay.
import type { Store } from '../store/index.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';

export const REPORT_RETENTION_MS = 90 * DAY_MS;
export const PRUNE_REPORTS_INTERVAL_MS = HOUR_MS;

type Log = { info(data: object, message: string): void; error(data: object, message: string): void };

/** Deletes raw reports (and rate-limit windows that ended) past retention at `now`; returns how many reports. */
export async function pruneReports(store: Store, now: number): Promise<number> {
  await store.rateLimits.prune(now);
  // Deduplication looks back one window: a day of claims keeps every window whole.
  await store.reports.pruneClaims(now - DAY_MS);
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

// Retention of probe results (30 days) and source checks (14 days); pages read 24 hours of probes and each document's
// latest success and failure run, which the checks store never deletes.
import type { Store } from '../store/index.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';

export const PROBE_RETENTION_MS = 30 * DAY_MS;
export const CHECK_RETENTION_MS = 14 * DAY_MS;
export const PRUNE_SIGNALS_INTERVAL_MS = HOUR_MS;

type Log = { info(data: object, message: string): void; error(data: object, message: string): void };

/** Deletes probe results and source checks past retention at `now`; returns how many of each. */
export async function pruneSignals(store: Store, now: number): Promise<{ probes: number; checks: number }> {
  return {
    probes: await store.probes.prune(now - PROBE_RETENTION_MS),
    checks: await store.checks.prune(now - CHECK_RETENTION_MS),
  };
}

/** One run for a schedule: prunes, logs what it removed, and never throws. */
export function signalPruneTask(store: Store, log: Log, clock: () => number = Date.now): () => Promise<void> {
  return async () => {
    try {
      const removed = await pruneSignals(store, clock());
      if (removed.probes + removed.checks > 0)
        log.info(removed, 'pruned probe results and source checks past retention');
    } catch (err) {
      log.error({ err }, 'pruning probe results and source checks failed');
    }
  };
}

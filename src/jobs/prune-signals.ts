// Retention of probe results (30 days), source checks (14 days) and daily rollups (400 days); pages read 24 hours of
// probes and each document's latest success and failure run, which the checks store never deletes. A day's probe
// totals are rolled up before its raw results go.
import type { Store } from '../store/index.ts';
import { pruneRollups, rollUpMissingProbeDays } from './rollup.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';

export const PROBE_RETENTION_MS = 30 * DAY_MS;
export const CHECK_RETENTION_MS = 14 * DAY_MS;
export const PRUNE_SIGNALS_INTERVAL_MS = HOUR_MS;

type Log = { info(data: object, message: string): void; error(data: object, message: string): void };

/** Deletes probe results, source checks and rollups past retention at `now`; returns how many of each. */
export async function pruneSignals(
  store: Store,
  now: number,
): Promise<{ probes: number; checks: number; rollups: number }> {
  // Days about to lose their raw results keep their totals (the roll-up job may not have run on them).
  const cutoff = now - PROBE_RETENTION_MS;
  for (const p of await store.providers.list()) await rollUpMissingProbeDays(store, p.slug, cutoff + DAY_MS);
  return {
    probes: await store.probes.prune(cutoff),
    checks: await store.checks.prune(now - CHECK_RETENTION_MS),
    rollups: await pruneRollups(store, now),
  };
}

/** One run for a schedule: prunes, logs what it removed, and never throws. */
export function signalPruneTask(store: Store, log: Log, clock: () => number = Date.now): () => Promise<void> {
  return async () => {
    try {
      const removed = await pruneSignals(store, clock());
      if (removed.probes + removed.checks + removed.rollups > 0)
        log.info(removed, 'pruned probe results, source checks and rollups past retention');
    } catch (err) {
      log.error({ err }, 'pruning probe results and source checks failed');
    }
  };
}

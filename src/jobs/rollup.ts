// The rollup job: samples every provider's levels (the one assessment's API level, each official component's) once
// a minute and adds the time since its previous sample to the right UTC day; refreshes the probe totals of today
// and yesterday now and then. A gap longer than the bound is counted as nothing (no data), never as a level.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import {
  dayOf,
  elapsedTime,
  HISTORY_RETENTION_DAYS,
  probeDay,
  type SampledLevels,
  type SampleLevels,
} from '../status/history.ts';
import type { Store } from '../store/index.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';
import type { JobLog } from './scheduler.ts';

/** Today's and yesterday's probe totals are recomputed this often (they only feed the history). */
export const PROBE_ROLLUP_MS = 10 * MINUTE_MS;

export type RollupDeps = {
  store: Store;
  catalog: Catalog;
  /** Every provider's levels now, when the recorder runs on its own. */
  sample: SampleLevels;
  now: () => number;
  log?: JobLog;
};

/** Rolls up the probe totals of one day from its raw results, each region's apart. */
export async function rollUpProbeDay(store: Store, slug: string, day: number): Promise<void> {
  const results = await store.rollups.probeResultsOfDay(slug, day);
  for (const region of new Set(results.map((r) => r.region))) {
    const totals = probeDay(results.filter((r) => r.region === region));
    await store.rollups.recordProbeDay(slug, { region, day, ...totals });
  }
}

/** Rolls up every day before `beforeAt`'s day that has raw probe results and no totals (before they are pruned). */
export async function rollUpMissingProbeDays(store: Store, slug: string, beforeAt: number): Promise<number> {
  const days = await store.rollups.probeDaysMissing(slug, dayOf(beforeAt));
  for (const day of days) await rollUpProbeDay(store, slug, day);
  return days.length;
}

/** Deletes rollups older than their retention at `now`. */
export const pruneRollups = (store: Store, now: number): Promise<number> =>
  store.rollups.prune(dayOf(now) - HISTORY_RETENTION_DAYS + 1);

export function createRollupRecorder(deps: RollupDeps) {
  const { store, catalog } = deps;
  let lastProbeRollup = -Infinity;

  /** Samples one provider: the time since its previous sample goes to the levels that sample saw. */
  async function sampleProvider(provider: Provider, levels: SampledLevels | undefined, now: number) {
    if (!levels) return false;
    const previous = await store.rollups.mark(provider.slug);
    // A clock that went back (or a sample from the future) leaves the mark as it is: nothing is counted twice.
    if (previous && now <= previous.at) return false;
    return store.rollups.advance(provider.slug, previous?.at ?? null, { at: now, levels }, elapsedTime(previous, now));
  }

  /** One pass over every provider with the levels sampled at `now`. */
  async function record(levels: ReadonlyMap<string, SampledLevels>, now: number): Promise<number> {
    const probes = now - lastProbeRollup >= PROBE_ROLLUP_MS;
    const first = lastProbeRollup === -Infinity;
    if (probes) lastProbeRollup = now;
    let sampled = 0;
    for (const provider of catalog.providers) {
      try {
        if (await sampleProvider(provider, levels.get(provider.slug), now)) sampled += 1;
        if (probes && provider.probe) {
          // The first pass also rolls up the days a stopped node missed; then today and yesterday suffice.
          if (first) await rollUpMissingProbeDays(store, provider.slug, now - DAY_MS);
          await rollUpProbeDay(store, provider.slug, dayOf(now) - 1);
          await rollUpProbeDay(store, provider.slug, dayOf(now));
        }
      } catch (err) {
        deps.log?.warn({ err, provider: provider.slug }, 'recording the daily history failed');
      }
    }
    return sampled;
  }

  async function pass(): Promise<number> {
    const now = deps.now();
    return record(await deps.sample(now), now);
  }

  return {
    /** One pass over every provider; resolves with how many were sampled. */
    run: pass,
    /** The same pass over levels already sampled (the leader's minute hands them over); never throws. */
    async recordTask(levels: ReadonlyMap<string, SampledLevels>, now: number): Promise<void> {
      try {
        await record(levels, now);
      } catch (err) {
        deps.log?.warn({ err }, 'recording the daily history failed');
      }
    },
    /** The same pass for a schedule: never throws. */
    async task(): Promise<void> {
      try {
        await pass();
      } catch (err) {
        deps.log?.warn({ err }, 'recording the daily history failed');
      }
    },
  };
}
export type RollupRecorder = ReturnType<typeof createRollupRecorder>;

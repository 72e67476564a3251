// The assessor: what we conclude about each provider now, from one read of its signals, kept while its data version
// holds. Pages, the JSON API and the jobs all ask it; none of them assesses again.
import type { Catalog } from '../catalog/load.ts';
import type { ErrorType, Provider } from '../catalog/schema.ts';
import type { Config } from '../config.ts';
import type { LocalFault } from '../status/probe.ts';
import type { Store } from '../store/index.ts';
import { createCorrelationMemo, type CorrelationState, type CorrelationTiming } from './correlation.ts';
import { errorResults, type ErrorResult } from './errors.ts';
import { LIST_READS_AT_ONCE, mapAtMost } from './read-limit.ts';
import { createSignalReader, type ProviderData, type ReadScope, type SignalRead } from './signals.ts';

export type AssessorTiming = {
  /** How current the correlation of every provider is kept (see correlation.ts). */
  correlation: CorrelationTiming;
  /** A provider's read is reused this long while its data version and our own fault are unchanged. */
  reuseMs: number;
};

/** Every call reads afresh (only a call at the same instant on unchanged data reuses a read). */
export const NO_REUSE: AssessorTiming = { correlation: { minAgeMs: 0, refreshMs: 0, reuseMs: 0 }, reuseMs: 0 };

/** What a page reads of one provider: everything, the chart's days and the models reports name included. */
const FULL: ReadScope = { chart: true, models: true };

/** One provider's read with its results: a read carries its own error results, so each is computed once. */
export type Assessed = SignalRead & { error(errorType: ErrorType): ErrorResult };

type Kept = { version: number; at: number; faultKey: string; scope: ReadScope; assessed: Assessed };

export type Assessor = {
  /** One provider as its pages show it (every signal, and the correlation of every provider). */
  of(provider: Provider, now: number): Promise<ProviderData>;
  /** Every provider, in the catalog's order; their chart buckets only when asked for (`chart`). */
  all(now: number, scope?: ReadScope): Promise<ProviderData[]>;
  /** One provider's assessment without the chart, the models or the correlation (what the jobs need). */
  signals(provider: Provider, now: number): Promise<Assessed>;
  /** Which providers are in trouble together, with the epoch that changes with the groups. */
  correlation(now: number): Promise<CorrelationState>;
};

const covers = (kept: ReadScope, wanted: ReadScope) =>
  (kept.chart || !wanted.chart) && (kept.models === true || wanted.models !== true);

/** A page's data: the read's fields, the correlation, and the chart and models when they were read. */
function provide(assessed: Assessed, correlation: CorrelationState): ProviderData {
  const data = Object.assign<object, Assessed, { correlation: CorrelationState }>({}, assessed, { correlation });
  const { chartBuckets, modelTrends } = assessed;
  const slug = assessed.provider.slug;
  return Object.defineProperties(data as unknown as ProviderData, {
    buckets: {
      enumerable: true,
      get() {
        if (chartBuckets === null) throw new Error(`the chart's buckets of ${slug} were not read: use assessor.of`);
        return chartBuckets;
      },
    },
    models: {
      enumerable: true,
      get() {
        if (modelTrends === null) throw new Error(`the report models of ${slug} were not read: use assessor.of`);
        return modelTrends;
      },
    },
  });
}

export function createAssessor(deps: {
  store: Store;
  catalog: Catalog;
  config: Config;
  timing?: AssessorTiming;
}): Assessor {
  const { store, catalog } = deps;
  const timing = deps.timing ?? NO_REUSE;
  const reader = createSignalReader(deps);
  const kept = new Map<string, Kept>();
  const reading = new Map<string, Omit<Kept, 'assessed'> & { entry: Promise<Kept> }>();

  /** The provider's read at `now`: the kept one while nothing it depends on changed, else a new one. */
  async function assessed(provider: Provider, now: number, fault: LocalFault | null, scope: ReadScope) {
    const version = store.versions.of(provider.slug);
    const faultKey = JSON.stringify(fault);
    const old = kept.get(provider.slug);
    const age = old ? now - old.at : -1;
    if (
      old &&
      old.version === version &&
      old.faultKey === faultKey &&
      age >= 0 &&
      age <= timing.reuseMs &&
      covers(old.scope, scope)
    )
      return old;
    // A read of the same instant and data already under way (the correlation's, a page's) is shared when it suffices.
    const running = reading.get(provider.slug);
    if (running && running.version === version && running.at === now && running.faultKey === faultKey) {
      if (covers(running.scope, scope)) return running.entry;
    }
    const entry = reader.read(provider, now, fault, scope).then((read): Kept => {
      const made = {
        version,
        at: now,
        faultKey,
        scope,
        assessed: { ...read, error: errorResults(provider, read.assessment) },
      };
      const current = kept.get(provider.slug);
      // A narrower read of the same instant and data never replaces a wider one.
      const wider = current && current.at === now && current.version === version && !covers(scope, current.scope);
      if ((!current || current.at <= now) && !wider) kept.set(provider.slug, made);
      return made;
    });
    const mine = { version, at: now, faultKey, scope, entry };
    reading.set(provider.slug, mine);
    try {
      return await entry;
    } finally {
      if (reading.get(provider.slug) === mine) reading.delete(provider.slug);
    }
  }

  const memo = createCorrelationMemo({
    versions: store.versions,
    slugs: catalog.providers.map((p) => p.slug),
    timing: timing.correlation,
    localFault: reader.localFault,
    troubleSince: async (slug, now, fault) =>
      (await assessed(catalog.providerBySlug.get(slug)!, now, fault, { chart: false })).assessed.assessment
        .troubleSince,
  });

  return {
    async of(provider, now) {
      const [entry, state] = await Promise.all([
        reader.localFault(now).then((fault) => assessed(provider, now, fault, FULL)),
        memo.current(now),
      ]);
      return provide(entry.assessed, state);
    },
    async all(now, scope = { chart: false }) {
      const globalVersion = store.versions.global();
      const fault = await reader.localFault(now);
      const entries = await mapAtMost(catalog.providers, LIST_READS_AT_ONCE, (p) => assessed(p, now, fault, scope));
      const reads = entries.map((e) => ({
        slug: e.assessed.provider.slug,
        version: e.version,
        since: e.assessed.assessment.troubleSince,
      }));
      const correlation = memo.fromAll(reads, fault, now, globalVersion);
      return entries.map((e) => provide(e.assessed, correlation));
    },
    async signals(provider, now) {
      return (await assessed(provider, now, await reader.localFault(now), { chart: false })).assessed;
    },
    correlation: (now) => memo.current(now),
  };
}

// Which providers are in trouble together, kept current without reading every provider on each change: a provider's
// trouble start is read again when its data changed, or when it is older than the timing's reuse (a few per refresh).
import { correlate, type Correlation } from '../status/correlation.ts';
import type { LocalFault } from '../status/probe.ts';
import type { DataVersions } from '../store/versions.ts';
import { LIST_READS_AT_ONCE, mapAtMost } from './read-limit.ts';

/** At most this many unchanged providers are read again per refresh, the oldest first, so no refresh reads them all. */
export const TROUBLE_REREADS = 20;

/**
 * How current the correlation is kept, handed in by whoever shows it (the pages' render cache): refreshed at most
 * every `minAgeMs` once any provider's data changed, after `refreshMs` otherwise; an unchanged provider's trouble start
 * is reused for `reuseMs` (its signals may age meanwhile, which changes no data).
 */
export type CorrelationTiming = { minAgeMs: number; refreshMs: number; reuseMs: number };

/** A correlation with the number that changes whenever its groups do, for the versions of pages that show it. */
export type CorrelationState = Correlation & { epoch: number };

/** A provider's trouble start as read, with its data version just before the read. */
export type TroubleRead = { slug: string; version: number; since: number | null };

export type CorrelationMemo = {
  /** Keeps the starts of a read of every provider (the home page's) and correlates them. */
  fromAll(
    reads: readonly TroubleRead[],
    fault: LocalFault | null,
    now: number,
    globalVersion: number,
  ): CorrelationState;
  /** The correlation, refreshed once any provider's data changed (at most every `minAgeMs`) or after `refreshMs`. */
  current(now: number): Promise<CorrelationState>;
};

export function createCorrelationMemo(deps: {
  versions: DataVersions;
  slugs: readonly string[];
  timing: CorrelationTiming;
  localFault(now: number): Promise<LocalFault | null>;
  troubleSince(slug: string, now: number, fault: LocalFault | null): Promise<number | null>;
}): CorrelationMemo {
  const { versions, slugs, timing } = deps;
  const seen = new Map<string, { version: number; at: number; since: number | null }>();
  let faultKey = 'null';
  let latest: { state: CorrelationState; at: number; version: number } | null = null;
  let pending: Promise<CorrelationState> | null = null;

  /** Forgets every start when our own fault begins or ends: it changes every provider's probe reading. */
  function useFault(fault: LocalFault | null) {
    const key = JSON.stringify(fault);
    if (key !== faultKey) seen.clear();
    faultKey = key;
  }

  function settle(fault: LocalFault | null, now: number, globalVersion: number): CorrelationState {
    const troubled = [...seen].flatMap(([slug, s]) => (s.since === null ? [] : [{ slug, since: s.since }]));
    const correlation = correlate(troubled, fault);
    if (latest && latest.at > now) return { ...correlation, epoch: latest.state.epoch };
    const same =
      latest && JSON.stringify({ ...latest.state, epoch: 0 }) === JSON.stringify({ ...correlation, epoch: 0 });
    const epoch = latest === null ? 0 : same ? latest.state.epoch : latest.state.epoch + 1;
    latest = { state: { ...correlation, epoch }, at: now, version: globalVersion };
    return latest.state;
  }

  async function refresh(now: number): Promise<CorrelationState> {
    const globalVersion = versions.global();
    const fault = await deps.localFault(now);
    useFault(fault);
    const changed = slugs.filter((slug) => seen.get(slug)?.version !== versions.of(slug));
    const aged = slugs
      .filter((slug) => !changed.includes(slug) && !(now - seen.get(slug)!.at < timing.reuseMs))
      .sort((a, b) => seen.get(a)!.at - seen.get(b)!.at)
      .slice(0, TROUBLE_REREADS);
    await mapAtMost([...changed, ...aged], LIST_READS_AT_ONCE, async (slug) => {
      const version = versions.of(slug);
      seen.set(slug, { version, at: now, since: await deps.troubleSince(slug, now, fault) });
    });
    return settle(fault, now, globalVersion);
  }

  return {
    fromAll(reads, fault, now, globalVersion) {
      useFault(fault);
      for (const r of reads) seen.set(r.slug, { version: r.version, at: now, since: r.since });
      return settle(fault, now, globalVersion);
    },
    current(now) {
      if (latest) {
        const age = now - latest.at;
        const changed = latest.version !== versions.global();
        if (age >= 0 && age < (changed ? timing.minAgeMs : timing.refreshMs)) return Promise.resolve(latest.state);
      }
      pending ??= refresh(now).finally(() => (pending = null));
      return pending;
    },
  };
}

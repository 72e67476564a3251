// Several providers in trouble at once: when enough of them turn degraded or worse within a short window, a shared
// cloud or network is the likely cause. Our own network failing is never such a group (see detectLocalFault).
import { MINUTE_MS } from '../time.ts';
import type { LocalFault } from './probe.ts';

/** Providers whose trouble starts fall within this long of one another... */
export const CORRELATION_WINDOW_MS = 15 * MINUTE_MS;
/** ...at least this many of them, make a group. */
export const CORRELATION_MIN_PROVIDERS = 3;

/** A provider in trouble (degraded or worse) and when that trouble began (Assessment.troubleSince). */
export type TroubleStart = { slug: string; since: number };

/** Providers that turned degraded or worse together, by start; `since` is the first start, `lastSince` the last. */
export type CorrelatedGroup = { since: number; lastSince: number; providers: TroubleStart[] };

export type Correlation = {
  groups: CorrelatedGroup[];
  /** Set while our own probes fail the same way for most providers: then no group is drawn at all. */
  localFault: LocalFault | null;
};

const byStart = (a: TroubleStart, b: TroubleStart) => a.since - b.since || a.slug.localeCompare(b.slug);

/**
 * A provider belongs to a group when some window of CORRELATION_WINDOW_MS (ends included) holds its start and the
 * starts of at least CORRELATION_MIN_PROVIDERS - 1 others. Members whose starts lie within the window of the previous
 * member's form one group, so a chain of starts spread over more than the window stays one group as long as every
 * member has enough neighbours. Providers that recover drop out, and a group that falls below the minimum is gone.
 */
export function correlate(troubled: readonly TroubleStart[], localFault: LocalFault | null): Correlation {
  if (localFault) return { groups: [], localFault };
  const sorted = [...troubled].sort(byStart);
  const member = new Array<boolean>(sorted.length).fill(false);
  let end = 0;
  for (let first = 0; first < sorted.length; first += 1) {
    end = Math.max(end, first);
    while (end + 1 < sorted.length && sorted[end + 1]!.since - sorted[first]!.since <= CORRELATION_WINDOW_MS) end += 1;
    if (end - first + 1 >= CORRELATION_MIN_PROVIDERS) member.fill(true, first, end + 1);
  }
  const groups: CorrelatedGroup[] = [];
  sorted.forEach((start, i) => {
    if (!member[i]) return;
    const last = groups.at(-1);
    if (last && start.since - last.lastSince <= CORRELATION_WINDOW_MS) {
      last.providers.push(start);
      last.lastSince = start.since;
    } else groups.push({ since: start.since, lastSince: start.since, providers: [start] });
  });
  return { groups, localFault: null };
}

/** The group a provider belongs to, if any. */
export const groupOf = (correlation: Correlation, slug: string): CorrelatedGroup | undefined =>
  correlation.groups.find((g) => g.providers.some((p) => p.slug === slug));

// Probe latency percentiles per region over 24 hours, 7 days and 30 days, each range only as far back as the
// results go ("over 3 days with data"), from the answers in the usual form. Pure over its input and `now`.
import { DAY_MS } from '../time.ts';

/** The ranges the dashboard tables, longest last. */
export const LATENCY_RANGE_DAYS = [1, 7, 30] as const;
/** The oldest result read for the ranges. */
export const LATENCY_RANGES_MS = LATENCY_RANGE_DAYS.at(-1)! * DAY_MS;

/** One answer in the usual form and how long it took. */
export type LatencySample = { region: string; at: number; latencyMs: number };
export type Percentiles = { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
export type LatencyRange = {
  /** "24 hours", "7 days", "30 days", or "3 days with data" when the results go back less far. */
  label: string;
  days: number;
  regions: ({ region: string; answers: number } & Percentiles)[];
};

/** The nearest-rank percentile of sorted latencies; null for none. */
export const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export function percentiles(latencies: readonly number[]): Percentiles {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) };
}

/**
 * Each region's p50, p95 and p99 over each range that the results reach into: the first range always, a longer one
 * only when the results go back past the shorter one, and then over the days they cover. Empty without results.
 */
export function latencyRanges(samples: readonly LatencySample[], regions: readonly string[], now: number) {
  if (samples.length === 0) return [];
  const oldest = Math.min(...samples.map((s) => s.at));
  const covered = Math.max(1, Math.ceil((now - oldest) / DAY_MS));
  const ranges: LatencyRange[] = [];
  let previous = 0;
  for (const days of LATENCY_RANGE_DAYS) {
    if (covered <= previous) break;
    const span = Math.min(days, covered);
    const label = span < days ? `${span} days with data` : days === 1 ? '24 hours' : `${days} days`;
    const inRange = samples.filter((s) => s.at > now - span * DAY_MS);
    ranges.push({
      label,
      days: span,
      regions: regions.map((region) => {
        const latencies = inRange.filter((s) => s.region === region).map((s) => s.latencyMs);
        return { region, answers: latencies.length, ...percentiles(latencies) };
      }),
    });
    previous = days;
  }
  return ranges;
}

// The latency baseline of a probe: median and median absolute deviation of its normal rejections over 24 hours,
// and the threshold above which a normal rejection counts as slow. Pure; the constants feed the methodology page.
import { median, type ProbeOutcome } from '../domain.ts';
import { DAY_MS } from '../time.ts';

/** How far back the baseline looks. */
export const BASELINE_WINDOW_MS = DAY_MS;
/** Normal rejections needed before the baseline is trusted. */
export const BASELINE_MIN_SAMPLES = 10;
/** A rejection is never slow below this, however quick the usual one is. */
export const SLOW_FLOOR_MS = 800;
/** Slow means above this multiple of the median... */
export const SLOW_MEDIAN_MULTIPLE = 2;
/** ...and above the median plus this many median absolute deviations. */
export const SLOW_MAD_MULTIPLE = 5;
/** Until the baseline is trusted, only this is slow. */
export const SLOW_WITHOUT_BASELINE_MS = 5000;

export type LatencyBaseline = {
  /** Normal rejections the baseline rests on. */
  samples: number;
  medianMs: number | null;
  madMs: number | null;
  trusted: boolean;
  /** A normal rejection that took longer than this is slow. */
  slowAboveMs: number;
};

/** The median of latencies in whole milliseconds; null for none. */
export function medianMs(latencies: readonly number[]): number | null {
  const middle = median(latencies);
  return middle === null ? null : Math.round(middle);
}

/** Latencies of the normal rejections among results: the only ones a baseline is made of. */
export function normalLatencies(results: readonly { outcome: ProbeOutcome; latencyMs: number | null }[]): number[] {
  return results
    .filter((r) => r.outcome === 'rejected_as_expected' && r.latencyMs !== null)
    .map((r) => r.latencyMs as number);
}

export function latencyBaseline(latencies: readonly number[]): LatencyBaseline {
  const usualMs = medianMs(latencies);
  const madMs = usualMs === null ? null : medianMs(latencies.map((l) => Math.abs(l - usualMs)));
  const trusted = usualMs !== null && latencies.length >= BASELINE_MIN_SAMPLES;
  const slowAboveMs = trusted
    ? Math.max(SLOW_FLOOR_MS, SLOW_MEDIAN_MULTIPLE * usualMs, usualMs + SLOW_MAD_MULTIPLE * (madMs ?? 0))
    : SLOW_WITHOUT_BASELINE_MS;
  return { samples: latencies.length, medianMs: usualMs, madMs, trusted, slowAboveMs };
}

export const isSlow = (latencyMs: number, baseline: LatencyBaseline): boolean => latencyMs > baseline.slowAboveMs;

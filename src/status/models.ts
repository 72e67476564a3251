// Models named in community reports: how many networks named each in the last hour and the last 24 hours, against
// the same hours on the previous days. Counted by distinct allocation, so one reporter never looks like a trend.
import { DAY_MS, HOUR_MS } from '../time.ts';
import { median } from '../domain.ts';
import { COMMUNITY_BASELINE_DAYS } from './community.ts';

/** At most this many models are shown: those named from the most allocations in the last 24 hours. */
export const MODEL_TOP = 5;
/** A model is shown only once reports from at least this many allocations (IPv6 /48s, IPv4 addresses) name it. */
export const MODEL_MIN_ALLOCATIONS = 2;
/** The counts read raw reports this far back: the last 24 hours and the same 24 hours on each baseline day. */
export const MODEL_LOOKBACK_MS = (COMMUNITY_BASELINE_DAYS + 1) * DAY_MS;
/** The short window, and its span on each previous day. */
export const MODEL_RECENT_MS = HOUR_MS;

/**
 * Distinct allocations naming `model` in counted reports (names lower-cased, so "GPT-4o" and "gpt-4o" count together) of day `day` back from now (0: the last 24
 * hours, 1: the 24 hours before…), in all of it and in its last MODEL_RECENT_MS (the same hour on that day).
 */
export type ModelDayCount = { model: string; day: number; allocations: number; recentAllocations: number };

/** One model: allocations that named it in the last hour and 24 hours, and the median of the previous days. */
export type ModelTrend = { model: string; lastHour: number; last24h: number; usualHour: number; usual24h: number };

/** The models of `counts` (the top ones, as the store selects them), most named in the last 24 hours first. */
export function summariseModels(counts: readonly ModelDayCount[]): ModelTrend[] {
  const byModel = new Map<string, ModelDayCount[]>();
  for (const c of counts) byModel.set(c.model, [...(byModel.get(c.model) ?? []), c]);
  const trends = [...byModel].map(([model, days]) => {
    const on = (day: number) => days.find((d) => d.day === day);
    const previous = Array.from({ length: COMMUNITY_BASELINE_DAYS }, (_, i) => on(i + 1));
    return {
      model,
      lastHour: on(0)?.recentAllocations ?? 0,
      last24h: on(0)?.allocations ?? 0,
      usualHour: median(previous.map((d) => d?.recentAllocations ?? 0)) ?? 0,
      usual24h: median(previous.map((d) => d?.allocations ?? 0)) ?? 0,
    };
  });
  return trends
    .filter((t) => t.last24h >= MODEL_MIN_ALLOCATIONS)
    .sort((a, b) => b.last24h - a.last24h || b.lastHour - a.lastHour || a.model.localeCompare(b.model))
    .slice(0, MODEL_TOP);
}

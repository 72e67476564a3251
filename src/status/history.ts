// The daily history, pure: how a sampled level becomes time per UTC day (split at midnight, gaps left out), a day's
// level from its minutes (no minutes: `no_data`, never green), probe totals of a day, and uptime over many days.
import { LEVEL_SEVERITY, type HistoryLevel, type Level, type ProbeOutcome } from '../domain.ts';
import { medianMs } from '../probes/baseline.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';
import { answeredAsExpected } from './probe.ts';

/** How often the leader samples each provider's levels. */
export const HISTORY_SAMPLE_MS = MINUTE_MS;
/** Two samples further apart than this are a gap (node down, job stalled): its time is counted as no level at all. */
export const HISTORY_MAX_GAP_MS = 5 * MINUTE_MS;
/** Days the pages and the JSON show. */
export const HISTORY_DAYS = 90;
/** Days of rollups kept: a year and more of memory, bounded. */
export const HISTORY_RETENTION_DAYS = 400;
/** The subject of the API's own level; an official component's subject is `component:` and its source key. */
export const API_SUBJECT = 'api';
export const componentSubject = (key: string): string => `component:${key}`;

/** The levels one sample saw: the API's (assessed, damped) and each official component's, by subject. */
export type SampledLevels = Record<string, Level>;
/** The levels to record at `now`, per provider slug (one read of every provider). */
export type SampleLevels = (now: number) => Promise<Map<string, SampledLevels>>;
/** Time to add to a subject's level on one UTC day. */
export type LevelTime = { subject: string; day: number; level: Level; ms: number };
/** A day's time per level, in milliseconds. */
export type LevelMs = Partial<Record<Level, number>>;

/** The UTC day number (days since 1970-01-01) of a time. */
export const dayOf = (at: number): number => Math.floor(at / DAY_MS);
/** "2026-11-29" for a day number. */
export const dateOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** The day number of "2026-11-29", or null when it is not a real calendar date. */
export function dayOfDate(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const at = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(at) || dateOfDay(dayOf(at)) !== date ? null : dayOf(at);
}

/** [fromAt, toAt) cut at each UTC midnight: the milliseconds that fall on each day. */
export function splitByDay(fromAt: number, toAt: number): { day: number; ms: number }[] {
  const pieces: { day: number; ms: number }[] = [];
  for (let at = fromAt; at < toAt;) {
    const day = dayOf(at);
    const end = Math.min(toAt, (day + 1) * DAY_MS);
    pieces.push({ day, ms: end - at });
    at = end;
  }
  return pieces;
}

/**
 * The time between the previous sample and this one, given to the levels the previous sample saw (each held until
 * it was next looked at). Nothing when there was no previous sample, time went backwards, or the two are further
 * apart than `maxGapMs`: a gap is no data, not the last level seen.
 */
export function elapsedTime(
  previous: { at: number; levels: SampledLevels } | null,
  now: number,
  maxGapMs: number = HISTORY_MAX_GAP_MS,
): LevelTime[] {
  if (!previous || now <= previous.at || now - previous.at > maxGapMs) return [];
  const pieces = splitByDay(previous.at, now);
  return Object.entries(previous.levels).flatMap(([subject, level]) =>
    pieces.map(({ day, ms }) => ({ subject, day, level, ms })),
  );
}

/** Levels that count towards uptime: known and not planned (maintenance is left out of both sides). */
const COUNTED_LEVELS: readonly Level[] = ['operational', 'degraded', 'partial_outage', 'major_outage'];

/** The level of a day: the worst known level it spent time in; `unknown` when it only spent time unknown. */
export function dayLevel(minutes: LevelMs): HistoryLevel {
  let worst: Exclude<Level, 'unknown'> | null = null;
  for (const [level, ms] of Object.entries(minutes) as [Level, number][]) {
    if (level === 'unknown' || !(ms > 0)) continue;
    if (worst === null || LEVEL_SEVERITY[level] > LEVEL_SEVERITY[worst]) worst = level;
  }
  if (worst) return worst;
  return (minutes.unknown ?? 0) > 0 ? 'unknown' : 'no_data';
}

/**
 * Uptime over days: the share of time with a known level in which the level was operational. Maintenance (planned,
 * announced) counts on neither side; unknown time and days without data are not in it. Null without such time.
 */
export function uptime(days: readonly LevelMs[]): number | null {
  let up = 0;
  let counted = 0;
  for (const minutes of days) {
    for (const level of COUNTED_LEVELS) counted += minutes[level] ?? 0;
    up += minutes.operational ?? 0;
  }
  return counted > 0 ? up / counted : null;
}

/** One day's probe totals: attempts, the ones answered as expected, the median latency of those answers. */
export type ProbeDay = { attempts: number; successes: number; medianMs: number | null };

export function probeDay(results: readonly { outcome: ProbeOutcome; latencyMs: number | null }[]): ProbeDay {
  const answered = results.filter((r) => answeredAsExpected(r.outcome));
  return {
    attempts: results.length,
    successes: answered.length,
    medianMs: medianMs(answered.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs]))),
  };
}

/** An incident as a day lists it. */
export type HistoryIncident = {
  id: number;
  origin: 'official' | 'detected';
  kind: 'incident' | 'maintenance';
  title: string;
  impact: string;
  startedAt: number;
  /** Resolved, or gone from the source's open list; null while open. */
  endedAt: number | null;
  url: string | null;
};

export type HistoryDay = {
  day: number;
  date: string;
  level: HistoryLevel;
  /** Milliseconds per level. */
  ms: LevelMs;
  probe: ProbeDay | null;
  incidents: HistoryIncident[];
};

export type SubjectHistory = { days: HistoryDay[]; uptime30d: number | null; uptime90d: number | null };

/** Whether an incident touched [fromAt, toAt): it started before the end and had not ended before the start. */
export const overlaps = (i: HistoryIncident, fromAt: number, toAt: number): boolean =>
  i.startedAt < toAt && (i.endedAt ?? Infinity) >= fromAt;

/** Uptime over the last `count` days of a history (newest last). */
export const uptimeOver = (days: readonly HistoryDay[], count: number): number | null =>
  uptime(days.slice(-count).map((d) => d.ms));

/**
 * The history of one subject over `count` days ending today (oldest first): each day's time per level, its level,
 * its probe totals and its incidents.
 */
export function buildHistory(input: {
  now: number;
  count: number;
  levels: readonly { day: number; level: Level; ms: number }[];
  probes?: readonly ({ day: number } & ProbeDay)[];
  incidents?: readonly HistoryIncident[];
}): SubjectHistory {
  const today = dayOf(input.now);
  const first = today - input.count + 1;
  const byDay = new Map<number, LevelMs>();
  for (const row of input.levels) {
    const ms = byDay.get(row.day) ?? {};
    ms[row.level] = (ms[row.level] ?? 0) + row.ms;
    byDay.set(row.day, ms);
  }
  const probes = new Map((input.probes ?? []).map((p) => [p.day, p]));
  const days = Array.from({ length: input.count }, (_, i): HistoryDay => {
    const day = first + i;
    const ms = byDay.get(day) ?? {};
    const p = probes.get(day);
    return {
      day,
      date: dateOfDay(day),
      level: dayLevel(ms),
      ms,
      probe: p ? { attempts: p.attempts, successes: p.successes, medianMs: p.medianMs } : null,
      incidents: (input.incidents ?? []).filter((inc) => overlaps(inc, day * DAY_MS, (day + 1) * DAY_MS)),
    };
  });
  return { days, uptime30d: uptimeOver(days, 30), uptime90d: uptimeOver(days, 90) };
}

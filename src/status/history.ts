// The daily history, pure: how a sampled level becomes time per UTC day (split at midnight, gaps left out), a day's
// level from its minutes (no minutes: `no_data`, never green), incidents' outage time folded in, probe totals of a
// day, and uptime over many days with its coverage.
import {
  LEVEL_SEVERITY,
  type ComponentScope,
  type HistoryLevel,
  type Impact,
  type Level,
  type ProbeOutcome,
} from '../domain.ts';
import { medianMs } from '../probes/baseline.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';
import type { DetectionCause } from './detection.ts';
import { levelOfImpact } from './levels.ts';
import { answeredAsExpected } from './probe.ts';

/** How often the leader samples each provider's levels. */
export const HISTORY_SAMPLE_MS = MINUTE_MS;
/** Two samples further apart than this are a gap (node down, job stalled): its time is counted as no level at all. */
export const HISTORY_MAX_GAP_MS = 5 * MINUTE_MS;
/** Days the pages and the JSON show. */
export const HISTORY_DAYS = 90;
/** The shorter uptime figure's days (the longer one covers HISTORY_DAYS). */
export const UPTIME_SHORT_DAYS = 30;
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

/** Levels that are measured time: known and not planned (maintenance counts on neither side). */
export const MEASURED_LEVELS = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const;
/**
 * Levels in which the API counts as down: an outage, what an official incident of major or critical impact or a
 * confirmed probe failure reads. Degraded (slow, a minor incident, reports alone) is up, and shown in the bars.
 */
export const DOWN_LEVELS = ['partial_outage', 'major_outage'] as const;
const isDown = (level: Level): boolean => (DOWN_LEVELS as readonly Level[]).includes(level);

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

const measuredMs = (minutes: LevelMs): number => MEASURED_LEVELS.reduce((sum, l) => sum + (minutes[l] ?? 0), 0);

/** An uptime figure and what it is over: measured time, and the days of the window that had any. */
export type UptimeFigure = { share: number | null; measuredMs: number; daysWithData: number; days: number };

/**
 * Uptime over days: the share of measured time in which the API was not down (see DOWN_LEVELS). Maintenance and
 * unknown time count on neither side, days without data are left out; null without measured time.
 */
export function uptimeFigure(days: readonly LevelMs[]): UptimeFigure {
  let down = 0;
  let measured = 0;
  let daysWithData = 0;
  for (const minutes of days) {
    const ms = measuredMs(minutes);
    measured += ms;
    if (ms > 0) daysWithData += 1;
    for (const level of DOWN_LEVELS) down += minutes[level] ?? 0;
  }
  return {
    share: measured > 0 ? (measured - down) / measured : null,
    measuredMs: measured,
    daysWithData,
    days: days.length,
  };
}

export const uptime = (days: readonly LevelMs[]): number | null => uptimeFigure(days).share;

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
  /** What made us open a detected incident; null for an official one. */
  cause: DetectionCause | null;
  kind: 'incident' | 'maintenance';
  /** Whom an official incident concerns (see status/scope.ts); a detected one is about the API. */
  scope: ComponentScope;
  /** The keys of the official components it names. */
  componentKeys: string[];
  title: string;
  impact: Impact;
  startedAt: number;
  /** Resolved, or gone from the source's open list; null while open. */
  endedAt: number | null;
  url: string | null;
};

/**
 * The level at which an incident counts against uptime: an incident (not a maintenance) whose impact reads as down
 * (official major or critical, a confirmed probe failure); null when it does not count.
 */
export function downLevelOf(i: HistoryIncident): Level | null {
  if (i.kind !== 'incident') return null;
  const level = levelOfImpact(i.impact);
  return isDown(level) ? level : null;
}

/** The length of a union of spans, each counted once. */
function unionMs(spans: { from: number; to: number }[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const { from, to } of spans.toSorted((a, b) => a.from - b.from)) {
    if (to <= reach) continue;
    total += to - Math.max(from, reach);
    reach = to;
  }
  return total;
}

/**
 * A day's time with its incidents folded in (back-filled when read after the fact): for each down level, the time at
 * it or worse is the larger of what the samples recorded and what the incidents span within [fromAt, toAt), taken
 * from operational time first, then from time not measured. The day never holds more than its length.
 */
export function withIncidents(
  recorded: LevelMs,
  incidents: readonly HistoryIncident[],
  fromAt: number,
  toAt: number,
): LevelMs {
  const spans = incidents.flatMap((i) => {
    const level = downLevelOf(i);
    const span = { level, from: Math.max(i.startedAt, fromAt), to: Math.min(i.endedAt ?? toAt, toAt) };
    return level !== null && span.to > span.from ? [{ ...span, level }] : [];
  });
  if (spans.length === 0) return recorded;
  const ms: LevelMs = { ...recorded };
  let worse = 0;
  for (const level of [...DOWN_LEVELS].reverse()) {
    const severity = LEVEL_SEVERITY[level];
    const atLeast = (l: Level) => l !== 'unknown' && LEVEL_SEVERITY[l] >= severity;
    const sampled = MEASURED_LEVELS.filter(atLeast).reduce((sum, l) => sum + (recorded[l] ?? 0), 0);
    const total = Math.max(sampled, unionMs(spans.filter((s) => atLeast(s.level))));
    ms[level] = total - worse;
    worse = total;
  }
  const measured = Math.max(measuredMs(recorded), worse);
  const up = measured - worse - (recorded.degraded ?? 0);
  ms.operational = Math.max(0, up);
  if (up < 0) ms.degraded = (recorded.degraded ?? 0) + up;
  let excess = Object.values(ms).reduce((sum, v) => sum + v, 0) - (toAt - fromAt);
  for (const level of ['unknown', 'maintenance'] as const) {
    const taken = Math.min(excess, ms[level] ?? 0);
    if (taken > 0) ms[level] = ms[level]! - taken;
    excess -= Math.max(0, taken);
  }
  return Object.fromEntries(Object.entries(ms).filter(([, v]) => v > 0));
}

export type HistoryDay = {
  day: number;
  date: string;
  level: HistoryLevel;
  /** Milliseconds per level: the samples' with the day's outage incidents folded in. */
  ms: LevelMs;
  probe: ProbeDay | null;
  incidents: HistoryIncident[];
  /** Whether we sampled the day at all: only sampled days make an uptime figure. */
  sampled: boolean;
};

export type SubjectHistory = { days: HistoryDay[]; uptime30d: UptimeFigure; uptime90d: UptimeFigure };

/** Whether an incident touched [fromAt, toAt): it started before the end and had not ended before the start. */
export const overlaps = (i: HistoryIncident, fromAt: number, toAt: number): boolean =>
  i.startedAt < toAt && (i.endedAt ?? Infinity) >= fromAt;

/**
 * Uptime over some days of a history: the one figure every page and the JSON show. Only days we sampled count: an
 * incident on a day we never measured colours that day's bar but says nothing about the rest of it, so it cannot make
 * a figure on its own.
 */
export const uptimeOfDays = (days: readonly HistoryDay[]): UptimeFigure =>
  uptimeFigure(days.map((d) => (d.sampled ? d.ms : {})));

/** The incidents that count against a subject: the API's own (and ours), or the ones naming a component. */
export const countedAgainst = (incidents: readonly HistoryIncident[], subject: string): HistoryIncident[] =>
  incidents.filter((i) =>
    subject === API_SUBJECT ? i.scope === 'api' : i.componentKeys.some((key) => componentSubject(key) === subject),
  );

/**
 * The history of one subject over `count` days ending today (oldest first): each day's time per level (today's up to
 * `now`) with the `counted` incidents' outages folded in, its level, its probe totals and its `incidents`.
 */
export function buildHistory(input: {
  now: number;
  count: number;
  levels: readonly { day: number; level: Level; ms: number }[];
  probes?: readonly ({ day: number } & ProbeDay)[];
  incidents?: readonly HistoryIncident[];
  counted?: readonly HistoryIncident[];
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
    const fromAt = day * DAY_MS;
    const toAt = Math.min((day + 1) * DAY_MS, input.now);
    const incidents = (input.incidents ?? []).filter((inc) => overlaps(inc, fromAt, (day + 1) * DAY_MS));
    const recorded = byDay.get(day) ?? {};
    const ms = withIncidents(recorded, input.counted ?? [], fromAt, toAt);
    const p = probes.get(day);
    return {
      day,
      date: dateOfDay(day),
      level: dayLevel(ms),
      ms,
      probe: p ? { attempts: p.attempts, successes: p.successes, medianMs: p.medianMs } : null,
      incidents,
      sampled: measuredMs(recorded) > 0,
    };
  });
  return {
    days,
    uptime30d: uptimeOfDays(days.slice(-UPTIME_SHORT_DAYS)),
    uptime90d: uptimeOfDays(days.slice(-HISTORY_DAYS)),
  };
}

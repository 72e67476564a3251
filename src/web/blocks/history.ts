// The history block: bars per subject (90 days wide, the last 30 on a phone; each day's text in words beside them)
// and uptime figures with their coverage, as the dashboard and the history page show them.
import { IMPACTS, LEVEL_LABELS, LEVELS, type HistoryLevel, type Level } from '../../domain.ts';
import { levelOfImpact } from '../../status/levels.ts';
import {
  DOWN_LEVELS,
  HISTORY_DAYS,
  UPTIME_SHORT_DAYS,
  uptimeOfDays,
  type HistoryDay,
  type SubjectHistory,
  type UptimeFigure,
} from '../../status/history.ts';
import { DAY_MS, formatDay, formatDuration, MINUTE_MS, SECOND_MS } from '../../time.ts';
import type { ProviderHistory } from '../../assessment/history.ts';
import { LEVEL_TONES, spanWords } from './common.ts';

/** Each bar's width and the gap after it, in drawing units: 90 days make a 359-wide drawing. */
const WIDE = { days: HISTORY_DAYS, width: 3, gap: 1 };
/** On a phone the last 30 days, wider bars: at 375 px each is more than 8 px. */
const NARROW = { days: UPTIME_SHORT_DAYS, width: 7, gap: 1 };
const BAR_HEIGHT = 28;

export const HISTORY_LABELS: Record<HistoryLevel, string> = { ...LEVEL_LABELS, no_data: 'No data' };
export const HISTORY_TONES: Record<HistoryLevel, string> = { ...LEVEL_TONES, no_data: 'none' };

/** "99.95 %", never rounded up to 100 %; "—" when nothing was measured. */
export const formatUptime = (share: number | null): string =>
  share === null ? '—' : `${(Math.floor(share * 10_000) / 100).toFixed(2)} %`;

/** What a figure is over: "29 days with data", or the measured time when it is one day or less. */
function coverageText(f: UptimeFigure): string {
  if (f.daysWithData > 1) return `${f.daysWithData} days with data`;
  // To the nearest minute, as the minutes beside it are told; under a minute, to the second.
  const unit = f.measuredMs < MINUTE_MS ? SECOND_MS : MINUTE_MS;
  return `${formatDuration(Math.max(unit, Math.round(f.measuredMs / unit) * unit))} measured`;
}

/** A figure and what it is over, apart: "99.60 %" and "over 29 days with data"; "—" and "(nothing measured)". */
export type UptimeParts = { value: string; over: string };
/** The two uptime figures' spans in words: "30 days", "90 days". */
export const UPTIME_SPANS = { short: spanWords(UPTIME_SHORT_DAYS * DAY_MS), long: spanWords(HISTORY_DAYS * DAY_MS) };
export const uptimeParts = (f: UptimeFigure): UptimeParts => ({
  value: formatUptime(f.share),
  over: f.share === null ? '(nothing measured)' : `over ${coverageText(f)}`,
});

/** "99.60 % over 29 days with data", "100.00 % over 12 min measured", "— (nothing measured)". */
export const uptimeText = (f: UptimeFigure): string => {
  const { value, over } = uptimeParts(f);
  return `${value} ${over}`;
};

const DOWN_LABELS = DOWN_LEVELS.map((l) => LEVEL_LABELS[l]).join(' and ');
const DOWN_IMPACTS = IMPACTS.filter((i) => (DOWN_LEVELS as readonly Level[]).includes(levelOfImpact(i)));

/** The one definition of uptime in words, from its constants: every page that shows a figure links or says it. */
export const UPTIME_DEFINITION =
  `Uptime is the share of measured time the API was not down: ${DOWN_LABELS} count as down, and so does the ` +
  `time spanned by an official API incident of ${DOWN_IMPACTS.join(' or ')} impact or an outage our probes ` +
  'detected (counted even when we read it after the fact). Degraded counts as up; maintenance and time without ' +
  'data count on neither side. Each figure says what it is over, "—" means nothing was measured, and figures are ' +
  'rounded down, never up to 100 %.';

export const minutesOf = (ms: number): number => Math.round(ms / 6_000) / 10;
/** The levels a day spent time in, best first, with their milliseconds. */
export const spent = (day: HistoryDay): [Level, number][] =>
  LEVELS.flatMap((level) => ((day.ms[level] ?? 0) > 0 ? [[level, day.ms[level]!] as [Level, number]] : []));

/** "Operational 1380 min, Degraded 60 min" (worst last), or "nothing recorded". */
function minutesText(day: HistoryDay): string {
  const parts = spent(day).map(([level, ms]) => `${LEVEL_LABELS[level]} ${minutesOf(ms)} min`);
  return parts.length > 0 ? parts.join(', ') : 'nothing recorded';
}

/** One day in words: date, level, minutes per level, the day's uptime over its measured time. */
export function dayText(day: HistoryDay): string {
  if (day.level === 'no_data') return `${formatDay(day.day * DAY_MS)}: no data`;
  return (
    `${formatDay(day.day * DAY_MS)}: ${HISTORY_LABELS[day.level]}. ${minutesText(day)}. ` +
    `Uptime ${uptimeText(uptimeOfDays([day]))}.`
  );
}

export type HistoryBar = { x: number; y: number; width: number; height: number; tone: string; label: string };
/** One drawing of bars: its width in units, the bars, the dashes that separate days within a run, its first day. */
export type BarsDrawing = { width: number; bars: HistoryBar[]; gapDashes: string; first: string; summary: string };
export type BarsView = {
  title: string;
  height: number;
  /** Every day given (90 on the pages), for wider screens. */
  wide: BarsDrawing;
  /** The last 30 days, runs drawn once, for a phone. */
  narrow: BarsDrawing;
  /** Each day in words, newest first; a run of days without data is one line. */
  lines: { text: string; href: string | null }[];
  uptime30d: UptimeParts;
  uptime90d: UptimeParts;
  spans: typeof UPTIME_SPANS;
};

/** Counts of days per level, in words: "85 days operational, 3 degraded, 2 no data". */
function countsText(days: readonly HistoryDay[]): string {
  const counts = new Map<HistoryLevel, number>();
  for (const d of days) counts.set(d.level, (counts.get(d.level) ?? 0) + 1);
  return [...counts].map(([level, n]) => `${n} ${n === 1 ? 'day' : 'days'} ${HISTORY_LABELS[level]}`).join(', ');
}

/** Consecutive days of one level read as one run: long runs are drawn and told once, so every list stays short. */
function runsOf(days: readonly HistoryDay[]): { first: number; last: number }[] {
  const runs: { first: number; last: number }[] = [];
  for (let i = 0; i < days.length; i += 1) {
    let last = i;
    const level = days[i]!.level;
    while (last + 1 < days.length && days[last + 1]!.level === level) last += 1;
    runs.push({ first: i, last });
    i = last;
  }
  return runs;
}

/** "28 Nov 2026", or "2 Sep 2026–27 Nov 2026" for a run. */
const spanOf = (days: readonly HistoryDay[]): string =>
  days.length === 1
    ? formatDay(days[0]!.day * DAY_MS)
    : `${formatDay(days[0]!.day * DAY_MS)}–${formatDay(days.at(-1)!.day * DAY_MS)}`;

/** A run in words: one day's full text, or the span with its level and uptime. */
function runText(days: readonly HistoryDay[]): string {
  const first = days[0]!;
  if (days.length === 1) return dayText(first);
  const span = spanOf(days);
  if (first.level === 'no_data') return `${span}: no data`;
  return `${span}: ${HISTORY_LABELS[first.level]}, uptime ${uptimeText(uptimeOfDays(days))}`;
}

type Run = { first: number; last: number; days: HistoryDay[] };
const runsWithDays = (days: readonly HistoryDay[]): Run[] =>
  runsOf(days).map(({ first, last }) => ({ first, last, days: days.slice(first, last + 1) }));

/** The bars of some days, oldest left: a run is one bar (a short grey one without data), labelled when asked. */
function drawing(title: string, days: readonly HistoryDay[], bar: typeof WIDE, labelled: boolean): BarsDrawing {
  const step = bar.width + bar.gap;
  const bars = runsWithDays(days).map((run): HistoryBar => {
    const level = run.days[0]!.level;
    const short = level === 'no_data';
    return {
      x: run.first * step,
      y: short ? BAR_HEIGHT / 2 : 0,
      width: (run.last - run.first) * step + bar.width,
      height: short ? BAR_HEIGHT / 2 : BAR_HEIGHT,
      tone: HISTORY_TONES[level],
      // The tooltip names the days and their level; the list beside the bars says the rest.
      label: labelled ? `${spanOf(run.days)}: ${HISTORY_LABELS[level]}` : '',
    };
  });
  return {
    width: days.length * step - bar.gap,
    bars,
    // Days drawn as one run still read as separate bars: a dashed stroke paints the gap after each day.
    gapDashes: `0 ${bar.width} ${bar.gap} 0`,
    first: formatDay(days[0]!.day * DAY_MS),
    // The caption beside the bars says the uptime; the label says the days.
    summary: `${title}, last ${days.length} days: ${countsText(days)}.`,
  };
}

/**
 * The bars of one subject's days and each run of days in words beside them; `dayHref` links a day that is a run of its
 * own (a day unlike its neighbours) to its day view.
 */
export function barsView(
  title: string,
  history: SubjectHistory,
  options: { dayHref?: (date: string) => string; labelled?: boolean } = {},
): BarsView {
  const { days } = history;
  const lines = runsWithDays(days)
    .toReversed()
    .map((run) => ({
      text: runText(run.days),
      href:
        run.days.length === 1 && run.days[0]!.level !== 'no_data' && options.dayHref
          ? options.dayHref(run.days[0]!.date)
          : null,
    }));
  return {
    title,
    height: BAR_HEIGHT,
    wide: drawing(title, days.slice(-WIDE.days), WIDE, options.labelled ?? true),
    narrow: drawing(title, days.slice(-NARROW.days), NARROW, false),
    lines,
    uptime30d: uptimeParts(history.uptime30d),
    uptime90d: uptimeParts(history.uptime90d),
    spans: UPTIME_SPANS,
  };
}

/** Items grouped by a key, in the order each key first appears: components with the same days are told once. */
export function alike<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}
const barsKey = (v: BarsView): string =>
  JSON.stringify([v.wide.bars, v.lines.map((l) => l.text), v.uptime30d, v.uptime90d]);
/** "Images", or "Images, Files and Batch". */
export const namesOf = (group: readonly { name: string }[]): string =>
  group.length === 1
    ? group[0]!.name
    : `${group
        .slice(0, -1)
        .map((c) => c.name)
        .join(', ')} and ${group.at(-1)!.name}`;

/** The dashboard's history block: the API's bars and each shown component's, and the link to the history page. */
export type HistoryBlockView = {
  api: BarsView;
  components: BarsView[];
  href: string;
  definition: string;
  /** The days drawn ("90 days") and how many a phone shows. */
  span: string;
  narrowDays: number;
};

/**
 * The history block: the API's bars and each component's. On the dashboard (`compact`) components show their bars
 * and uptime only; the history page tells each run of days of every subject.
 */
export function historyBlockView(history: ProviderHistory, options: { compact: boolean }): HistoryBlockView {
  const slug = history.provider.slug;
  const dayHref = (date: string) => `/${slug}/history?day=${date}`;
  const compact = options.compact;
  return {
    // The dashboard's bars say each day in their titles; the days in words are on the history page it links to.
    api: compact
      ? { ...barsView(`${history.provider.name} API`, history.api, { dayHref }), lines: [] }
      : barsView(`${history.provider.name} API`, history.api, { dayHref }),
    components: alike(history.components, (c) => barsKey(barsView('', c.history))).map((group) => {
      const view = barsView(namesOf(group), group[0]!.history, { labelled: !compact });
      return compact ? { ...view, lines: [] } : view;
    }),
    href: `/${slug}/history`,
    definition: UPTIME_DEFINITION,
    span: UPTIME_SPANS.long,
    narrowDays: NARROW.days,
  };
}

export const coverageJson = (f: UptimeFigure) => ({
  days: f.days,
  daysWithData: f.daysWithData,
  measuredMinutes: minutesOf(f.measuredMs),
});

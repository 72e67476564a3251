// The daily history as shown: bars per subject (90 days wide, the last 30 on a phone; each day's text in words beside
// them), uptime figures with their coverage, the history page's incidents and day view, and the JSON twin.
import type { Provider } from '../../catalog/schema.ts';
import { IMPACTS, LEVEL_LABELS, LEVELS, type HistoryLevel, type Level } from '../../domain.ts';
import { levelOfImpact } from '../../status/levels.ts';
import { DETECTED_BY } from '../../status/detection.ts';
import {
  DOWN_LEVELS,
  HISTORY_DAYS,
  UPTIME_SHORT_DAYS,
  uptimeOfDays,
  type HistoryDay,
  type HistoryIncident,
  type SubjectHistory,
  type UptimeFigure,
} from '../../status/history.ts';
import { DAY_MS, formatDay, formatDuration, MINUTE_MS, SECOND_MS, toIso } from '../../time.ts';
import type { ProviderHistory } from '../../assessment/history.ts';
import type { Crumb } from '../structured-data.ts';
import { LEVEL_TONES, spanWords, timeView, type TimeView } from './common.ts';
import { formatMs } from './probe-chart.ts';

/** Each bar's width and the gap after it, in drawing units: 90 days make a 359-wide drawing. */
const WIDE = { days: HISTORY_DAYS, width: 3, gap: 1 };
/** On a phone the last 30 days, wider bars: at 375 px each is more than 8 px. */
const NARROW = { days: UPTIME_SHORT_DAYS, width: 7, gap: 1 };
const BAR_HEIGHT = 28;

export const HISTORY_LABELS: Record<HistoryLevel, string> = { ...LEVEL_LABELS, no_data: 'No data' };
const HISTORY_TONES: Record<HistoryLevel, string> = { ...LEVEL_TONES, no_data: 'none' };

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
const UPTIME_SPANS = { short: spanWords(UPTIME_SHORT_DAYS * DAY_MS), long: spanWords(HISTORY_DAYS * DAY_MS) };
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

const minutesOf = (ms: number): number => Math.round(ms / 6_000) / 10;
/** The levels a day spent time in, best first, with their milliseconds. */
const spent = (day: HistoryDay): [Level, number][] =>
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
function alike<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}
const barsKey = (v: BarsView): string =>
  JSON.stringify([v.wide.bars, v.lines.map((l) => l.text), v.uptime30d, v.uptime90d]);
/** "Images", or "Images, Files and Batch". */
const namesOf = (group: readonly { name: string }[]): string =>
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
    api: barsView(`${history.provider.name} API`, history.api, { dayHref }),
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

export type HistoryIncidentView = {
  id: number;
  title: string;
  href: string | null;
  source: string;
  kind: string;
  started: TimeView;
  ended: TimeView | null;
  duration: string;
  /** How long after our detection the provider acknowledged it, in words; null (not measured): nothing shown. */
  ackLag: string | null;
};

/** The acknowledgement lag of an official incident in seconds (null when we did not see it first). */
export type AckLagOf = (incidentId: number) => number | null;

function incidentView(i: HistoryIncident, now: number, ackLagOf: AckLagOf): HistoryIncidentView {
  const lag = i.origin === 'official' ? ackLagOf(i.id) : null;
  return {
    id: i.id,
    title: i.title,
    href: i.url,
    source: i.origin === 'detected' ? sentence(DETECTED_BY[i.cause ?? 'probe']) : 'Official',
    kind: i.kind === 'maintenance' ? 'Maintenance' : 'Incident',
    started: timeView(i.startedAt, now)!,
    ended: timeView(i.endedAt, now),
    duration:
      i.endedAt === null ? `${formatDuration(now - i.startedAt)} so far` : formatDuration(i.endedAt - i.startedAt),
    ackLag: lag === null ? null : `${formatDuration(lag * 1000)} after we detected it`,
  };
}

/** Every incident of the days, newest first, each once. */
function incidentsOf(days: readonly HistoryDay[]): HistoryIncident[] {
  const byId = new Map<number, HistoryIncident>();
  for (const d of days) for (const i of d.incidents) byId.set(i.id, i);
  return [...byId.values()].sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
}

export const historyIncidents = (
  days: readonly HistoryDay[],
  now: number,
  ackLagOf: AckLagOf = () => null,
): HistoryIncidentView[] => incidentsOf(days).map((i) => incidentView(i, now, ackLagOf));

/** Incidents a history page lists one by one; older ones are summed up in a line (the page stays light). */
export const HISTORY_INCIDENTS_SHOWN = 25;

/** "and 12 older incidents (started …), all in the JSON", linking to it; null when none was left out. */
type OlderIncidents = { text: string; href: string } | null;

/** The newest incidents one by one, the older ones in a line. */
function bounded(all: readonly HistoryIncidentView[], slug: string) {
  const older = all.slice(HISTORY_INCIDENTS_SHOWN);
  const span = older.length > 0 ? `${older.at(-1)!.started.utc}–${older[0]!.started.utc}` : '';
  return {
    incidents: all.slice(0, HISTORY_INCIDENTS_SHOWN),
    older:
      older.length === 0
        ? null
        : {
            text: `and ${older.length} older ${older.length === 1 ? 'incident' : 'incidents'} (started ${span}), all in the JSON`,
            href: `/api/v1/providers/${slug}/history`,
          },
  };
}

export type DayView = {
  date: string;
  title: string;
  level: { label: string; tone: string };
  minutes: { label: string; minutes: number }[];
  uptime: string;
  probe: string;
  /** The day's newest incidents, at most HISTORY_INCIDENTS_SHOWN, and the older ones in one line. */
  incidents: HistoryIncidentView[];
  older: OlderIncidents;
  components: { name: string; text: string }[];
};

function probeText(day: HistoryDay, provider: Provider): string {
  const p = day.probe;
  if (!provider.probe) return `We do not probe the ${provider.name} API, so no probe results.`;
  if (!p || p.attempts === 0) {
    // Raw results are pruned after a while; an outage our probes detected still stands in the incidents below.
    const detected = day.incidents.some((i) => i.cause === 'probe');
    return detected
      ? 'No probe totals were kept for that day; the outage our probes detected is listed below.'
      : 'No probe results recorded that day.';
  }
  const rate = `${(Math.floor((p.successes / p.attempts) * 1000) / 10).toFixed(1)} %`;
  const latency = p.medianMs === null ? '' : `, median latency of the answers ${formatMs(p.medianMs)}`;
  return `${p.successes} of ${p.attempts} probes answered as expected (${rate})${latency}.`;
}

export function dayView(history: ProviderHistory, date: string, ackLagOf: AckLagOf = () => null): DayView | null {
  const index = history.api.days.findIndex((d) => d.date === date);
  const day = history.api.days[index];
  if (!day) return null;
  return {
    date,
    title: formatDay(day.day * DAY_MS),
    level: { label: HISTORY_LABELS[day.level], tone: HISTORY_TONES[day.level] },
    minutes: spent(day).map(([level, ms]) => ({ label: LEVEL_LABELS[level], minutes: minutesOf(ms) })),
    uptime: uptimeText(uptimeOfDays([day])),
    probe: probeText(day, history.provider),
    ...bounded(historyIncidents([day], history.now, ackLagOf), history.provider.slug),
    components: alike(history.components, (c) => dayText(c.history.days[index]!)).map((group) => ({
      name: namesOf(group),
      text: dayText(group[0]!.history.days[index]!),
    })),
  };
}

export type HistoryPageView = {
  title: string;
  description: string;
  provider: { slug: string; name: string };
  breadcrumbs: Crumb[];
  block: HistoryBlockView;
  /** The newest incidents, at most HISTORY_INCIDENTS_SHOWN, and the older ones in one line. */
  incidents: HistoryIncidentView[];
  older: OlderIncidents;
  /** Whether any incident has a measured acknowledgement lag (the column is shown only then). */
  showAckLag: boolean;
  day: DayView | null;
  days: number;
};

/**
 * The history page, or one day of it. `ackLagOf` gives each official incident's acknowledgement lag where it was
 * measured (the accountability measure); without it no lag is shown, never a made-up one.
 */
export function historyPageView(
  history: ProviderHistory,
  date: string | null,
  options: { ackLagOf?: AckLagOf } = {},
): HistoryPageView {
  const { provider } = history;
  const ackLagOf = options.ackLagOf ?? (() => null);
  const incidents = historyIncidents(history.api.days, history.now, ackLagOf);
  const day = date === null ? null : dayView(history, date, ackLagOf);
  const heading = `${provider.name} status history`;
  return {
    title: day ? `${provider.name} on ${day.title}` : heading,
    description:
      `${provider.name} API uptime over the last ${UPTIME_SPANS.long}, day by day, with every incident: ` +
      `${UPTIME_SPANS.short} ${uptimeText(history.api.uptime30d)}, ${UPTIME_SPANS.long} ` +
      `${uptimeText(history.api.uptime90d)}.`,
    provider: { slug: provider.slug, name: provider.name },
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: provider.name, path: `/${provider.slug}` },
      { name: 'History', path: `/${provider.slug}/history` },
      ...(day ? [{ name: day.title, path: `/${provider.slug}/history?day=${day.date}` }] : []),
    ],
    block: historyBlockView(history, { compact: false }),
    ...bounded(incidents, provider.slug),
    showAckLag: incidents.some((i) => i.ackLag !== null),
    day,
    days: history.api.days.length,
  };
}

/** "Detected by our probes" from "detected by our probes". */
const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A figure's coverage in the JSON: the window, its days with data and the measured minutes. */
export const coverageJson = (f: UptimeFigure) => ({
  days: f.days,
  daysWithData: f.daysWithData,
  measuredMinutes: minutesOf(f.measuredMs),
});

/** The JSON twin of the history: the last `count` days (oldest first) and the 30- and 90-day uptime. */
export function historyJson(history: ProviderHistory, count: number) {
  const dayJson = (d: HistoryDay) => ({
    date: d.date,
    level: d.level,
    minutes: Object.fromEntries(spent(d).map(([level, ms]) => [level, minutesOf(ms)])),
    uptime: uptimeOfDays([d]).share,
  });
  return {
    provider: history.provider.slug,
    uptime30d: history.api.uptime30d.share,
    uptime90d: history.api.uptime90d.share,
    coverage30d: coverageJson(history.api.uptime30d),
    coverage90d: coverageJson(history.api.uptime90d),
    days: history.api.days.slice(-count).map((d) => ({
      ...dayJson(d),
      probeAttempts: d.probe?.attempts ?? 0,
      probeSuccessRate: d.probe && d.probe.attempts > 0 ? d.probe.successes / d.probe.attempts : null,
      probeMedianMs: d.probe?.medianMs ?? null,
      incidents: d.incidents.map((i) => i.id),
    })),
    incidents: incidentsOf(history.api.days.slice(-count)).map((i) => ({
      id: i.id,
      title: i.title,
      origin: i.origin,
      source: i.origin,
      cause: i.cause,
      kind: i.kind,
      impact: i.impact,
      startedAt: toIso(i.startedAt),
      endedAt: i.endedAt === null ? null : toIso(i.endedAt),
      url: i.url,
      ackLagSeconds: history.ackLags.get(i.id) ?? null,
    })),
    components: history.components.map((c) => ({
      key: c.key,
      name: c.name,
      uptime30d: c.history.uptime30d.share,
      uptime90d: c.history.uptime90d.share,
      days: c.history.days.slice(-count).map(dayJson),
    })),
    generatedAt: toIso(history.now),
  };
}

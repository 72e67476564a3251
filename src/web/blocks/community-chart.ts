// The 24-hour report chart as SVG geometry: bars per 15 minutes, the usual range as a band, axis labels and a summary.
import { COMMUNITY_BASELINE_DAYS, COMMUNITY_BUCKET_MS, type SeriesPoint } from '../../status/community.ts';
import { HOUR_MS } from '../../time.ts';
import { lastHoursWords } from './common.ts';

// A narrow drawing, so that its labels stay readable (at least 11 CSS px) on a 375 px phone.
const WIDTH = 360;
const HEIGHT = 130;
const PLOT = { x: 24, y: 8, width: 330, height: 100 };
/** The y axis always reaches at least this, so a few reports do not fill the chart. */
const MIN_Y_MAX = 4;

export type ChartView = {
  width: number;
  height: number;
  title: string;
  summary: string;
  plot: typeof PLOT & { bottom: number; right: number };
  /** One vertical stroke per 15 minutes with reports, `M x bottom V top`, drawn `barWidth` wide. */
  bars: string;
  barWidth: number;
  /** SVG path of the usual range, or null when it is zero throughout. */
  band: string | null;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
};

/** Whole drawing units: a 360-wide drawing needs no finer steps, and the page stays light. */
const round = (n: number) => Math.round(n);
const clock = (at: number) => new Date(at).toISOString().slice(11, 16);

function summarise(points: readonly SeriesPoint[], window: string): string {
  const total = points.reduce((sum, p) => sum + p.count, 0);
  const peak = points.reduce<SeriesPoint | null>((best, p) => (p.count > (best?.count ?? 0) ? p : best), null);
  const usualMax = Math.max(0, ...points.map((p) => p.usualHigh));
  const reports =
    total === 0
      ? `No reports in the last ${window}.`
      : `${total} report${total === 1 ? '' : 's'} in the last ${window}; the most, ${peak!.count}, in the 15 ` +
        `minutes from ${clock(peak!.bucketAt)} UTC.`;
  const band =
    usualMax === 0
      ? `On the previous ${COMMUNITY_BASELINE_DAYS} days there were usually none at any time of day.`
      : `The band shows the usual range for each time of day on the previous ${COMMUNITY_BASELINE_DAYS} days, ` +
        `up to ${usualMax} per 15 minutes.`;
  return `${reports} ${band}`;
}

/** Vertices of a step line over the buckets, one horizontal run per stretch of equal values. */
function steps(ys: readonly number[], xOf: (i: number) => number): string[] {
  const vertices: string[] = [];
  let start = 0;
  ys.forEach((y, i) => {
    if (i + 1 < ys.length && ys[i + 1] === y) return;
    vertices.push(`${xOf(start)},${y}`, `${xOf(i + 1)},${y}`);
    start = i + 1;
  });
  return vertices;
}

/** Buckets per hour: a chart of data since a recent start keeps whole hours. */
const BUCKETS_PER_HOUR = HOUR_MS / COMMUNITY_BUCKET_MS;

/** The series from the hour holding `dataSince` on (at least the last hour): a new server draws no empty day. */
function sinceData(series: readonly SeriesPoint[], dataSince: number | null): readonly SeriesPoint[] {
  if (dataSince === null) return series;
  const withData = series.filter((p) => p.bucketAt + COMMUNITY_BUCKET_MS > dataSince).length;
  const kept = Math.max(1, Math.ceil(withData / BUCKETS_PER_HOUR)) * BUCKETS_PER_HOUR;
  return series.slice(-Math.min(series.length, kept));
}

/**
 * The chart over the series, from `dataSince` (when this server began to gather data, if within the series) on.
 */
export function chartView(series: readonly SeriesPoint[], now: number, dataSince: number | null = null): ChartView {
  const points = sinceData(series, dataSince);
  const window = lastHoursWords(points.length * COMMUNITY_BUCKET_MS);
  const yMax = Math.max(MIN_Y_MAX, ...points.map((p) => Math.max(p.count, p.usualHigh)));
  const step = PLOT.width / points.length;
  const xOf = (i: number) => round(PLOT.x + i * step);
  const yOf = (value: number) => round(PLOT.y + PLOT.height * (1 - value / yMax));
  const bottom = PLOT.y + PLOT.height;

  const bars = points
    .flatMap((p, i) => (p.count === 0 ? [] : [`M${round(xOf(i) + step / 2)} ${bottom}V${yOf(p.count)}`]))
    .join('');

  const band = points.some((p) => p.usualHigh > 0)
    ? `M${[
        ...steps(
          points.map((p) => yOf(p.usualHigh)),
          xOf,
        ),
        ...steps(
          points.map((p) => yOf(p.usualLow)),
          xOf,
        ).reverse(),
      ].join(' L')} Z`
    : null;

  const hours = (i: number) => (points[i] ? clock(points[i].bucketAt) : '');
  const half = Math.round(points.length / 2);
  return {
    width: WIDTH,
    height: HEIGHT,
    title: `Reports per 15 minutes over the last ${window}`,
    summary: summarise(points, window),
    plot: { ...PLOT, bottom, right: PLOT.x + PLOT.width },
    bars,
    barWidth: round(step * 0.8),
    band,
    yTicks: [
      { y: bottom, label: '0' },
      { y: PLOT.y, label: String(yMax) },
    ],
    xTicks: [
      { x: xOf(0), label: hours(0), anchor: 'start' },
      { x: xOf(half), label: hours(half), anchor: 'middle' },
      { x: xOf(points.length), label: `now, ${clock(now)} UTC`, anchor: 'end' },
    ],
  };
}

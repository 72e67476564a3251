// The 24-hour report chart as SVG geometry: bars per 15 minutes, the usual range as a band, axis labels and a summary.
import { COMMUNITY_BASELINE_DAYS, COMMUNITY_BUCKET_MS, type SeriesPoint } from '../../status/community.ts';

const WIDTH = 640;
const HEIGHT = 140;
const PLOT = { x: 28, y: 8, width: 600, height: 108 };
/** The y axis always reaches at least this, so a few reports do not fill the chart. */
const MIN_Y_MAX = 4;

export type ChartView = {
  width: number;
  height: number;
  title: string;
  summary: string;
  plot: typeof PLOT & { bottom: number; right: number };
  bars: { x: number; y: number; width: number; height: number; label: string }[];
  /** SVG path of the usual range, or null when it is zero throughout. */
  band: string | null;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
};

const round = (n: number) => Math.round(n * 10) / 10;
const clock = (at: number) => new Date(at).toISOString().slice(11, 16);

function summarise(points: readonly SeriesPoint[]): string {
  const total = points.reduce((sum, p) => sum + p.count, 0);
  const peak = points.reduce<SeriesPoint | null>((best, p) => (p.count > (best?.count ?? 0) ? p : best), null);
  const usualMax = Math.max(0, ...points.map((p) => p.usualHigh));
  const reports =
    total === 0
      ? 'No reports in the last 24 hours.'
      : `${total} report${total === 1 ? '' : 's'} in the last 24 hours; the most, ${peak!.count}, in the 15 minutes from ${clock(peak!.bucketAt)} UTC.`;
  const band =
    usualMax === 0
      ? `On the previous ${COMMUNITY_BASELINE_DAYS} days there were usually none at any time of day.`
      : `The band shows the usual range for each time of day on the previous ${COMMUNITY_BASELINE_DAYS} days, up to ${usualMax} per 15 minutes.`;
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

export function chartView(points: readonly SeriesPoint[], now: number): ChartView {
  const yMax = Math.max(MIN_Y_MAX, ...points.map((p) => Math.max(p.count, p.usualHigh)));
  const step = PLOT.width / points.length;
  const xOf = (i: number) => round(PLOT.x + i * step);
  const yOf = (value: number) => round(PLOT.y + PLOT.height * (1 - value / yMax));
  const bottom = PLOT.y + PLOT.height;

  const bars = points.flatMap((p, i) =>
    p.count === 0
      ? []
      : [
          {
            x: round(xOf(i) + step * 0.1),
            y: yOf(p.count),
            width: round(step * 0.8),
            height: round(bottom - yOf(p.count)),
            label: `${clock(p.bucketAt)}–${clock(p.bucketAt + COMMUNITY_BUCKET_MS)} UTC: ${p.count} report${p.count === 1 ? '' : 's'}`,
          },
        ],
  );

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
  const quarter = Math.round(points.length / 4);
  return {
    width: WIDTH,
    height: HEIGHT,
    title: 'Reports per 15 minutes over the last 24 hours',
    summary: summarise(points),
    plot: { ...PLOT, bottom, right: PLOT.x + PLOT.width },
    bars,
    band,
    yTicks: [
      { y: bottom, label: '0' },
      { y: PLOT.y, label: String(yMax) },
    ],
    xTicks: [
      { x: xOf(0), label: hours(0), anchor: 'start' },
      { x: xOf(quarter), label: hours(quarter), anchor: 'middle' },
      { x: xOf(2 * quarter), label: hours(2 * quarter), anchor: 'middle' },
      { x: xOf(3 * quarter), label: hours(3 * quarter), anchor: 'middle' },
      { x: xOf(points.length), label: `now (${clock(now)} UTC)`, anchor: 'end' },
    ],
  };
}

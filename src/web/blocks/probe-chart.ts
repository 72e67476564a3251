// The 24-hour probe chart as SVG geometry: latency lines broken at failures and gaps, failure marks, the usual
// latency and the slow threshold, axis labels, and a text summary that says the same in words.
import type { LatencyBaseline } from '../../probes/baseline.ts';
import type { ProbeOutcome } from '../../domain.ts';
import { STALE_AFTER_INTERVALS } from '../../status/freshness.ts';
import { answeredAsExpected } from '../../status/probe.ts';
import { formatDuration, formatUtcShort, HOUR_MS } from '../../time.ts';
import { lastHoursWords } from './common.ts';

// A narrow drawing, so that its labels stay readable (at least 11 CSS px) on a 375 px phone.
const WIDTH = 360;
const HEIGHT = 140;
// The left margin holds a latency label such as "500 ms" at 13.5 units in a wide font (DejaVu Sans) unclipped.
const PLOT = { x: 62, y: 8, width: 290, height: 104 };
/** A line keeps one point (the slowest) per this many drawing units: the page stays light, spikes stay visible. */
const POINT_SPACING = 4;
/** A chart whose results begin within the window spans from them, in whole hours and at least this long. */
const MIN_WINDOW_MS = HOUR_MS;
/** The latency axis always reaches at least this, so a quick API does not look jagged. */
const MIN_Y_MAX_MS = 100;

export type ChartSample = { at: number; outcome: ProbeOutcome; httpStatus: number | null; latencyMs: number | null };

export type ProbeChartView = {
  width: number;
  height: number;
  title: string;
  summary: string;
  /** True when there is nothing to draw: the template shows the summary alone. */
  empty: boolean;
  plot: typeof PLOT & { bottom: number; right: number };
  /** SVG points of each unbroken run of answers (two or more). */
  lines: string[];
  /** Answers drawn one by one: alone between gaps or failures, or slow. */
  dots: { x: number; y: number; slow: boolean; label: string }[];
  /** One mark per run of consecutive failures (width 0 for a single one), so a long outage stays a few bytes. */
  failures: { x: number; width: number; label: string }[];
  gaps: { x: number; width: number; label: string }[];
  usual: { y: number; label: string } | null;
  slowAbove: { y: number; label: string } | null;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
};

/** Whole drawing units: a 360-wide drawing needs no finer steps, and the page stays light. */
const round = (n: number) => Math.round(n);

/** "180 ms", "1.4 s", "1.25 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2).replace(/\.?0+$/, '')} s`;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value`. */
function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((nice) => nice >= value) ?? 10 * power;
}

const FAILURE_WORDS: Partial<Record<ProbeOutcome, string>> = {
  unexpected_body: 'unexpected body',
  timeout: 'timeout',
  connection_error: 'connection error',
  tls_error: 'TLS error',
  dns_error: 'DNS error',
};
const failureWord = (s: ChartSample) =>
  s.outcome === 'unexpected_status' ? `HTTP ${s.httpStatus ?? '?'}` : (FAILURE_WORDS[s.outcome] ?? s.outcome);

type Span = { from: number; to: number };

/** Stretches of the window with no result for longer than the signal takes to turn stale. */
function gapsOf(times: readonly number[], start: number, now: number, gapMs: number): Span[] {
  const edges = [start, ...times, now];
  const spans: Span[] = [];
  for (let i = 1; i < edges.length; i += 1)
    if (edges[i]! - edges[i - 1]! > gapMs) spans.push({ from: edges[i - 1]!, to: edges[i]! });
  return spans;
}

/** "600 × HTTP 503, 300 × timed out": how failed attempts failed, most first. */
function tally(failed: readonly ChartSample[]): string {
  const counts = new Map<string, number>();
  for (const s of failed) counts.set(failureWord(s), (counts.get(failureWord(s)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([word, n]) => `${n} × ${word}`)
    .join(', ');
}

function summarise(
  samples: readonly ChartSample[],
  gaps: readonly Span[],
  baseline: LatencyBaseline,
  windowMs: number,
  clock: (at: number) => string,
): string {
  const hours = lastHoursWords(windowMs);
  if (samples.length === 0) return `No probe results in the last ${hours}.`;
  const answered = samples.filter((s) => answeredAsExpected(s.outcome));
  const slow = answered.filter((s) => s.outcome === 'slow').length;
  const failed = samples.filter((s) => !answeredAsExpected(s.outcome));
  const percent = ((100 * answered.length) / samples.length).toFixed(answered.length === samples.length ? 0 : 1);
  const parts = [
    `Last ${hours}: ${samples.length} probe${samples.length === 1 ? '' : 's'}, ${answered.length} answered as ` +
      `expected (${percent}%)${slow > 0 ? `, ${slow} of them slowly` : ''}.`,
    failed.length > 0
      ? `${failed.length} failed: ${tally(failed)}; the last at ` + `${clock(failed.at(-1)!.at)}.`
      : 'None failed.',
  ];
  const latencies = answered.map((s) => s.latencyMs).filter((l): l is number => l !== null);
  if (latencies.length > 0)
    parts.push(
      `Usual latency ${baseline.medianMs !== null ? formatMs(baseline.medianMs) : 'not known yet'}, highest ` +
        `${formatMs(Math.max(...latencies))}.`,
    );
  const missing = gaps.reduce((sum, g) => sum + g.to - g.from, 0);
  if (gaps.length > 0) {
    const longest = gaps.reduce((a, b) => (b.to - b.from > a.to - a.from ? b : a));
    parts.push(
      `No results for ${formatDuration(missing)} in all; the longest gap from ${clock(longest.from)} to ` +
        `${formatUtcShort(longest.to, longest.from)}.`,
    );
  }
  return parts.join(' ');
}

/** SVG points of a line with one point per POINT_SPACING units: the highest (slowest) of those that share it. */
function thin(points: readonly [number, number][]): string {
  const kept: [number, number][] = [];
  for (const [x, y] of points) {
    const last = kept.at(-1);
    if (last && x - last[0] < POINT_SPACING) last[1] = Math.min(last[1], y);
    else kept.push([x, y]);
  }
  return kept.map(([x, y]) => `${x},${y}`).join(' ');
}

/** Consecutive failed attempts, split at an expected answer or a gap in the results. */
function failureRuns(samples: readonly ChartSample[], gapMs: number): ChartSample[][] {
  const runs: ChartSample[][] = [];
  let run: ChartSample[] = [];
  for (const s of samples) {
    const failed = !answeredAsExpected(s.outcome);
    const previous = run.at(-1);
    if (!failed || (previous && s.at - previous.at > gapMs)) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (failed) run.push(s);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

export function probeChartView(
  samples: readonly ChartSample[],
  options: { now: number; windowMs: number; intervalMs: number; baseline: LatencyBaseline },
): ProbeChartView {
  const { now, baseline } = options;
  const clock = (at: number) => formatUtcShort(at, now);
  const inWindow = samples.filter((s) => s.at >= now - options.windowMs && s.at <= now);
  // Drawn over the range with data: a new server or probe gets a short chart, not a day of "no results".
  const firstAt = inWindow.length > 0 ? Math.min(...inWindow.map((s) => s.at)) : null;
  const windowMs =
    firstAt === null
      ? options.windowMs
      : Math.min(options.windowMs, Math.max(MIN_WINDOW_MS, Math.ceil((now - firstAt) / HOUR_MS) * HOUR_MS));
  const start = now - windowMs;
  const gapMs = STALE_AFTER_INTERVALS * options.intervalMs;
  const spans = gapsOf(
    inWindow.map((s) => s.at),
    firstAt ?? start,
    now,
    gapMs,
  );
  const answered = inWindow.filter((s) => answeredAsExpected(s.outcome) && s.latencyMs !== null);

  const top = Math.max(...answered.map((s) => s.latencyMs as number), baseline.medianMs ?? 0);
  const yMax = niceCeil(Math.max(MIN_Y_MAX_MS, top * 1.1));
  const bottom = PLOT.y + PLOT.height;
  const xOf = (at: number) => round(PLOT.x + (PLOT.width * (at - start)) / windowMs);
  const yOf = (ms: number) => round(bottom - (PLOT.height * Math.min(ms, yMax)) / yMax);

  const runs: ChartSample[][] = [];
  let run: ChartSample[] = [];
  for (const s of inWindow) {
    const previous = run.at(-1);
    const answer = answeredAsExpected(s.outcome) && s.latencyMs !== null;
    if (!answer || (previous && s.at - previous.at > gapMs)) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (answer) run.push(s);
  }
  if (run.length > 0) runs.push(run);

  const dotLabel = (s: ChartSample) =>
    `${clock(s.at)}: ${formatMs(s.latencyMs as number)}${s.outcome === 'slow' ? ', slow' : ''}`;
  const slowAboveY = baseline.trusted && baseline.slowAboveMs <= yMax ? yOf(baseline.slowAboveMs) : null;
  return {
    width: WIDTH,
    height: HEIGHT,
    title: `Probe latency and failures over the last ${lastHoursWords(windowMs)}`,
    summary: summarise(inWindow, spans, baseline, windowMs, clock),
    empty: inWindow.length === 0,
    plot: { ...PLOT, bottom, right: PLOT.x + PLOT.width },
    lines: runs.filter((r) => r.length > 1).map((r) => thin(r.map((s) => [xOf(s.at), yOf(s.latencyMs as number)]))),
    dots: answered
      .filter((s) => s.outcome === 'slow' || runs.some((r) => r.length === 1 && r[0] === s))
      .map((s) => ({ x: xOf(s.at), y: yOf(s.latencyMs as number), slow: s.outcome === 'slow', label: dotLabel(s) })),
    failures: failureRuns(inWindow, gapMs).map((r) => {
      const first = r[0]!;
      const last = r.at(-1)!;
      return {
        x: xOf(first.at),
        width: round(xOf(last.at) - xOf(first.at)),
        label:
          r.length === 1
            ? `${clock(first.at)}: ${failureWord(first)}`
            : `${clock(first.at)} to ${formatUtcShort(last.at, first.at)}: ${r.length} failed (${tally(r)})`,
      };
    }),
    gaps: spans.map((g) => ({
      x: xOf(g.from),
      width: round(xOf(g.to) - xOf(g.from)),
      label: `No results from ${clock(g.from)} to ${formatUtcShort(g.to, g.from)}`,
    })),
    usual:
      baseline.medianMs !== null ? { y: yOf(baseline.medianMs), label: `usual ${formatMs(baseline.medianMs)}` } : null,
    slowAbove: slowAboveY !== null ? { y: slowAboveY, label: `slow above ${formatMs(baseline.slowAboveMs)}` } : null,
    yTicks: [0, yMax / 2, yMax].map((ms) => ({ y: yOf(ms), label: formatMs(ms) })),
    xTicks: [0, 1, 2].map((half) => ({
      x: xOf(start + (half * windowMs) / 2),
      label: half === 2 ? 'now' : `${formatDuration(((2 - half) * windowMs) / 2)} ago`,
      anchor: half === 0 ? 'start' : half === 2 ? 'end' : 'middle',
    })),
  };
}

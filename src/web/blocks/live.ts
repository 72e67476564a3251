// The Live Signals block: what the probe does, its reading now, the last result in words, latency against usual,
// the 24-hour success rate and chart. The JSON API's `probes` is built from the same view.
import type { Provider } from '../../catalog/schema.ts';
import { BASELINE_MIN_SAMPLES, SLOW_WITHOUT_BASELINE_MS } from '../../probes/baseline.ts';
import { answeredAsExpected, describeProbe } from '../../status/probe.ts';
import type { SignalReading } from '../../status/types.ts';
import { formatDuration } from '../../time.ts';
import type { ProbeResultRow } from '../../store/probes.ts';
import { PROBE_WINDOW_MS, type ProviderData } from '../../assessment/signals.ts';
import { LEVEL_TONES, timeView, type TimeView } from './common.ts';
import { formatMs, probeChartView, type ProbeChartView } from './probe-chart.ts';
import type { LatencyRange } from '../../status/region-latency.ts';

export type LiveSignalsView = {
  configured: boolean;
  description: string;
  /** The probe reading now: a short label with its tone, and the reading's sentence. */
  stateLabel: string;
  state: string;
  stateTone: string;
  /** What the block adds to the label: the reading's sentence, unless it only repeats the last result. */
  stateNote: string | null;
  last: { text: string; at: TimeView | null; tone: string; phases: string | null; detail: string | null } | null;
  latency: { lastMs: number | null; usualMs: number | null; slowAboveMs: number; text: string } | null;
  successRate: { percent: string; answered: number; total: number; text: string } | null;
  chart: ProbeChartView | null;
  /** Each probe region's latency percentiles over 24 hours, 7 and 30 days (with agents); null otherwise. */
  regionLatency: RegionLatencyView | null;
};

/** One plain sentence: what the probe sends and what a healthy answer looks like. */
export function describeProbeSetup(provider: Provider, intervalMs: number): string {
  const probe = provider.probe;
  if (!probe)
    return `We do not probe ${provider.name}'s API: it has no public endpoint we can call without a real account.`;
  const statuses = probe.expect.statuses.join(' or ');
  return (
    `Every ${formatDuration(intervalMs)} we call ${probe.method} ${probe.url} with a deliberately invalid ` +
    `key; a quick ${statuses} rejection in ${provider.name}'s usual format means its authentication layer is up.`
  );
}

/** A short name for what the probe reading says now. */
export function probeStateLabel(reading: SignalReading): string {
  if (reading.state !== 'fresh') {
    return {
      stale: 'Stale',
      never: 'No results yet',
      absent: 'Not probed',
      suspended: 'Suspended',
      quiet: 'No results yet',
      suspect: 'Suspect',
    }[reading.state];
  }
  if (reading.level === 'partial_outage') return 'Failing';
  if (reading.level === 'degraded') return 'Slow';
  return reading.okAt !== null && reading.okAt === reading.checkedAt
    ? 'Answering normally'
    : 'Unusual result, not confirmed';
}

function stateNote(reading: SignalReading): string | null {
  if (reading.state !== 'fresh' || reading.level !== 'operational') return reading.summary;
  const notes = reading.reasons.filter((r) => r.level === null).map((r) => r.text);
  return notes.length > 0 ? notes.join(' ') : null;
}

/**
 * "DNS 12 ms · connect 30 ms · TLS 41 ms · first byte 180 ms"; null when no phase is known (a reused connection).
 */
export function phasesText(row: Pick<ProbeResultRow, 'dnsMs' | 'connectMs' | 'tlsMs' | 'ttfbMs'>): string | null {
  const phases = [
    ['DNS', row.dnsMs],
    ['connect', row.connectMs],
    ['TLS', row.tlsMs],
    ['first byte', row.ttfbMs],
  ] as const;
  const known = phases.filter(([, ms]) => ms !== null).map(([name, ms]) => `${name} ${formatMs(ms as number)}`);
  return known.length > 0 ? known.join(' · ') : null;
}

function latencyText(last: ProbeResultRow, data: ProviderData): string {
  const b = data.probeBaseline;
  const usual =
    b.medianMs !== null ? `usual ${formatMs(b.medianMs)}` : 'no normal answer in the last 24 hours to compare with';
  const now =
    answeredAsExpected(last.outcome) && last.latencyMs !== null
      ? `${formatMs(last.latencyMs)} on the last probe, ${usual}`
      : `no answer to time on the last probe; ${usual}`;
  const rule = b.trusted
    ? `answers slower than ${formatMs(b.slowAboveMs)} count as slow`
    : `until ${BASELINE_MIN_SAMPLES} normal answers set the usual (${b.samples} so far), only answers slower ` +
      `than ${formatMs(SLOW_WITHOUT_BASELINE_MS)} count as slow`;
  return `${now}; ${rule}.`;
}

/**
 * One line per range: "Latency by region (p50/p95/p99 ms) over 24 hours: local 75/80/90 · us-east 120/150/170", then
 * "over 3 days with data: …" (a table of a few regions would weigh twice as much).
 */
export type RegionLatencyView = { lines: string[] };

function regionLatencyView(ranges: readonly LatencyRange[] | undefined): RegionLatencyView | null {
  // One region's figures alone say nothing the chart does not: the lines compare regions.
  if (!ranges || ranges.length === 0 || ranges.at(-1)!.regions.filter((r) => r.answers > 0).length < 2) return null;
  const cell = (r: LatencyRange['regions'][number]) =>
    r.p50Ms === null || r.p95Ms === null || r.p99Ms === null
      ? `${r.region} no answers`
      : `${r.region} ${Math.round(r.p50Ms)}/${Math.round(r.p95Ms)}/${Math.round(r.p99Ms)}`;
  return {
    lines: ranges.map(
      (range, i) =>
        `${i === 0 ? 'Latency by region (p50/p95/p99 ms) over' : 'Over'} ${range.label}: ${range.regions.map(cell).join(' · ')}`,
    ),
  };
}

export function liveSignalsView(data: ProviderData, intervalMs: number): LiveSignalsView {
  const samples = data.probeSamples;
  const reading = data.status.signals.probe;
  const configured = data.provider.probe !== null;
  const last = samples.at(-1);
  const answered = samples.filter((s) => answeredAsExpected(s.outcome)).length;
  const percent =
    samples.length > 0 ? `${((100 * answered) / samples.length).toFixed(answered === samples.length ? 0 : 1)}%` : '';
  return {
    configured,
    description: describeProbeSetup(data.provider, intervalMs),
    stateLabel: probeStateLabel(reading),
    state: reading.summary,
    stateTone: LEVEL_TONES[reading.level],
    stateNote: stateNote(reading),
    last: last
      ? {
          text: `The API ${describeProbe(last)}.`,
          at: timeView(last.at, data.now),
          tone:
            last.outcome === 'rejected_as_expected'
              ? 'ok'
              : last.outcome === 'slow' || last.outcome === 'unexpected_body'
                ? 'warn'
                : 'bad',
          phases: phasesText(last),
          detail: answeredAsExpected(last.outcome) ? null : last.detail,
        }
      : null,
    latency: last
      ? {
          lastMs: last.latencyMs,
          usualMs: data.usualLatencyMs,
          slowAboveMs: data.probeBaseline.slowAboveMs,
          text: latencyText(last, data),
        }
      : null,
    successRate:
      samples.length > 0
        ? {
            percent,
            answered,
            total: samples.length,
            text: `${answered} of ${samples.length} probes in the last 24 hours answered as expected (${percent}).`,
          }
        : null,
    chart: configured
      ? probeChartView(samples, { now: data.now, windowMs: PROBE_WINDOW_MS, intervalMs, baseline: data.probeBaseline })
      : null,
    regionLatency: regionLatencyView(data.regionLatencyRanges),
  };
}

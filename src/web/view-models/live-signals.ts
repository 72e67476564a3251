// The Live Signals block: what the probe does, its last result in words, latency against usual, 24 h success rate.
import type { Provider } from '../../catalog/schema.ts';
import { describeProbe } from '../../status/probe.ts';
import { formatDuration } from '../../time.ts';
import type { ProviderData } from '../provider-data.ts';
import { LEVEL_TONES, timeView, type TimeView } from './common.ts';

export type LiveSignalsView = {
  configured: boolean;
  description: string;
  state: string;
  stateTone: string;
  last: { text: string; at: TimeView | null; tone: string } | null;
  latency: { lastMs: number | null; usualMs: number | null } | null;
  successRate: { percent: string; total: number } | null;
  empty: string | null;
};

/** One plain sentence: what the probe sends and what a healthy answer looks like. */
export function describeProbeSetup(provider: Provider, intervalMs: number): string {
  const probe = provider.probe;
  if (!probe) return `We do not probe ${provider.name}'s API: it has no public endpoint we can call without a real account.`;
  const statuses = probe.expect.statuses.join(' or ');
  return `Every ${formatDuration(intervalMs)} we call ${probe.method} ${probe.url} with a deliberately invalid key; a quick ${statuses} rejection in ${provider.name}'s usual format means its authentication layer is up.`;
}

export function liveSignalsView(data: ProviderData, intervalMs: number): LiveSignalsView {
  const samples = data.probeSamples;
  const reading = data.status.signals.probe;
  const last = samples.at(-1);
  const ok = samples.filter((s) => s.outcome === 'rejected_as_expected' || s.outcome === 'slow').length;
  return {
    configured: data.provider.probe !== null,
    description: describeProbeSetup(data.provider, intervalMs),
    state: reading.summary,
    stateTone: LEVEL_TONES[reading.level],
    last: last ? { text: `The API ${describeProbe(last)}.`, at: timeView(last.at, data.now), tone: last.outcome === 'rejected_as_expected' ? 'ok' : 'bad' } : null,
    latency: last ? { lastMs: last.latencyMs, usualMs: data.usualLatencyMs } : null,
    successRate: samples.length > 0 ? { percent: `${((100 * ok) / samples.length).toFixed(ok === samples.length ? 0 : 1)}%`, total: samples.length } : null,
    empty: data.provider.probe && samples.length === 0 ? 'No probe results yet.' : null,
  };
}

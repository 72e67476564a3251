// The probe signal: damped reading of live auth probes, and the cross-provider check for faults on our side.
import type { ProbeOutcome } from '../domain.ts';
import { medianMs, normalLatencies } from '../probes/baseline.ts';
import { formatUtc } from '../time.ts';
import { ageText, staleAfterMs } from './freshness.ts';
import type { Reason, SignalReading } from './types.ts';

/** Consecutive failed probes before we declare trouble. */
export const PROBE_FAILURES_TO_CONFIRM = 3;
/** Consecutive slow (or failed) probes before we call the API slow. */
export const PROBE_SLOW_TO_CONFIRM = 3;
/** Consecutive answering probes that clear a declared trouble. */
export const PROBE_SUCCESSES_TO_CLEAR = 2;
/** Share of probed providers failing the same network way at once that points at our own network. */
export const LOCAL_FAULT_SHARE = 0.5;
export const LOCAL_FAULT_MIN_PROVIDERS = 3;

export const NETWORK_OUTCOMES: readonly ProbeOutcome[] = ['dns_error', 'connection_error', 'tls_error', 'timeout'];

export type ProbeSample = { at: number; outcome: ProbeOutcome; httpStatus: number | null; latencyMs: number | null };

export type ProbeTrend = { state: 'healthy' | 'slow' | 'failing'; since: number | null };

/** `odd`: the right status with a body we do not recognise, which says more about our signature than the API. */
type Kind = 'ok' | 'slow' | 'fail' | 'odd';
const kindOf = (outcome: ProbeOutcome): Kind =>
  outcome === 'rejected_as_expected'
    ? 'ok'
    : outcome === 'slow'
      ? 'slow'
      : outcome === 'unexpected_body'
        ? 'odd'
        : 'fail';

/** A trend change seen while damping: the new trend, the attempt that confirmed it, and the run behind it. */
type TrendChange = { previous: ProbeTrend; next: ProbeTrend; at: number; answeredFrom: number };

/**
 * Runs the confirm-before-changing state machine over samples, oldest first; unexpected bodies are skipped. Each
 * change is reported with `answeredFrom`, the first attempt of the current run of answers.
 */
function damp(samples: readonly ProbeSample[], onChange?: (change: TrendChange) => void): ProbeTrend {
  let trend: ProbeTrend = { state: 'healthy', since: null };
  let fails = 0;
  let bad = 0;
  let answers = 0;
  let oks = 0;
  let failStart = 0;
  let badStart = 0;
  let answerStart = 0;
  for (const s of samples) {
    const kind = kindOf(s.outcome);
    if (kind === 'odd') continue;
    if (kind === 'fail') {
      if (fails === 0) failStart = s.at;
      fails += 1;
      answers = 0;
      oks = 0;
    } else {
      if (answers === 0) answerStart = s.at;
      fails = 0;
      answers += 1;
      oks = kind === 'ok' ? oks + 1 : 0;
    }
    if (kind === 'ok') bad = 0;
    else {
      if (bad === 0) badStart = s.at;
      bad += 1;
    }
    const previous = trend;
    if (trend.state !== 'failing' && fails >= PROBE_FAILURES_TO_CONFIRM) trend = { state: 'failing', since: failStart };
    else if (trend.state === 'failing' && answers >= PROBE_SUCCESSES_TO_CLEAR) {
      trend = oks >= PROBE_SUCCESSES_TO_CLEAR ? { state: 'healthy', since: s.at } : { state: 'slow', since: badStart };
    } else if (trend.state === 'healthy' && bad >= PROBE_SLOW_TO_CONFIRM) trend = { state: 'slow', since: badStart };
    else if (trend.state === 'slow' && oks >= PROBE_SUCCESSES_TO_CLEAR) trend = { state: 'healthy', since: s.at };
    if (trend !== previous) onChange?.({ previous, next: trend, at: s.at, answeredFrom: answerStart });
  }
  return trend;
}

/** The damped trend of the samples, oldest first. */
export const dampProbes = (samples: readonly ProbeSample[]): ProbeTrend => damp(samples);

/**
 * A run of failures the damping confirmed: from its first failed attempt (`startAt`) to the first answer of the run
 * that cleared it (`endAt`); `confirmedAt` and `clearedAt` are the attempts that decided each. Open while `endAt` is
 * null.
 */
export type FailingEpisode = { startAt: number; confirmedAt: number; endAt: number | null; clearedAt: number | null };

/** Every confirmed failing run in the samples (oldest first), as the damping saw them. */
export function failingEpisodes(samples: readonly ProbeSample[]): FailingEpisode[] {
  const episodes: FailingEpisode[] = [];
  damp(samples, ({ previous, next, at, answeredFrom }) => {
    if (next.state === 'failing') {
      episodes.push({ startAt: next.since ?? at, confirmedAt: at, endAt: null, clearedAt: null });
    } else if (previous.state === 'failing') {
      const open = episodes.at(-1)!;
      open.endAt = answeredFrom;
      open.clearedAt = at;
    }
  });
  return episodes;
}

/** Whether the outcome counts as a failure towards an outage (unexpected bodies and slow answers do not). */
export const isProbeFailure = (outcome: ProbeOutcome): boolean => kindOf(outcome) === 'fail';

export type LocalFault = { outcome: ProbeOutcome; since: number; affected: number; probed: number };

/**
 * When most probed providers fail the same network way at once, the fault is most likely ours. `since` is the
 * latest start among the failing runs: from then on, all of them fail that way.
 */
export function detectLocalFault(
  latest: readonly { at: number; outcome: ProbeOutcome; runStartAt?: number }[],
  intervalMs: number,
  now: number,
): LocalFault | null {
  const recent = latest.filter((r) => now - r.at < 2 * intervalMs);
  let best: LocalFault | null = null;
  for (const outcome of NETWORK_OUTCOMES) {
    const matching = recent.filter((r) => r.outcome === outcome);
    if (matching.length > (best?.affected ?? 0)) {
      best = {
        outcome,
        since: Math.max(...matching.map((r) => r.runStartAt ?? r.at)),
        affected: matching.length,
        probed: recent.length,
      };
    }
  }
  if (!best || best.affected < LOCAL_FAULT_MIN_PROVIDERS || best.affected / recent.length < LOCAL_FAULT_SHARE)
    return null;
  return best;
}

const LOCAL_FAULT_WORDS: Partial<Record<ProbeOutcome, string>> = {
  dns_error: 'names do not resolve',
  connection_error: 'connections fail',
  tls_error: 'TLS handshakes fail',
  timeout: 'requests time out',
};

/** "Our probes of 4 of 6 providers fail the same way (connections fail) since 22 Nov 2026, 14:05 UTC". */
export const localFaultText = (f: LocalFault): string =>
  `Our probes of ${f.affected} of ${f.probed} providers fail the same way ` +
  `(${LOCAL_FAULT_WORDS[f.outcome] ?? f.outcome}) since ${formatUtc(f.since)}`;

const OUTCOME_WORDS: Record<ProbeOutcome, string> = {
  rejected_as_expected: 'rejected our invalid key as expected',
  slow: 'rejected our invalid key, but slowly',
  unexpected_status: 'answered with an unexpected status',
  unexpected_body: 'answered with an unexpected body',
  timeout: 'did not answer in time',
  connection_error: 'refused or dropped the connection',
  tls_error: 'failed the TLS handshake',
  dns_error: 'did not resolve',
};

export function describeProbe(sample: ProbeSample): string {
  const facts = [
    sample.httpStatus !== null ? `HTTP ${sample.httpStatus}` : null,
    sample.latencyMs !== null ? `${sample.latencyMs} ms` : null,
  ].filter((fact) => fact !== null);
  return facts.length > 0 ? `${OUTCOME_WORDS[sample.outcome]} (${facts.join(', ')})` : OUTCOME_WORDS[sample.outcome];
}

/** Median latency of normal rejections: what this probe usually takes. */
export const usualLatencyMs = (samples: readonly ProbeSample[]): number | null => medianMs(normalLatencies(samples));

/** The API answered our invalid key in its usual form (perhaps slowly): its authentication layer is up. */
export const answeredAsExpected = (outcome: ProbeOutcome): boolean =>
  outcome === 'rejected_as_expected' || outcome === 'slow';

export type ProbeInput = {
  configured: boolean;
  intervalMs: number;
  /** Recent samples, oldest first (a few hours is plenty for the damping). */
  samples: readonly ProbeSample[];
  usualLatencyMs: number | null;
  localFault: LocalFault | null;
};

/**
 * The probe's reading. `checkedAt` is the last attempt, `okAt` the last answer in the usual form, so a fresh
 * reading whose `okAt` is not its `checkedAt` ended on an unusual result. A run of answers with the right status
 * but an unknown body means our signature is out of date, not that the provider is down: the probe then says
 * nothing, and an unexpected body never counts towards an outage.
 */
export function readProbe(input: ProbeInput, now: number): SignalReading {
  const last = input.samples.at(-1) ?? null;
  const answered = input.samples.findLast((s) => answeredAsExpected(s.outcome));
  const firstAfterGood = input.samples.find((s) => s.at > (answered?.at ?? -Infinity));
  const failing =
    last && firstAfterGood && !answeredAsExpected(last.outcome)
      ? { since: firstAfterGood.at, how: `the API ${describeProbe(last)}` }
      : null;
  const base = { signal: 'probe' as const, checkedAt: last?.at ?? null, okAt: answered?.at ?? null, failing };
  const one = (state: SignalReading['state'], text: string, at: number | null): SignalReading => ({
    ...base,
    state,
    level: 'unknown',
    summary: text,
    reasons: [{ signal: 'probe', level: null, text, at }],
  });
  if (!input.configured) return one('absent', 'We have no live probe for this provider’s API.', null);
  if (input.localFault) {
    const f = input.localFault;
    return one(
      'suspended',
      `${localFaultText(f)}: the fault is most likely on our side, so probes say nothing about this provider ` +
        `right now.`,
      f.since,
    );
  }
  if (!last) return one('never', 'No probe results yet.', null);
  if (now - last.at >= staleAfterMs(input.intervalMs)) {
    const trend = dampProbes(input.samples).state;
    const lastLevel = trend === 'failing' ? 'partial_outage' : trend === 'slow' ? 'degraded' : 'operational';
    const text = `No recent probe result; the last one is from ${ageText(last.at, now)}.`;
    return { ...one('stale', text, last.at), lastLevel };
  }
  const recent = input.samples.slice(-PROBE_FAILURES_TO_CONFIRM);
  if (recent.length === PROBE_FAILURES_TO_CONFIRM && recent.every((s) => s.outcome === 'unexpected_body')) {
    const since = input.samples.findLast((s) => s.outcome !== 'unexpected_body');
    const from = input.samples.find((s) => s.at > (since?.at ?? -Infinity))!.at;
    return one(
      'suspended',
      `Since ${formatUtc(from)} the API answers our invalid key with the expected status but a body we do not ` +
        `recognise: its error format has probably changed, so this probe cannot tell whether the API is healthy ` +
        `until we update it.`,
      from,
    );
  }
  const trend = dampProbes(input.samples);
  const reasons: Reason[] = [];
  const lastText = `Last probe at ${formatUtc(last.at)}: the API ${describeProbe(last)}.`;
  if (trend.state === 'failing') {
    const failed = input.samples.filter(
      (s) => trend.since !== null && s.at >= trend.since && kindOf(s.outcome) === 'fail',
    ).length;
    reasons.push({
      signal: 'probe',
      level: 'partial_outage',
      text: `${failed} probe${failed === 1 ? '' : 's'} failed since ${formatUtc(trend.since ?? last.at)}. ${lastText}`,
      at: trend.since,
    });
    return { ...base, state: 'fresh', level: 'partial_outage', summary: reasons[0]!.text, reasons };
  }
  if (trend.state === 'slow') {
    const usual = input.usualLatencyMs !== null ? ` against a usual ${input.usualLatencyMs} ms` : '';
    reasons.push({
      signal: 'probe',
      level: 'degraded',
      text: `The API has answered slowly since ${formatUtc(trend.since ?? last.at)}${usual}. ${lastText}`,
      at: trend.since,
    });
    return { ...base, state: 'fresh', level: 'degraded', summary: reasons[0]!.text, reasons };
  }
  reasons.push({ signal: 'probe', level: 'operational', text: lastText, at: last.at });
  const unusual = input.samples.length - 1 - input.samples.findLastIndex((s) => kindOf(s.outcome) === 'ok');
  if (unusual > 0) {
    const what = unusual === 1 ? 'A single unusual result is' : `${unusual} unusual results in a row are`;
    reasons.push({
      signal: 'probe',
      level: null,
      text: `${what} not enough to declare trouble; the next probes will confirm or clear it.`,
      at: last.at,
    });
  }
  return { ...base, state: 'fresh', level: 'operational', summary: lastText, reasons };
}

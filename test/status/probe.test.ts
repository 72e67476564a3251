// Probe damping in both directions, the local-fault rule, and how the probe reading reads.
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../src/domain.ts';
import { dampProbes, detectLocalFault, readProbe, usualLatencyMs, type ProbeSample } from '../../src/status/probe.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 180_000;
const run = (outcomes: ProbeOutcome[]): ProbeSample[] =>
  outcomes.map((outcome, i) => ({
    at: NOW - (outcomes.length - 1 - i) * STEP,
    outcome,
    httpStatus: outcome === 'timeout' ? null : 401,
    latencyMs: 100 + i,
  }));
const ok = 'rejected_as_expected' as const;

describe('dampProbes', () => {
  it('needs three failures in a row before declaring trouble', () => {
    expect(dampProbes(run([ok, 'timeout', 'timeout'])).state).toBe('healthy');
    expect(dampProbes(run([ok, 'timeout', 'timeout', 'timeout']))).toEqual({ state: 'failing', since: NOW - 2 * STEP });
    expect(dampProbes(run(['timeout', ok, 'timeout', ok, 'timeout'])).state).toBe('healthy');
  });

  it('needs two normal answers in a row to clear it', () => {
    const failing: ProbeOutcome[] = ['timeout', 'timeout', 'timeout'];
    expect(dampProbes(run([...failing, ok])).state).toBe('failing');
    expect(dampProbes(run([...failing, ok, ok])).state).toBe('healthy');
    expect(dampProbes(run([...failing, ok, 'timeout', ok])).state).toBe('failing');
  });

  it('calls three slow answers slow, and a recovery through slow answers slow', () => {
    expect(dampProbes(run([ok, 'slow', 'slow'])).state).toBe('healthy');
    expect(dampProbes(run([ok, 'slow', 'slow', 'slow'])).state).toBe('slow');
    expect(dampProbes(run(['dns_error', 'dns_error', 'dns_error', 'slow', 'slow'])).state).toBe('slow');
    expect(dampProbes(run(['slow', 'slow', 'slow', ok, ok])).state).toBe('healthy');
  });
});

describe('detectLocalFault', () => {
  const latest = (outcomes: ProbeOutcome[]) => outcomes.map((outcome, i) => ({ at: NOW - 1000 * i, outcome }));

  it('blames our side when most providers fail the same network way at once', () => {
    const fault = detectLocalFault(latest(['dns_error', 'dns_error', 'dns_error', 'dns_error', ok]), STEP, NOW);
    expect(fault).toMatchObject({ outcome: 'dns_error', affected: 4, probed: 5 });
  });

  it('does not when only a few fail, or they fail in different ways', () => {
    expect(detectLocalFault(latest(['dns_error', 'dns_error', ok, ok, ok, ok]), STEP, NOW)).toBeNull();
    expect(detectLocalFault(latest(['dns_error', 'timeout', 'tls_error', 'connection_error']), STEP, NOW)).toBeNull();
    expect(
      detectLocalFault(latest(['unexpected_status', 'unexpected_status', 'unexpected_status']), STEP, NOW),
    ).toBeNull();
  });

  it('ignores old results', () => {
    const old = ['dns_error', 'dns_error', 'dns_error'].map((outcome) => ({
      at: NOW - 3 * STEP,
      outcome: outcome as ProbeOutcome,
    }));
    expect(detectLocalFault(old, STEP, NOW)).toBeNull();
  });
});

describe('readProbe', () => {
  const input = (samples: ProbeSample[], over = {}) => ({
    configured: true,
    intervalMs: STEP,
    samples,
    usualLatencyMs: 120,
    localFault: null,
    ...over,
  });

  it('turns a local fault into a suspended signal, never an outage', () => {
    const r = readProbe(
      input(run(['dns_error', 'dns_error', 'dns_error']), {
        localFault: { outcome: 'dns_error', since: NOW - 60_000, affected: 15, probed: 16 },
      }),
      NOW,
    );
    expect(r.state).toBe('suspended');
    expect(r.level).toBe('unknown');
    expect(r.summary).toContain('the fault is most likely on our side');
  });

  it('reads a failing run as a partial outage with the count and the last result', () => {
    const r = readProbe(input(run([ok, 'unexpected_status', 'unexpected_status', 'unexpected_status'])), NOW);
    expect(r.level).toBe('partial_outage');
    expect(r.summary).toMatch(
      /^3 probes failed since .*the API answered with an unexpected status \(HTTP 401, 103 ms\)\.$/,
    );
  });

  it('reads a single failure as healthy but says it waits for confirmation', () => {
    const r = readProbe(input(run([ok, ok, 'timeout'])), NOW);
    expect(r.level).toBe('operational');
    expect(r.reasons.map((x) => x.text).join(' ')).toContain('A single unusual result is not enough');
  });

  it('is stale once the last result is three intervals old', () => {
    const r = readProbe(input([{ at: NOW - 3 * STEP, outcome: ok, httpStatus: 401, latencyMs: 90 }]), NOW);
    expect(r.state).toBe('stale');
  });

  it('uses the median of normal rejections as the usual latency', () => {
    expect(usualLatencyMs(run([ok, ok, ok, 'timeout']))).toBe(101);
    expect(usualLatencyMs([])).toBeNull();
  });
});

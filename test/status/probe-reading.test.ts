// The probe reading beyond damping: unexpected bodies never make an outage, okAt marks the last usual answer,
// slow reads degraded against the usual, and a local fault names what fails.
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../src/domain.ts';
import { dampProbes, detectLocalFault, readProbe, type LocalFault, type ProbeSample } from '../../src/status/probe.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 180_000;
const ok = 'rejected_as_expected' as const;
const run = (outcomes: ProbeOutcome[]): ProbeSample[] =>
  outcomes.map((outcome, i) => ({
    at: NOW - (outcomes.length - 1 - i) * STEP,
    outcome,
    httpStatus: outcome === 'timeout' ? null : 401,
    latencyMs: outcome === 'slow' ? 2400 : 150,
  }));
const read = (outcomes: ProbeOutcome[], localFault: LocalFault | null = null) =>
  readProbe({ configured: true, intervalMs: STEP, samples: run(outcomes), usualLatencyMs: 150, localFault }, NOW);
const texts = (r: ReturnType<typeof read>) => r.reasons.map((x) => x.text).join(' ');

describe('unexpected bodies', () => {
  it('three in a row suspend the probe: our signature is out of date, the provider is not down', () => {
    const r = read([ok, ok, 'unexpected_body', 'unexpected_body', 'unexpected_body']);
    expect(r).toMatchObject({ state: 'suspended', level: 'unknown', checkedAt: NOW, okAt: NOW - 3 * STEP });
    expect(r.summary).toBe(
      'Since 22 Nov 2026, 11:54 UTC the API answers our invalid key with the expected status but a body we do ' +
        'not recognise: its error format has probably changed, so this probe cannot tell whether the API is ' +
        'healthy until we update it.',
    );
  });

  it('fewer than three keep the damped reading, and say they are unconfirmed', () => {
    const r = read([ok, ok, 'unexpected_body', 'unexpected_body']);
    expect(r.level).toBe('operational');
    expect(texts(r)).toContain('2 unusual results in a row are not enough to declare trouble');
  });

  it('never count towards an outage, nor break a run of real failures', () => {
    expect(dampProbes(run(['unexpected_body', 'unexpected_body', 'timeout', 'unexpected_body', 'timeout'])).state).toBe(
      'healthy',
    );
    expect(read([ok, 'unexpected_body', 'unexpected_body', 'timeout']).level).toBe('operational');
    const failing = read([ok, 'timeout', 'unexpected_body', 'timeout', 'timeout']);
    expect(failing.level).toBe('partial_outage');
    expect(failing.summary).toMatch(/^3 probes failed since 22 Nov 2026, 11:51 UTC\./);
  });
});

describe('okAt and checkedAt', () => {
  it('checkedAt is the last attempt, okAt the last answer in the usual form (slow included)', () => {
    expect(read([ok, 'timeout'])).toMatchObject({ checkedAt: NOW, okAt: NOW - STEP });
    expect(read([ok, 'slow'])).toMatchObject({ checkedAt: NOW, okAt: NOW });
    expect(read(['dns_error'])).toMatchObject({ checkedAt: NOW, okAt: null });
  });
});

describe('slow', () => {
  it('three slow answers read degraded, against the usual latency', () => {
    const r = read([ok, 'slow', 'slow', 'slow']);
    expect(r.level).toBe('degraded');
    expect(r.summary).toBe(
      'The API has answered slowly since 22 Nov 2026, 11:54 UTC against a usual 150 ms. Last probe at 22 Nov ' +
        '2026, 12:00 UTC: the API rejected our invalid key, but slowly (HTTP 401, 2400 ms).',
    );
  });

  it('clears after two normal answers, and a failing API recovering through slow answers reads slow first', () => {
    expect(read(['slow', 'slow', 'slow', ok]).level).toBe('degraded');
    expect(read(['slow', 'slow', 'slow', ok, ok]).level).toBe('operational');
    expect(read(['timeout', 'timeout', 'timeout', 'slow', 'slow']).level).toBe('degraded');
  });
});

describe('local fault', () => {
  it('dates the fault from when all the failing providers had started failing', () => {
    const latest = [
      { at: NOW, outcome: 'dns_error' as const, runStartAt: NOW - 10 * STEP },
      { at: NOW, outcome: 'dns_error' as const, runStartAt: NOW - 2 * STEP },
      { at: NOW, outcome: 'dns_error' as const, runStartAt: NOW - 3 * STEP },
      { at: NOW, outcome: ok, runStartAt: NOW - 50 * STEP },
    ];
    expect(detectLocalFault(latest, STEP, NOW)).toEqual({
      outcome: 'dns_error',
      since: NOW - 2 * STEP,
      affected: 3,
      probed: 4,
    });
  });

  it('names what fails on our side, for every network way', () => {
    const words: [ProbeOutcome, string][] = [
      ['dns_error', 'names do not resolve'],
      ['connection_error', 'connections fail'],
      ['tls_error', 'TLS handshakes fail'],
      ['timeout', 'requests time out'],
    ];
    for (const [outcome, phrase] of words) {
      const r = read([outcome, outcome, outcome], { outcome, since: NOW - 2 * STEP, affected: 12, probed: 17 });
      expect(r.state).toBe('suspended');
      expect(r.summary).toBe(
        `Our probes of 12 of 17 providers fail the same way (${phrase}) since 22 Nov 2026, 11:54 UTC: the ` +
          `fault is most likely on our side, so probes say nothing about this provider right now.`,
      );
    }
  });
});

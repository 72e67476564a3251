// The auth-error verdict in every probe situation: a fresh normal rejection blames the key, failing probes blame the
// provider with the evidence, and anything less certain never claims the service answers normally.
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../src/domain.ts';
import { readCommunity, summariseCommunity } from '../../src/status/community.ts';
import { combineSignals } from '../../src/status/headline.ts';
import { readOfficial } from '../../src/status/official.ts';
import { readProbe, type LocalFault } from '../../src/status/probe.ts';
import { decideVerdict } from '../../src/status/verdict.ts';
import { fillText } from '../../src/web/blocks/text.ts';
import { realCatalog } from '../helpers/catalog.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 180_000;
const ok = 'rejected_as_expected' as const;
const authError = realCatalog().errorTypeBySlug.get('auth-error')!;
const NORMAL =
  "Acme's authentication service is answering normally: the problem is most likely your key or configuration.";
const FAILING =
  "Acme's authentication service is not answering normally: the problem is most likely on Acme's side, not " +
  'your key or configuration. Waiting or retrying later is likely to help more than changing your setup.';

type Situation = {
  probe?: ProbeOutcome[] | null;
  probeAgeMs?: number;
  officialFresh?: boolean;
  localFault?: LocalFault;
};

function verdict(s: Situation) {
  const outcomes = s.probe ?? [];
  const end = NOW - (s.probeAgeMs ?? 1000);
  const status = combineSignals({
    official: readOfficial(
      {
        configured: true,
        intervalMs: 60_000,
        lastAttemptAt: NOW - 1000,
        lastOkAt: s.officialFresh === false ? NOW - 3_600_000 : NOW - 1000,
        failure: null,
        components: [{ name: 'API', level: 'operational' }],
        openIncidents: [],
        pageLevel: null,
      },
      NOW,
    ),
    probe: readProbe(
      {
        configured: s.probe !== null,
        intervalMs: STEP,
        samples: outcomes.map((outcome, i) => ({
          at: end - (outcomes.length - 1 - i) * STEP,
          outcome,
          httpStatus: outcome === 'unexpected_status' ? 503 : 401,
          latencyMs: outcome === 'slow' ? 3000 : 120,
        })),
        usualLatencyMs: 120,
        localFault: s.localFault ?? null,
      },
      NOW,
    ),
    community: readCommunity(summariseCommunity([], NOW)),
  });
  const texts = {
    yourSide: fillText(authError.yourSide, { name: 'Acme' }),
    quiet: fillText(authError.quietVerdict, { name: 'Acme' }),
    probeHealthy: fillText(authError.probeHealthy!, { name: 'Acme' }),
  };
  return decideVerdict({
    providerName: 'Acme',
    errorType: authError,
    status,
    texts,
    openIncidents: [],
    components: [{ name: 'API', level: 'operational' }],
    community: summariseCommunity([], NOW, 'auth'),
  });
}

describe('auth-error verdict, probe by probe', () => {
  it('a fresh normal rejection: your key or configuration', () => {
    const v = verdict({ probe: [ok, ok, ok] });
    expect(v).toMatchObject({ verdict: 'your_side', label: 'Likely on your side', text: NORMAL });
    expect(v.evidence[0]!.text).toBe(
      'Last probe at 22 Nov 2026, 11:59 UTC: the API rejected our invalid key as expected (HTTP 401, 120 ms).',
    );
  });

  it('a single slow but normal rejection still shows the service answering', () => {
    expect(verdict({ probe: [ok, ok, 'slow'] }).text).toBe(NORMAL);
  });

  it("confirmed failures: the provider's side, with the count, the time and the last result as evidence", () => {
    for (const failure of ['timeout', 'unexpected_status', 'connection_error', 'tls_error', 'dns_error'] as const) {
      const v = verdict({ probe: [ok, failure, failure, failure] });
      expect(v, failure).toMatchObject({
        verdict: 'provider_side',
        label: "Likely on the provider's side",
        text: FAILING,
      });
      expect(v.evidence[0]!.signal).toBe('probe');
      expect(v.evidence[0]!.text).toMatch(
        /^3 probes failed since 22 Nov 2026, 11:5\d UTC\. Last probe at 22 Nov 2026, 11:59 UTC: the API /,
      );
    }
    expect(
      verdict({ probe: [ok, 'unexpected_status', 'unexpected_status', 'unexpected_status'] }).evidence[0]!.text,
    ).toContain('answered with an unexpected status (HTTP 503, 120 ms)');
  });

  it("confirmed slowness: the provider's side, said as slowness", () => {
    const v = verdict({ probe: [ok, 'slow', 'slow', 'slow'] });
    expect(v.verdict).toBe('provider_side');
    expect(v.text).toBe(
      "Acme's authentication service is answering far more slowly than usual: the problem is most likely on " +
        "Acme's side, not your key or configuration. Waiting or retrying later is likely to help more than " +
        'changing your setup.',
    );
    expect(v.evidence[0]!.text).toContain('against a usual 120 ms');
  });

  it('one unconfirmed failure is inconclusive, never "answering normally"', () => {
    const v = verdict({ probe: [ok, ok, 'timeout'] });
    expect(v.verdict).toBe('inconclusive');
    expect(v.text).toBe(
      "Acme's authentication service did not answer our latest probe in its usual way. One unusual result is " +
        'not enough to blame Acme; the next probe will confirm or clear it, so check your key or configuration ' +
        'meanwhile.',
    );
    expect(v.evidence.map((r) => r.text).join(' ')).toContain('the API did not answer in time');
  });

  it("recovery is damped too: one normal answer after failures keeps the provider's side, two clear it", () => {
    expect(verdict({ probe: ['timeout', 'timeout', 'timeout', ok] }).verdict).toBe('provider_side');
    expect(verdict({ probe: ['timeout', 'timeout', 'timeout', ok, ok] }).text).toBe(NORMAL);
  });

  it('a local fault on our side says nothing about the provider: the official page decides', () => {
    const fault: LocalFault = { outcome: 'dns_error', since: NOW - 2 * STEP, affected: 15, probed: 17 };
    const fresh = verdict({ probe: ['dns_error', 'dns_error', 'dns_error'], localFault: fault });
    expect(fresh.verdict).toBe('your_side');
    expect(fresh.text).not.toContain('answering normally');
    expect(fresh.evidence.every((r) => r.signal === 'official')).toBe(true);
    const stale = verdict({ probe: ['dns_error', 'dns_error', 'dns_error'], localFault: fault, officialFresh: false });
    expect(stale.verdict).toBe('inconclusive');
    expect(stale.evidence.map((r) => r.text).join(' ')).toContain('the fault is most likely on our side');
  });

  it('an unrecognised body (our signature out of date) never blames the provider nor vouches for it', () => {
    const v = verdict({ probe: [ok, 'unexpected_body', 'unexpected_body', 'unexpected_body'] });
    expect(v.verdict).toBe('your_side');
    expect(v.text).not.toContain('answering normally');
    expect(
      verdict({ probe: [ok, 'unexpected_body', 'unexpected_body', 'unexpected_body'], officialFresh: false }).verdict,
    ).toBe('inconclusive');
  });

  it('a stale probe is not evidence: a normal rejection from an hour ago does not say "answering normally"', () => {
    const v = verdict({ probe: [ok, ok], probeAgeMs: 3_600_000 });
    expect(v.text).not.toContain('answering normally');
    expect(verdict({ probe: [ok, ok], probeAgeMs: 3_600_000, officialFresh: false }).verdict).toBe('inconclusive');
  });

  it('without a probe, or before its first result, the official page decides alone', () => {
    for (const probe of [null, []]) {
      expect(verdict({ probe }).text).toBe(
        "Nothing on Acme's side points to this error right now: its status page lists no related incident on " +
          'the API. The problem is most likely your key or configuration.',
      );
      expect(verdict({ probe, officialFresh: false }).verdict).toBe('inconclusive');
    }
  });
});

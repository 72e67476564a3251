// The auth-error verdict in words: your side when the auth service answers normally, theirs with evidence.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { ProbeOutcome } from '../../src/domain.ts';
import { readCommunity, summariseCommunity, type Bucket } from '../../src/status/community.ts';
import { combineSignals } from '../../src/status/headline.ts';
import { readOfficial } from '../../src/status/official.ts';
import { readProbe } from '../../src/status/probe.ts';
import { decideVerdict, type IncidentLike } from '../../src/status/verdict.ts';
import { fillText } from '../../src/web/blocks/text.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const authError = loadCatalog({
  providersFile: 'data/providers.json',
  errorsFile: 'data/errors.json',
}).errorTypeBySlug.get('auth-error')!;

function verdict(opts: {
  probe?: ProbeOutcome[];
  officialFresh?: boolean;
  incidents?: IncidentLike[];
  authReports?: number;
}) {
  const buckets: Bucket[] = opts.authReports
    ? [{ bucketAt: NOW - (NOW % 900_000), category: 'auth', count: opts.authReports }]
    : [];
  const status = combineSignals({
    official: readOfficial(
      {
        configured: true,
        intervalMs: 60_000,
        lastAttemptAt: NOW - 1000,
        lastOkAt: opts.officialFresh === false ? null : NOW - 1000,
        failure: null,
        components: [{ name: 'API', level: 'operational' }],
        openIncidents: (opts.incidents ?? []).map((i) => ({ ...i, impact: 'minor' as const, state: 'investigating' })),
        pageLevel: null,
      },
      NOW,
    ),
    probe: readProbe(
      {
        configured: true,
        intervalMs: 180_000,
        samples: (opts.probe ?? []).map((outcome, i, all) => ({
          at: NOW - (all.length - i) * 180_000 + 1000,
          outcome,
          httpStatus: 401,
          latencyMs: 100,
        })),
        usualLatencyMs: 100,
        localFault: null,
      },
      NOW,
    ),
    community: readCommunity(summariseCommunity(buckets, NOW)),
  });
  return decideVerdict({
    providerName: 'Acme',
    errorType: authError,
    status,
    openIncidents: opts.incidents ?? [],
    components: [{ name: 'API', level: 'operational' }],
    texts: {
      yourSide: fillText(authError.yourSide, { name: 'Acme' }),
      quiet: fillText(authError.quietVerdict, { name: 'Acme' }),
      probeHealthy: fillText(authError.probeHealthy!, { name: 'Acme' }),
    },
    community: summariseCommunity(buckets, NOW, 'auth'),
  });
}

const incident = (title: string): IncidentLike => ({
  title,
  kind: 'incident',
  startedAt: NOW - 600_000,
  updates: [],
  components: [],
});

describe('auth-error verdict', () => {
  it('says "your side" when the auth probe gets the normal rejection', () => {
    const v = verdict({ probe: ['rejected_as_expected', 'rejected_as_expected'] });
    expect(v.verdict).toBe('your_side');
    expect(v.text).toBe(
      "Acme's authentication service is answering normally: the problem is most likely your key or configuration.",
    );
  });

  it('says "provider side" with the evidence when probes fail', () => {
    const v = verdict({ probe: ['timeout', 'timeout', 'timeout'] });
    expect(v.verdict).toBe('provider_side');
    expect(v.evidence[0]!.text).toMatch(/^3 probes failed since/);
  });

  it('lets a fresh normal probe rejection outweigh an incident about logins or keys', () => {
    const v = verdict({ probe: ['rejected_as_expected'], incidents: [incident('Elevated API key validation errors')] });
    expect(v.verdict).toBe('your_side');
    expect(v.waiting).toBe('wontHelp');
    expect(v.evidence.at(-1)!.text).toMatch(/Elevated API key validation errors .* normal answer outweighs it\.$/);
  });

  it('counts an incident about logins or keys as provider-side evidence when no probe answers now', () => {
    const v = verdict({ probe: [], incidents: [incident('Elevated API key validation errors')] });
    expect(v.verdict).toBe('provider_side');
    expect(v.waiting).toBe('helps');
    expect(verdict({ probe: [], incidents: [incident('Slow image generation')] }).verdict).toBe('your_side');
  });

  it('counts a spike of authentication reports as provider-side evidence', () => {
    const v = verdict({ probe: ['rejected_as_expected'], authReports: 12 });
    expect(v.verdict).toBe('provider_side');
    expect(v.evidence.at(-1)!.text).toContain('12 reports of authentication errors in the last 30 minutes');
    // The verdict names its evidence in numbers.
    expect(v.text).toMatch(
      /^12 developers on 12 networks reported authentication errors in 30 minutes: the problem is most likely on Acme's side/,
    );
  });

  it('is inconclusive without any fresh evidence', () => {
    const v = verdict({ officialFresh: false });
    expect(v.verdict).toBe('inconclusive');
    expect(v.text).toContain('We have no fresh evidence about Acme');
  });

  it('leans to your side on a fresh, green status page without a probe', () => {
    expect(verdict({}).verdict).toBe('your_side');
  });
});

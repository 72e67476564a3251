// The one assessment over every combination of official page (API and products), probe and reports, for every error
// type: no level without a reason, no Operational without fresh health, products never move the API, and the
// verdict, "will waiting help?" and is-it-down never contradict each other.
import { describe, expect, it } from 'vitest';
import type { Level, ProbeOutcome } from '../../src/domain.ts';
import { assessProvider, type AssessInput, type ComponentInput, type IncidentInput } from '../../src/status/assess.ts';
import type { Bucket } from '../../src/status/community.ts';
import { assessError } from '../../src/status/verdict.ts';
import { realCatalog } from '../helpers/catalog.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const POLL_MS = 60_000;
const PROBE_MS = 180_000;
const catalog = realCatalog();
const SCOPES = [
  { name: 'Claude API (api.anthropic.com)', scope: 'api' as const },
  { name: 'claude.ai', scope: 'product' as const },
  { name: 'Claude Console (platform.claude.com)', scope: 'product' as const },
];

const component = (key: string, name: string, level: Level): ComponentInput => ({
  key,
  name,
  groupName: null,
  level,
  rawStatus: level,
  onlyShowIfDegraded: false,
  changedAt: NOW - 3_600_000,
  firstSeen: true,
});

const incident = (title: string, over: Partial<IncidentInput> & Pick<IncidentInput, 'components'>): IncidentInput => ({
  title,
  kind: 'incident',
  impact: 'major',
  state: 'investigating',
  startedAt: NOW - 600_000,
  updates: [],
  ...over,
});

const API = (level: Level) => component('api', 'Claude API (api.anthropic.com)', level);
const APP = (level: Level) => component('app', 'claude.ai', level);
const CONSOLE = (level: Level) => component('console', 'Claude Console (platform.claude.com)', level);

/** Official situations: what the page lists, and whether it was read recently. */
const OFFICIAL = {
  'all operational': { components: [API('operational'), APP('operational'), CONSOLE('operational')], incidents: [] },
  'API component down': {
    components: [API('major_outage'), APP('operational'), CONSOLE('operational')],
    incidents: [],
  },
  'API incident in auth words': {
    components: [API('degraded'), APP('operational'), CONSOLE('operational')],
    incidents: [incident('Elevated API key validation errors', { components: [{ key: 'api', name: 'Claude API' }] })],
  },
  'incident without components': {
    components: [API('operational'), APP('operational'), CONSOLE('operational')],
    incidents: [incident('Elevated authentication errors', { impact: 'minor', components: [] })],
  },
  'API notice of no impact': {
    components: [API('operational'), APP('operational'), CONSOLE('operational')],
    incidents: [
      incident('Notice: API key, rate limit, quota, model, timeout and overload errors reviewed', {
        impact: 'none',
        components: [{ key: 'api', name: 'Claude API' }],
      }),
    ],
  },
  'product outage': {
    components: [API('operational'), APP('major_outage'), CONSOLE('operational')],
    incidents: [incident('claude.ai is unavailable', { impact: 'critical', components: [{ key: 'app', name: 'x' }] })],
  },
  'console maintenance': {
    components: [API('operational'), APP('operational'), CONSOLE('maintenance')],
    incidents: [
      incident('Console maintenance', {
        kind: 'maintenance',
        impact: 'maintenance',
        state: 'in_progress',
        updates: [{ body: 'API keys cannot be created. The API is not affected.' }],
        components: [{ key: 'console', name: 'Claude Console (platform.claude.com)' }],
      }),
    ],
  },
} satisfies Record<string, { components: ComponentInput[]; incidents: IncidentInput[] }>;
const FRESHNESS = ['fresh', 'stale', 'never', 'absent'] as const;

const PROBES: Record<string, ProbeOutcome[] | null> = {
  healthy: ['rejected_as_expected', 'rejected_as_expected', 'rejected_as_expected'],
  'one unusual': ['rejected_as_expected', 'rejected_as_expected', 'timeout'],
  failing: ['rejected_as_expected', 'timeout', 'timeout', 'timeout'],
  slow: ['rejected_as_expected', 'slow', 'slow', 'slow'],
  stale: ['rejected_as_expected'],
  absent: null,
};

const REPORTS: Record<string, (category: Bucket['category']) => Bucket[]> = {
  quiet: () => [],
  'spike of this error': (category) => [{ bucketAt: NOW - (NOW % 900_000), category, count: 12 }],
  // This error spikes, while all reports together stay within their usual level: the headline does not move.
  'spike of this error amid usual traffic': (category) => {
    const bucketAt = NOW - (NOW % 900_000);
    const other: Bucket['category'] = category === 'other' ? 'timeout' : 'other';
    return [
      { bucketAt, category, count: 12 },
      { bucketAt, category: other, count: 40 },
      ...Array.from({ length: 7 }, (_, d) => ({
        bucketAt: bucketAt - (d + 1) * 86_400_000,
        category: other,
        count: 60,
      })),
    ];
  },
};

function input(
  officialCase: keyof typeof OFFICIAL,
  freshness: (typeof FRESHNESS)[number],
  probeCase: string,
  buckets: Bucket[],
): AssessInput {
  const o = OFFICIAL[officialCase];
  const okAt = freshness === 'fresh' ? NOW - 20_000 : freshness === 'stale' ? NOW - 30 * POLL_MS : null;
  const outcomes = PROBES[probeCase];
  const probeEnd = probeCase === 'stale' ? NOW - 60 * 60_000 : NOW - 10_000;
  return {
    provider: { name: 'Acme', components: SCOPES },
    official: {
      configured: freshness !== 'absent',
      intervalMs: POLL_MS,
      lastAttemptAt: freshness === 'absent' ? null : NOW - 20_000,
      lastOkAt: okAt,
      failure: freshness === 'stale' ? { since: NOW - 29 * POLL_MS, outcome: 'timeout', httpStatus: null } : null,
      components: okAt === null ? null : o.components,
      openIncidents: okAt === null ? [] : o.incidents,
      pageLevel: null,
    },
    probe: {
      configured: outcomes !== null,
      intervalMs: PROBE_MS,
      samples: (outcomes ?? []).map((outcome, i, all) => ({
        at: probeEnd - (all.length - 1 - i) * PROBE_MS,
        outcome,
        httpStatus: outcome === 'timeout' ? null : 401,
        latencyMs: outcome === 'slow' ? 4000 : 120,
      })),
      usualLatencyMs: 120,
      localFault: null,
    },
    buckets,
  };
}

type Case = [keyof typeof OFFICIAL, (typeof FRESHNESS)[number], string, string];
const CASES: Case[] = (Object.keys(OFFICIAL) as (keyof typeof OFFICIAL)[]).flatMap((o) =>
  FRESHNESS.flatMap((f) => Object.keys(PROBES).flatMap((p) => Object.keys(REPORTS).map((r): Case => [o, f, p, r]))),
);

const texts = { yourSide: 'your key', quiet: 'QUIET', probeHealthy: "Acme's authentication answers normally" };
const needsReason = (level: Level) => level !== 'operational' && level !== 'unknown';

describe('the assessment over every combination', () => {
  it.each(CASES)('official %s (%s), probe %s, reports: %s', (o, f, p, r) => {
    for (const errorType of catalog.errorTypes) {
      const a = assessProvider(input(o, f, p, REPORTS[r]!(errorType.category)), NOW);
      const { api, products, down } = a;

      // Every level carries its reasons; Operational needs fresh health and nothing fresh against it.
      if (needsReason(api.level)) expect(api.reasons.some((x) => x.level === api.level)).toBe(true);
      const fresh = Object.values(api.signals).filter((s) => s.state === 'fresh');
      if (api.level === 'operational') {
        expect(fresh.some((s) => s.signal !== 'community')).toBe(true);
        expect(fresh.every((s) => s.level === 'operational')).toBe(true);
      }
      if (fresh.length === 0) expect(api.level).toBe('unknown');
      if (products && needsReason(products.level))
        expect(products.reasons.some((x) => x.level === products.level)).toBe(true);
      if (products && a.api.signals.official.state !== 'fresh') expect(products.level).toBe('unknown');

      // Is it down? follows the API's level and never answers without fresh evidence.
      expect(down.answer).toBe(
        {
          operational: 'no',
          maintenance: 'partly',
          degraded: 'partly',
          partial_outage: 'partly',
          major_outage: 'yes',
          unknown: 'unknown',
        }[api.level],
      );

      const v = assessError(a, { providerName: 'Acme', errorType, texts });
      const where = `${errorType.slug}: ${v.verdict} / ${down.answer}`;
      expect(v.level, where).toBe(api.level);
      expect(v.down, where).toBe(down.answer);
      expect(v.waiting, where).toBe({ provider_side: 'helps', your_side: 'wontHelp', inconclusive: null }[v.verdict]);
      if (v.verdict === 'provider_side') expect(['yes', 'partly'], where).toContain(down.answer);
      if (down.answer === 'unknown') expect(v.verdict, where).toBe('inconclusive');
      if (v.verdict !== 'inconclusive') expect(v.evidence.length, where).toBeGreaterThan(0);
      // A product never stands behind a verdict about the API.
      expect(JSON.stringify(v.evidence), where).not.toMatch(/claude\.ai is unavailable|Console maintenance/);
    }
  });
});

describe('products never move the API', () => {
  it.each(FRESHNESS.flatMap((f) => Object.keys(PROBES).map((p) => [f, p] as const)))(
    'official %s, probe %s: a product outage or console maintenance reads as the all-operational page does',
    (f, p) => {
      const base = assessProvider(input('all operational', f, p, []), NOW);
      for (const o of ['product outage', 'console maintenance'] as const) {
        const a = assessProvider(input(o, f, p, []), NOW);
        expect(a.api.level).toBe(base.api.level);
        expect(a.down.answer).toBe(base.down.answer);
        for (const errorType of catalog.errorTypes) {
          const v = assessError(a, { providerName: 'Acme', errorType, texts });
          expect(v.verdict, `${o} ${errorType.slug}`).toBe(
            assessError(base, { providerName: 'Acme', errorType, texts }).verdict,
          );
        }
      }
    },
  );
});

describe('the auth error', () => {
  const auth = catalog.errorTypeBySlug.get('auth-error')!;
  const verdict = (o: keyof typeof OFFICIAL, p: string) =>
    assessError(assessProvider(input(o, 'fresh', p, []), NOW), { providerName: 'Acme', errorType: auth, texts });

  it('a fresh normal rejection outweighs an incident that only matches its words', () => {
    const v = verdict('incident without components', 'healthy');
    expect(v).toMatchObject({ verdict: 'your_side', waiting: 'wontHelp' });
    expect(v.evidence.at(-1)!.text).toMatch(/Elevated authentication errors .*normal answer outweighs it\.$/);
    expect(verdict('incident without components', 'absent')).toMatchObject({ verdict: 'provider_side' });
  });

  it('an API incident in its words, with no probe answering now, puts it on the provider', () => {
    expect(verdict('API incident in auth words', 'absent')).toMatchObject({ verdict: 'provider_side', down: 'partly' });
    expect(verdict('API incident in auth words', 'failing')).toMatchObject({ verdict: 'provider_side' });
  });

  it('an API outage in other words does not explain a 401 the probe shows answered normally, and says so', () => {
    const v = verdict('API component down', 'healthy');
    expect(v).toMatchObject({ verdict: 'your_side', down: 'yes', level: 'major_outage' });
    expect(v.text).toContain("Acme's API shows other trouble right now (Major Outage), which does not explain");
  });
});

describe('component "since"', () => {
  it('is the source time when an open incident on it started earlier, else observed or first seen', () => {
    const a = assessProvider(input('API incident in auth words', 'fresh', 'healthy', []), NOW);
    const api = a.components!.find((c) => c.key === 'api')!;
    expect(api.since).toEqual({ at: NOW - 600_000, basis: 'source' });
    expect(a.components!.find((c) => c.key === 'app')!.since).toEqual({ at: NOW - 3_600_000, basis: 'first_seen' });
    const seen = input('all operational', 'fresh', 'healthy', []);
    seen.official.components = [{ ...API('operational'), firstSeen: false }];
    expect(assessProvider(seen, NOW).components![0]!.since.basis).toBe('observed');
  });
});

// The status model's invariants: no level without a reason, no "operational" without fresh healthy evidence.
import { describe, expect, it } from 'vitest';
import type { Level, ProbeOutcome } from '../../src/domain.ts';
import { summariseCommunity, type Bucket } from '../../src/status/community.ts';
import { combineSignals } from '../../src/status/headline.ts';
import { readOfficial, type OfficialInput } from '../../src/status/official.ts';
import { readCommunity } from '../../src/status/community.ts';
import { readProbe, type ProbeSample } from '../../src/status/probe.ts';
import type { ProviderStatus } from '../../src/status/types.ts';
import { MINUTE_MS } from '../../src/time.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const POLL_MS = 60_000;
const PROBE_MS = 180_000;

function official(over: Partial<OfficialInput> = {}): OfficialInput {
  return {
    configured: true,
    intervalMs: POLL_MS,
    lastAttemptAt: NOW - 30_000,
    lastOkAt: NOW - 30_000,
    failure: null,
    components: [
      { name: 'API', level: 'operational' },
      { name: 'Console', level: 'operational' },
    ],
    openIncidents: [],
    pageLevel: null,
    ...over,
  };
}

const samples = (outcomes: ProbeOutcome[], endAt = NOW - 10_000): ProbeSample[] =>
  outcomes.map((outcome, i) => ({
    at: endAt - (outcomes.length - 1 - i) * PROBE_MS,
    outcome,
    httpStatus: 401,
    latencyMs: 150,
  }));

function status(o: OfficialInput, probe: ProbeSample[] | null, buckets: Bucket[] = []): ProviderStatus {
  return combineSignals({
    official: readOfficial(o, NOW),
    probe: readProbe(
      { configured: probe !== null, intervalMs: PROBE_MS, samples: probe ?? [], usualLatencyMs: 150, localFault: null },
      NOW,
    ),
    community: readCommunity(summariseCommunity(buckets, NOW)),
  });
}

/** The invariants DESIGN.md §2 promises, checked on any status. */
function expectInvariants(s: ProviderStatus): void {
  if (s.level !== 'operational' && s.level !== 'unknown') {
    expect(
      s.reasons.some((r) => r.level === s.level),
      `a ${s.level} headline needs a reason at that level`,
    ).toBe(true);
  }
  const fresh = Object.values(s.signals).filter((r) => r.state === 'fresh');
  if (s.level === 'operational') {
    expect(fresh.some((r) => r.signal === 'official' || r.signal === 'probe')).toBe(true);
    expect(fresh.every((r) => r.level === 'operational')).toBe(true);
  }
  if (fresh.length === 0) expect(s.level).toBe('unknown');
  expect(s.reasons.length).toBeGreaterThan(0);
}

const spike = (count: number): Bucket[] =>
  Array.from({ length: count }, (_, i) => ({
    bucketAt: NOW - (NOW % (15 * MINUTE_MS)),
    category: i % 2 ? 'auth' : 'timeout',
    count: 1,
  }));

describe('headline', () => {
  it('is unknown with its reason when no signal has data', () => {
    const s = status(official({ lastAttemptAt: null, lastOkAt: null }), []);
    expect(s.level).toBe('unknown');
    expect(s.summary).toContain('No fresh data');
    expect(s.reasons.map((r) => r.text).join(' ')).toContain('not been checked yet');
    expectInvariants(s);
  });

  it('is unknown, never operational, when the only data is stale', () => {
    const s = status(
      official({
        lastOkAt: NOW - 3 * POLL_MS,
        lastAttemptAt: NOW - 5000,
        failure: { since: NOW - 2 * POLL_MS, outcome: 'timeout', httpStatus: null },
      }),
      null,
    );
    expect(s.level).toBe('unknown');
    expect(s.signals.official.state).toBe('stale');
    expect(s.signals.official.summary).toMatch(/could not be read since .* did not answer in time/);
    expectInvariants(s);
  });

  it('is unknown for a provider with no official page and no probe, even with quiet community', () => {
    const s = status(official({ configured: false }), null);
    expect(s.level).toBe('unknown');
    expect(s.reasons.map((r) => r.text)).toContain('We read no official status page for this provider.');
  });

  it('is operational only with a fresh healthy signal', () => {
    const s = status(official(), samples(['rejected_as_expected', 'rejected_as_expected']));
    expect(s.level).toBe('operational');
    expectInvariants(s);
  });

  it('takes the worst fresh signal: failing probes beat a green status page', () => {
    const s = status(official(), samples(['rejected_as_expected', 'timeout', 'timeout', 'timeout']));
    expect(s.level).toBe('partial_outage');
    expect(s.reasons[0]!.signal).toBe('probe');
    expectInvariants(s);
  });

  it('lets community reports alone raise the level to degraded at most', () => {
    const s = status(official({ configured: false }), null, spike(40));
    expect(s.level).toBe('degraded');
    expect(s.reasons[0]!.text).toMatch(/^Users report problems: 40 reports in the last 30 minutes/);
    expectInvariants(s);
  });

  it('ignores a stale signal even when it said outage', () => {
    const s = status(
      official({ lastOkAt: NOW - 10 * POLL_MS, components: [{ name: 'API', level: 'major_outage' }] }),
      samples(['rejected_as_expected', 'rejected_as_expected']),
    );
    expect(s.level).toBe('operational');
    expectInvariants(s);
  });

  it('keeps the invariants over every combination of signals', () => {
    const componentSets: { name: string; level: Level }[][] = [
      [],
      [{ name: 'A', level: 'operational' }],
      [
        { name: 'A', level: 'major_outage' },
        { name: 'B', level: 'operational' },
      ],
      [{ name: 'A', level: 'degraded' }],
      [{ name: 'A', level: 'maintenance' }],
    ];
    const officialTimes = [null, NOW - 1000, NOW - 10 * POLL_MS];
    const probeSets: (ProbeOutcome[] | null)[] = [
      null,
      [],
      ['rejected_as_expected'],
      ['timeout', 'timeout', 'timeout'],
      ['slow', 'slow', 'slow'],
      ['dns_error'],
    ];
    const communities = [[], spike(3), spike(30)];
    let count = 0;
    for (const components of componentSets)
      for (const okAt of officialTimes)
        for (const probe of probeSets)
          for (const c of communities)
            for (const configured of [true, false]) {
              expectInvariants(
                status(official({ configured, lastOkAt: okAt, components }), probe === null ? null : samples(probe), c),
              );
              count += 1;
            }
    expect(count).toBe(5 * 3 * 6 * 3 * 2);
  });
});

describe('official reading', () => {
  it('calls one component down on a page of several a partial outage', () => {
    const r = readOfficial(
      official({
        components: [
          { name: 'API', level: 'major_outage' },
          { name: 'Console', level: 'operational' },
          { name: 'Web', level: 'operational' },
        ],
      }),
      NOW,
    );
    expect(r.level).toBe('partial_outage');
    expect(r.reasons[0]!.text).toBe(
      'The status page lists API as Major Outage (1 of 3 components down: a partial outage).',
    );
  });

  it('calls it major when every component is down or the page itself says so', () => {
    expect(readOfficial(official({ components: [{ name: 'API', level: 'major_outage' }] }), NOW).level).toBe(
      'major_outage',
    );
    expect(
      readOfficial(
        official({
          components: [
            { name: 'API', level: 'major_outage' },
            { name: 'B', level: 'operational' },
          ],
          pageLevel: 'major_outage',
        }),
        NOW,
      ).level,
    ).toBe('major_outage');
  });

  it('maps open incident impact onto levels, and an open incident of unknown impact degrades', () => {
    const incident = (impact: 'minor' | 'major' | 'critical' | 'unknown' | 'none') =>
      readOfficial(
        official({
          openIncidents: [
            { title: 'Errors', kind: 'incident', impact, state: 'investigating', startedAt: NOW - 60_000 },
          ],
        }),
        NOW,
      ).level;
    expect(incident('none')).toBe('operational');
    expect(incident('minor')).toBe('degraded');
    expect(incident('major')).toBe('partial_outage');
    expect(incident('critical')).toBe('major_outage');
    expect(incident('unknown')).toBe('degraded');
  });

  it('reads maintenance in progress as maintenance', () => {
    const r = readOfficial(
      official({
        openIncidents: [
          {
            title: 'DB upgrade',
            kind: 'maintenance',
            impact: 'maintenance',
            state: 'in_progress',
            startedAt: NOW - 60_000,
          },
        ],
      }),
      NOW,
    );
    expect(r.level).toBe('maintenance');
    expect(r.reasons[0]!.text).toMatch(/^Maintenance in progress: DB upgrade/);
  });

  it('says when the page was never read and why', () => {
    const r = readOfficial(
      official({ lastOkAt: null, failure: { since: NOW - 60_000, outcome: 'http', httpStatus: 503 } }),
      NOW,
    );
    expect(r.state).toBe('never');
    expect(r.summary).toBe(
      'The status page could not be read since 22 Nov 2026, 11:59 UTC: it answered with an HTTP error (503).',
    );
  });

  it('is fresh until three intervals have passed', () => {
    expect(readOfficial(official({ lastOkAt: NOW - 3 * POLL_MS + 1 }), NOW).state).toBe('fresh');
    expect(readOfficial(official({ lastOkAt: NOW - 3 * POLL_MS }), NOW).state).toBe('stale');
  });
});

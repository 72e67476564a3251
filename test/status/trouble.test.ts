// When the API's trouble began (Assessment.troubleSince): the probe's first failing attempt, a component's dated
// change or an incident's start, a spike's first bucket, the earliest of them; null when not in trouble or not dated.
import { describe, expect, it } from 'vitest';
import type { Level, ProbeOutcome } from '../../src/domain.ts';
import { assessProvider, type AssessInput, type ComponentInput } from '../../src/status/assess.ts';
import { bucketOf, type Bucket } from '../../src/status/community.ts';
import { MINUTE_MS } from '../../src/time.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 7, 0);
const PROBE_MS = 3 * MINUTE_MS;
const API_NAME = 'Claude API (api.anthropic.com)';

const api = (level: Level, changedAt: number, firstSeen = false): ComponentInput => ({
  key: 'api',
  name: API_NAME,
  groupName: null,
  level,
  rawStatus: level,
  onlyShowIfDegraded: false,
  changedAt,
  firstSeen,
});

/** Probe results every 3 minutes ending a minute ago, oldest first. */
const probes = (outcomes: ProbeOutcome[]) =>
  outcomes.map((outcome, i) => ({
    at: NOW - MINUTE_MS - (outcomes.length - 1 - i) * PROBE_MS,
    outcome,
    httpStatus: outcome === 'rejected_as_expected' ? 401 : null,
    latencyMs: 100,
  }));

function input(
  over: {
    components?: ComponentInput[];
    incidents?: AssessInput['official']['openIncidents'];
    pageLevel?: Level | null;
    outcomes?: ProbeOutcome[];
    buckets?: Bucket[];
  } = {},
): AssessInput {
  return {
    provider: { name: 'Acme', components: [{ name: API_NAME, scope: 'api' }] },
    official: {
      configured: true,
      intervalMs: MINUTE_MS,
      lastAttemptAt: NOW - 20_000,
      lastOkAt: NOW - 20_000,
      failure: null,
      components: over.components ?? [api('operational', NOW - 86_400_000)],
      openIncidents: over.incidents ?? [],
      pageLevel: over.pageLevel ?? null,
    },
    probe: {
      configured: true,
      intervalMs: PROBE_MS,
      samples: probes(over.outcomes ?? ['rejected_as_expected', 'rejected_as_expected']),
      usualLatencyMs: 100,
      localFault: null,
    },
    buckets: over.buckets ?? [],
  };
}

const since = (over: Parameters<typeof input>[0]) => assessProvider(input(over), NOW).troubleSince;
const ok: ProbeOutcome = 'rejected_as_expected';

describe('troubleSince', () => {
  it('is null while the API is operational, under maintenance or unknown', () => {
    expect(since({})).toBeNull();
    expect(since({ components: [api('maintenance', NOW - 5 * MINUTE_MS)] })).toBeNull();
    const stale = input({ components: [api('major_outage', NOW - 5 * MINUTE_MS)] });
    stale.official.lastOkAt = NOW - 60 * MINUTE_MS;
    stale.probe.configured = false;
    expect(assessProvider(stale, NOW).troubleSince).toBeNull();
  });

  it("is the probe's first failing attempt of the confirmed run", () => {
    const outcomes: ProbeOutcome[] = [ok, ok, 'timeout', 'connection_error', 'timeout'];
    expect(since({ outcomes })).toBe(NOW - MINUTE_MS - 2 * PROBE_MS);
  });

  it("is a troubled component's observed change, or an open incident's start when earlier", () => {
    expect(since({ components: [api('partial_outage', NOW - 5 * MINUTE_MS)] })).toBe(NOW - 5 * MINUTE_MS);
    const incident = {
      title: 'Elevated errors',
      kind: 'incident' as const,
      impact: 'major' as const,
      state: 'investigating',
      startedAt: NOW - 12 * MINUTE_MS,
      updates: [],
      components: [{ key: 'api', name: API_NAME }],
    };
    expect(since({ components: [api('partial_outage', NOW - 5 * MINUTE_MS)], incidents: [incident] })).toBe(
      NOW - 12 * MINUTE_MS,
    );
    // An incident alone, on a page whose components stay green.
    expect(since({ incidents: [{ ...incident, components: [] }] })).toBe(NOW - 12 * MINUTE_MS);
  });

  it('is the earliest start when several signals hold the trouble', () => {
    const outcomes: ProbeOutcome[] = [ok, 'timeout', 'timeout', 'timeout'];
    expect(since({ outcomes, components: [api('degraded', NOW - 2 * MINUTE_MS)] })).toBe(
      NOW - MINUTE_MS - 2 * PROBE_MS,
    );
    expect(since({ outcomes, components: [api('degraded', NOW - 60 * MINUTE_MS)] })).toBe(NOW - 60 * MINUTE_MS);
  });

  it('is null when the earliest trouble is only known as "no later than": first sighting, undated page status', () => {
    // In trouble when we first read the page: it may have begun long before.
    expect(since({ components: [api('major_outage', NOW - 5 * MINUTE_MS, true)] })).toBeNull();
    // The probe's later, dated start does not make the first sighting exact.
    const outcomes: ProbeOutcome[] = [ok, 'timeout', 'timeout', 'timeout'];
    expect(since({ outcomes, components: [api('major_outage', NOW - 60 * MINUTE_MS, true)] })).toBeNull();
    // A first sighting after the probe's dated start is no earlier than it: the probe's start stands.
    expect(since({ outcomes, components: [api('major_outage', NOW - MINUTE_MS, true)] })).toBe(
      NOW - MINUTE_MS - 2 * PROBE_MS,
    );
    expect(since({ components: [], pageLevel: 'partial_outage' })).toBeNull();
  });

  it("is a report spike's first bucket in the window", () => {
    const bucketAt = bucketOf(NOW);
    const buckets: Bucket[] = [
      { bucketAt: bucketAt - 15 * MINUTE_MS, category: 'auth', count: 3 },
      { bucketAt, category: 'auth', count: 9 },
    ];
    const a = assessProvider(input({ buckets }), NOW);
    expect(a.api.level).toBe('degraded');
    expect(a.troubleSince).toBe(bucketAt - 15 * MINUTE_MS);
  });
});

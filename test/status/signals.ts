// Builders of real signal readings (through the real readers) for the status tests: fresh, stale, failing, absent.
import { readCommunity, summariseCommunity, type Bucket, type CommunityView } from '../../src/status/community.ts';
import { combineSignals } from '../../src/status/headline.ts';
import { readOfficial, type OfficialInput } from '../../src/status/official.ts';
import { readProbe, type ProbeSample } from '../../src/status/probe.ts';
import type { ProviderStatus } from '../../src/status/types.ts';
import { MINUTE_MS } from '../../src/time.ts';

export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
export const POLL_MS = MINUTE_MS;
export const PROBE_MS = 3 * MINUTE_MS;

export type OfficialCase = 'fresh-ok' | 'fresh-incident' | 'fresh-component' | 'stale' | 'absent';
export type ProbeCase = 'healthy' | 'failing' | 'slow' | 'stale' | 'absent';
export type CommunityCase = 'quiet' | 'spike';

export function official(
  kind: OfficialCase,
  incidentTitle = 'Elevated error rates on the API',
  component = { name: 'API', level: 'partial_outage' as const },
): OfficialInput {
  const base: OfficialInput = {
    configured: true,
    intervalMs: POLL_MS,
    lastAttemptAt: NOW - 20_000,
    lastOkAt: NOW - 20_000,
    failure: null,
    components: [
      { name: 'API', level: 'operational' },
      { name: 'Console', level: 'operational' },
    ],
    openIncidents: [],
    pageLevel: null,
  };
  switch (kind) {
    case 'fresh-ok':
      return base;
    case 'fresh-incident':
      return {
        ...base,
        openIncidents: [
          {
            title: incidentTitle,
            kind: 'incident',
            impact: 'major',
            state: 'investigating',
            startedAt: NOW - 10 * MINUTE_MS,
          },
        ],
      };
    case 'fresh-component':
      return { ...base, components: [component, { name: 'Console', level: 'operational' }] };
    case 'stale':
      return { ...base, lastAttemptAt: NOW - 30 * MINUTE_MS, lastOkAt: NOW - 30 * MINUTE_MS };
    case 'absent':
      return { ...base, configured: false, lastAttemptAt: null, lastOkAt: null, components: [] };
  }
}

const sample = (at: number, outcome: ProbeSample['outcome'], latencyMs: number | null = 120): ProbeSample => ({
  at,
  outcome,
  httpStatus: outcome === 'rejected_as_expected' || outcome === 'slow' ? 401 : null,
  latencyMs,
});

export function probeSamples(kind: ProbeCase): { configured: boolean; samples: ProbeSample[] } {
  const times = [4, 3, 2, 1].map((n) => NOW - n * PROBE_MS + 30_000);
  switch (kind) {
    case 'healthy':
      return { configured: true, samples: times.map((t) => sample(t, 'rejected_as_expected')) };
    case 'failing':
      return {
        configured: true,
        samples: times.map((t, i) => sample(t, i === 0 ? 'rejected_as_expected' : 'timeout', null)),
      };
    case 'slow':
      return {
        configured: true,
        samples: times.map((t, i) => sample(t, i === 0 ? 'rejected_as_expected' : 'slow', 4000)),
      };
    case 'stale':
      return { configured: true, samples: [sample(NOW - 60 * MINUTE_MS, 'rejected_as_expected')] };
    case 'absent':
      return { configured: false, samples: [] };
  }
}

export function community(
  kind: CommunityCase,
  category: Bucket['category'] = 'auth',
): { view: CommunityView; buckets: Bucket[] } {
  const buckets: Bucket[] =
    kind === 'spike' ? [{ bucketAt: Math.floor(NOW / (15 * MINUTE_MS)) * 15 * MINUTE_MS, category, count: 9 }] : [];
  return { view: summariseCommunity(buckets, NOW), buckets };
}

export function status(
  o: OfficialCase,
  p: ProbeCase,
  c: CommunityCase = 'quiet',
  category: Bucket['category'] = 'auth',
  officialInput?: OfficialInput,
): ProviderStatus {
  const probe = probeSamples(p);
  return combineSignals({
    official: readOfficial(officialInput ?? official(o), NOW),
    probe: readProbe(
      {
        configured: probe.configured,
        intervalMs: PROBE_MS,
        samples: probe.samples,
        usualLatencyMs: 120,
        localFault: null,
      },
      NOW,
    ),
    community: readCommunity(community(c, category).view),
  });
}

// Reads what a provider's pages show from the store, once per render, and hands it to the one assessment.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import type { Config } from '../config.ts';
import { MAIN_DOCUMENT, type ReporterAllocation } from '../domain.ts';
import { assessProvider, type Assessment } from '../status/assess.ts';
import { isOpen } from '../status/incidents.ts';
import {
  bucketOf,
  COMMUNITY_BASELINE_DAYS,
  COMMUNITY_BUCKET_MS,
  COMMUNITY_WINDOW_MS,
  communitySinceAt,
  communityWindowStart,
  type Bucket,
  type CommunityView,
} from '../status/community.ts';
import { latencyBaseline, normalLatencies, type LatencyBaseline } from '../probes/baseline.ts';
import { detectLocalFault, usualLatencyMs, type LocalFault } from '../status/probe.ts';
import type { ProviderStatus } from '../status/types.ts';
import type { AssessApi } from '../notify/changes.ts';
import { API_SUBJECT, componentSubject, type SampledLevels, type SampleLevels } from '../status/history.ts';
import type { Store } from '../store/index.ts';
import type { ComponentRow } from '../store/components.ts';
import type { IncidentRow } from '../store/incidents.ts';
import type { CheckSummary } from '../store/checks.ts';
import type { ProbeResultRow } from '../store/probes.ts';
import { DAY_MS } from '../time.ts';

/** How far back the pages list incidents. */
export const INCIDENT_WINDOW_MS = 30 * DAY_MS;
/** How far back the Live Signals block looks. */
export const PROBE_WINDOW_MS = DAY_MS;

export type ProviderData = {
  provider: Provider;
  now: number;
  /** The one assessment: the API's headline, the products apart, is-it-down, components with scope and "since". */
  assessment: Assessment;
  /** The API's headline (`assessment.api`). */
  status: ProviderStatus;
  /** Null until the official page has been read successfully once. */
  components: ComponentRow[] | null;
  incidents: IncidentRow[];
  openIncidents: IncidentRow[];
  officialCheck: CheckSummary;
  probeSamples: ProbeResultRow[];
  usualLatencyMs: number | null;
  /** The baseline the probe job judges the next result against: the window's normal rejections. */
  probeBaseline: LatencyBaseline;
  buckets: Bucket[];
  /** The allocations behind the counted reports of the window "right now". */
  reporters: ReporterAllocation[];
  community: CommunityView;
};

/** What a read includes beyond the status: the days of report buckets a chart draws. */
export type ReadScope = { chart: boolean };

export type ProviderReader = {
  read(slug: string, now: number): Promise<ProviderData | undefined>;
  /** Every provider's read; their `buckets` only when asked for (`chart`: pages that judge by report category). */
  readAll(now: number, scope?: ReadScope): Promise<ProviderData[]>;
};

/** The buckets a community summary reads: the window now and the same window on each baseline day. */
export function communitySummaryStarts(now: number): number[] {
  const perWindow = COMMUNITY_WINDOW_MS / COMMUNITY_BUCKET_MS;
  return Array.from({ length: COMMUNITY_BASELINE_DAYS + 1 }, (_, day) =>
    Array.from({ length: perWindow }, (_, i) => bucketOf(now) - day * DAY_MS - i * COMMUNITY_BUCKET_MS),
  ).flat();
}

export function createProviderReader(deps: { store: Store; catalog: Catalog; config: Config }): ProviderReader {
  const { store, catalog, config } = deps;

  async function localFault(now: number): Promise<LocalFault | null> {
    return detectLocalFault(
      await store.probes.latestPerProvider(now - 2 * config.probeIntervalMs, now - PROBE_WINDOW_MS),
      config.probeIntervalMs,
      now,
    );
  }

  async function read(
    provider: Provider,
    now: number,
    fault: LocalFault | null,
    scope: ReadScope,
  ): Promise<ProviderData> {
    const slug = provider.slug;
    // The assessment reads a few buckets; the days of buckets behind the chart are read only for the pages that use
    // them (a list of 200 providers would otherwise read some 150,000 rows to show 200 headlines).
    const [officialCheck, stored, incidents, probeSamples, summaryBuckets, chartBuckets, pageLevel, reporters] =
      await Promise.all([
        store.checks.summary(slug, MAIN_DOCUMENT),
        store.components.list(slug),
        store.incidents.listRecent(slug, now - INCIDENT_WINDOW_MS),
        store.probes.since(slug, now - PROBE_WINDOW_MS),
        store.reports.bucketsAtAndLatest(slug, communitySummaryStarts(now), communitySinceAt(now), now),
        scope.chart ? store.reports.buckets(slug, communitySinceAt(now)) : null,
        store.components.pageLevel(slug),
        store.reports.allocations(slug, communityWindowStart(now)),
      ]);
    const components = officialCheck.lastOkAt === null && stored.length === 0 ? null : stored;
    const openIncidents = incidents.filter(isOpen);
    const usual = usualLatencyMs(probeSamples);
    const assessment = assessProvider(
      {
        provider: { name: provider.name, components: provider.components },
        official: {
          configured: provider.statusPage !== null,
          intervalMs: config.pollIntervalMs,
          lastAttemptAt: officialCheck.lastAttemptAt,
          lastOkAt: officialCheck.lastOkAt,
          failure:
            officialCheck.lastFailure && officialCheck.failingSince !== null
              ? {
                  since: officialCheck.failingSince,
                  outcome: officialCheck.lastFailure.outcome,
                  httpStatus: officialCheck.lastFailure.httpStatus,
                }
              : null,
          components,
          openIncidents: openIncidents.filter((i) => i.origin === 'official'),
          pageLevel: pageLevel?.level ?? null,
        },
        probe: {
          configured: provider.probe !== null,
          intervalMs: config.probeIntervalMs,
          samples: probeSamples,
          usualLatencyMs: usual,
          localFault: fault,
        },
        buckets: summaryBuckets,
        reporters,
      },
      now,
    );
    return {
      provider,
      now,
      status: assessment.api,
      assessment,
      components,
      incidents,
      openIncidents,
      officialCheck,
      probeSamples,
      usualLatencyMs: usual,
      probeBaseline: latencyBaseline(normalLatencies(probeSamples)),
      get buckets(): Bucket[] {
        if (chartBuckets === null) throw new Error(`the chart's buckets of ${slug} were not read: use reader.read`);
        return chartBuckets;
      },
      reporters,
      community: assessment.community,
    };
  }

  return {
    async read(slug, now) {
      const provider = catalog.providerBySlug.get(slug);
      return provider ? read(provider, now, await localFault(now), { chart: true }) : undefined;
    },
    async readAll(now, scope = { chart: false }) {
      const fault = await localFault(now);
      return Promise.all(catalog.providers.map((provider) => read(provider, now, fault, scope)));
    },
  };
}

/** The API's level (the one assessment, damped, products apart), its reasons and troubled API components. */
export function apiAssessor(reader: ProviderReader): AssessApi {
  return async (slug, now) => {
    const data = await reader.read(slug, now);
    if (!data) return undefined;
    const { api, components } = data.assessment;
    const troubled = (components ?? []).filter(
      (c) => c.scope === 'api' && c.level !== 'operational' && c.level !== 'unknown',
    );
    return { level: api.level, reasons: api.reasons, troubledComponents: troubled.map((c) => c.name) };
  };
}

/**
 * What the daily history records of each provider: the API's level (the one assessment, damped) and each official
 * component's level while the official page is fresh (`unknown` while it is not: an old reading is no evidence).
 */
export function levelsSampler(reader: ProviderReader): SampleLevels {
  return async (now) => {
    const all = await reader.readAll(now);
    return new Map(
      all.map(({ provider, assessment }) => {
        const fresh = assessment.api.signals.official.state === 'fresh';
        const levels: SampledLevels = { [API_SUBJECT]: assessment.api.level };
        for (const c of assessment.components ?? []) levels[componentSubject(c.key)] = fresh ? c.level : 'unknown';
        return [provider.slug, levels];
      }),
    );
  };
}

// Reads what a provider's pages show from the store, once per render, and hands it to the one assessment.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import { probeRegions, type Config } from '../config.ts';
import { MAIN_DOCUMENT, type ReporterAllocation } from '../domain.ts';
import { PLATFORM_DOCUMENT, PLATFORM_NAMES, platformFor } from '../sources/platform.ts';
import { ackLagsById, spanOf } from '../status/accountability.ts';
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
import { answeredAsExpected, detectLocalFault, usualLatencyMs, type LocalFault } from '../status/probe.ts';
import type { ProviderStatus } from '../status/types.ts';
import type { Correlation } from '../status/correlation.ts';
import { createCorrelationMemo, type CorrelationState } from './correlation-memo.ts';
import { LIST_READS_AT_ONCE, mapAtMost } from './read-limit.ts';
import {
  MODEL_LOOKBACK_MS,
  MODEL_MIN_ALLOCATIONS,
  MODEL_RECENT_MS,
  MODEL_TOP,
  summariseModels,
  type ModelTrend,
} from '../status/models.ts';
import type { AssessApi } from '../notify/changes.ts';
import { API_SUBJECT, componentSubject, type SampledLevels, type SampleLevels } from '../status/history.ts';
import type { Store } from '../store/index.ts';
import type { ComponentRow } from '../store/components.ts';
import type { IncidentRow } from '../store/incidents.ts';
import type { CheckSummary } from '../store/checks.ts';
import type { ProbeResultRow } from '../store/probes.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';

/** How far back the pages list incidents. */
export const INCIDENT_WINDOW_MS = 30 * DAY_MS;
/** How far back the Live Signals block looks. */
export const PROBE_WINDOW_MS = DAY_MS;
/**
 * The models reports name are counted again after this long, not on every report: under a surge each counted report
 * changes every page of its provider, and the count reads days of raw reports.
 */
export const MODEL_COUNTS_REUSE_MS = MINUTE_MS;

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
  /** Each official incident's acknowledgement lag in seconds, by id: null when we did not see it first. */
  ackLags: ReadonlyMap<number, number | null>;
  officialCheck: CheckSummary;
  probeSamples: ProbeResultRow[];
  /** Each probe region's answering latencies over the last 24 hours (only with agents). */
  regionLatencies?: ReadonlyMap<string, number[]>;
  usualLatencyMs: number | null;
  /** The baseline the probe job judges the next result against: the window's normal rejections. */
  probeBaseline: LatencyBaseline;
  buckets: Bucket[];
  /** The allocations behind the counted reports of the window "right now". */
  reporters: ReporterAllocation[];
  /** The models reports name, against usual (read for one provider's pages only). */
  models: ModelTrend[];
  community: CommunityView;
  /** Set while most probed providers fail the same network way at once: our fault, not theirs. */
  localFault: LocalFault | null;
  /** Providers in trouble together (every provider's, not only this one's): see status/correlation.ts. */
  correlation: Correlation;
};

/** What a read includes beyond the status: the days of report buckets a chart draws, the models reports name. */
export type ReadScope = { chart: boolean; models?: boolean };

export type ProviderReader = {
  read(slug: string, now: number): Promise<ProviderData | undefined>;
  /** Every provider's read; their `buckets` only when asked for (`chart`: pages that judge by report category). */
  readAll(now: number, scope?: ReadScope): Promise<ProviderData[]>;
  /**
   * Which providers are in trouble together (see correlation-memo.ts), with the epoch that changes with the groups.
   */
  correlation(now: number): Promise<CorrelationState>;
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

  const regions = probeRegions(config);
  const single = regions.length === 1;

  /** Our own fault in `region` (this node's by default): most providers failing the same network way from there. */
  async function localFault(now: number, region = config.probeRegion): Promise<LocalFault | null> {
    return detectLocalFault(
      await store.probes.latestPerProvider(
        now - 2 * config.probeIntervalMs,
        now - PROBE_WINDOW_MS,
        single ? undefined : region,
      ),
      config.probeIntervalMs,
      now,
    );
  }

  // Each provider's model counts, reused for MODEL_COUNTS_REUSE_MS: every report changes the data of all its pages.
  const modelCounts = new Map<string, { at: number; trends: ModelTrend[] }>();
  async function modelsOf(slug: string, now: number): Promise<ModelTrend[]> {
    const kept = modelCounts.get(slug);
    if (kept && now - kept.at >= 0 && now - kept.at < MODEL_COUNTS_REUSE_MS) return kept.trends;
    const counts = await store.reports.modelCounts(slug, now, {
      days: MODEL_LOOKBACK_MS / DAY_MS,
      recentMs: MODEL_RECENT_MS,
      top: MODEL_TOP,
      minAllocations: MODEL_MIN_ALLOCATIONS,
    });
    const trends = summariseModels(counts);
    modelCounts.set(slug, { at: now, trends });
    return trends;
  }

  async function read(
    provider: Provider,
    now: number,
    fault: LocalFault | null,
    scope: ReadScope,
  ): Promise<Omit<ProviderData, 'correlation'>> {
    const slug = provider.slug;
    // The assessment reads a few buckets; the days of buckets behind the chart are read only for the pages that use
    // them (a list of 200 providers would otherwise read some 150,000 rows to show 200 headlines).
    const [
      officialCheck,
      stored,
      incidents,
      probeSamples,
      summaryBuckets,
      chartBuckets,
      pageLevel,
      reporters,
      models,
      platform,
      newestChangeAt,
    ] = await Promise.all([
      store.checks.summary(slug, MAIN_DOCUMENT),
      store.components.list(slug),
      store.incidents.listRecent(slug, now - INCIDENT_WINDOW_MS),
      store.probes.since(slug, now - PROBE_WINDOW_MS),
      store.reports.bucketsAtAndLatest(slug, communitySummaryStarts(now), communitySinceAt(now), now),
      scope.chart ? store.reports.buckets(slug, communitySinceAt(now)) : null,
      store.components.pageLevel(slug),
      store.reports.allocations(slug, communityWindowStart(now)),
      scope.models ? modelsOf(slug, now) : null,
      provider.statusPage ? store.checks.latest(slug, PLATFORM_DOCUMENT) : undefined,
      provider.statusPage ? store.incidents.newestOfficialChangeAt(slug) : null,
    ]);
    // With agents, each region is read apart; this node's own samples feed the charts and the baseline.
    const allSamples = probeSamples;
    const ownSamples = single ? allSamples : allSamples.filter((r) => r.region === config.probeRegion);
    const regionInputs = single
      ? undefined
      : await Promise.all(
          regions.map(async (region) => {
            const samples = allSamples.filter((r) => r.region === region);
            return {
              region,
              samples,
              localFault: region === config.probeRegion ? fault : await localFault(now, region),
              usualLatencyMs: usualLatencyMs(samples),
            };
          }),
        );
    const moved = provider.statusPage ? platformFor(provider.statusPage, platform?.detail ?? null) : null;
    const components = officialCheck.lastOkAt === null && stored.length === 0 ? null : stored;
    const openIncidents = incidents.filter(isOpen);
    const usual = usualLatencyMs(ownSamples);
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
          newestChangeAt,
          moved:
            moved && platform
              ? {
                  platform: PLATFORM_NAMES[moved.format],
                  catalogPlatform: PLATFORM_NAMES[moved.from.format],
                  at: platform.at,
                }
              : null,
        },
        probe: {
          configured: provider.probe !== null,
          intervalMs: config.probeIntervalMs,
          samples: ownSamples,
          usualLatencyMs: usual,
          localFault: fault,
          ...(regionInputs ? { regions: regionInputs } : {}),
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
      ackLags: ackLagsById(incidents.filter((i) => i.kind === 'incident').map(spanOf), now),
      officialCheck,
      probeSamples: ownSamples,
      ...(regionInputs
        ? {
            regionLatencies: new Map(
              regionInputs.map((r) => [
                r.region,
                r.samples
                  .filter((x) => answeredAsExpected(x.outcome) && x.latencyMs !== null)
                  .map((x) => x.latencyMs as number),
              ]),
            ),
          }
        : {}),
      usualLatencyMs: usual,
      probeBaseline: latencyBaseline(normalLatencies(ownSamples)),
      get buckets(): Bucket[] {
        if (chartBuckets === null) throw new Error(`the chart's buckets of ${slug} were not read: use reader.read`);
        return chartBuckets;
      },
      reporters,
      get models(): ModelTrend[] {
        if (models === null) throw new Error(`the report models of ${slug} were not read: use reader.read`);
        return models;
      },
      community: assessment.community,
      localFault: fault,
    };
  }

  const memo = createCorrelationMemo({
    versions: store.versions,
    slugs: catalog.providers.map((p) => p.slug),
    localFault,
    troubleSince: async (slug, now, fault) =>
      (await read(catalog.providerBySlug.get(slug)!, now, fault, { chart: false })).assessment.troubleSince,
  });

  async function readEvery(now: number, scope: ReadScope) {
    const globalVersion = store.versions.global();
    const versions = catalog.providers.map((p) => store.versions.of(p.slug));
    const fault = await localFault(now);
    const all = await mapAtMost(catalog.providers, LIST_READS_AT_ONCE, (provider) => read(provider, now, fault, scope));
    const reads = all.map((d, i) => ({
      slug: d.provider.slug,
      version: versions[i]!,
      since: d.assessment.troubleSince,
    }));
    const correlation = memo.fromAll(reads, fault, now, globalVersion);
    return all.map((d) => Object.assign(d, { correlation }));
  }

  return {
    async read(slug, now) {
      const provider = catalog.providerBySlug.get(slug);
      if (!provider) return undefined;
      const [data, state] = await Promise.all([
        read(provider, now, await localFault(now), { chart: true, models: true }),
        memo.current(now),
      ]);
      return Object.assign(data, { correlation: state });
    },
    readAll: (now, scope = { chart: false }) => readEvery(now, scope),
    correlation: (now) => memo.current(now),
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
    const official = api.signals.official;
    return {
      level: api.level,
      reasons: api.reasons,
      troubledComponents: troubled.map((c) => c.name),
      // Read once, or failed twice (a page that never answers must not silence the provider for good).
      officialRead:
        official.state === 'absent' ||
        official.okAt !== null ||
        (official.failing !== null && official.checkedAt !== null && official.checkedAt > official.failing.since),
    };
  };
}

/** Every provider's community signal now, by slug, as the assessment reads it (for the detection job). */
export function communityReader(reader: ProviderReader): (now: number) => Promise<Map<string, CommunityView>> {
  return async (now) => new Map((await reader.readAll(now)).map((d) => [d.provider.slug, d.community]));
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

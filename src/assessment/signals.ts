// Reads the signals a provider's assessment needs from the store (one query of each kind) and assesses them.
import type { ErrorType, Provider } from '../catalog/schema.ts';
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
import { LATENCY_RANGES_MS, latencyRanges, type LatencyRange } from '../status/region-latency.ts';
import type { ProviderStatus } from '../status/types.ts';
import type { CorrelationState } from './correlation.ts';
import type { ErrorResult } from './errors.ts';
import {
  MODEL_LOOKBACK_MS,
  MODEL_MIN_ALLOCATIONS,
  MODEL_RECENT_MS,
  MODEL_TOP,
  summariseModels,
  type ModelTrend,
} from '../status/models.ts';
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
/** Each provider's regional latency ranges are read again after this long (a month of results changes slowly). */
export const LATENCY_RANGES_REUSE_MS = 10 * MINUTE_MS;

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
  /** Each region's latency percentiles over 24 hours, 7 and 30 days (with agents, for the dashboard only). */
  regionLatencyRanges?: LatencyRange[];
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
  correlation: CorrelationState;
  /** One error type's verdict, category summary and filled texts: computed once per read (see errors.ts). */
  error(errorType: ErrorType): ErrorResult;
};

/** What a read includes beyond the status: the days of report buckets a chart draws, the models reports name. */
export type ReadScope = { chart: boolean; models?: boolean };

/** The buckets a community summary reads: the window now and the same window on each baseline day. */
export function communitySummaryStarts(now: number): number[] {
  const perWindow = COMMUNITY_WINDOW_MS / COMMUNITY_BUCKET_MS;
  return Array.from({ length: COMMUNITY_BASELINE_DAYS + 1 }, (_, day) =>
    Array.from({ length: perWindow }, (_, i) => bucketOf(now) - day * DAY_MS - i * COMMUNITY_BUCKET_MS),
  ).flat();
}

/** A provider's signals as read, assessed, before the correlation of every provider is added. */
export type SignalRead = Omit<ProviderData, 'correlation' | 'buckets' | 'models' | 'error'> & {
  /** The chart's days of buckets, null when the scope did not ask for them. */
  chartBuckets: Bucket[] | null;
  /** The models reports name, null when the scope did not ask for them. */
  modelTrends: ModelTrend[] | null;
};

export type SignalReader = {
  /** Reads what `provider`'s assessment and pages need at `now`, and assesses it. */
  read(provider: Provider, now: number, fault: LocalFault | null, scope: ReadScope): Promise<SignalRead>;
  /** Our own fault (most probed providers failing the same network way) at `now`, or null. */
  localFault(now: number): Promise<LocalFault | null>;
};

/** The one reader of the signals a provider needs: the store's rows, assessed (status/assess.ts). */
export function createSignalReader(deps: { store: Store; config: Config }): SignalReader {
  const { store, config } = deps;

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

  // Each provider's regional latency ranges, reused for LATENCY_RANGES_REUSE_MS (a month of results per region).
  const latencyRangesKept = new Map<string, { at: number; ranges: LatencyRange[] }>();
  async function latencyRangesOf(slug: string, now: number): Promise<LatencyRange[]> {
    const kept = latencyRangesKept.get(slug);
    if (kept && now - kept.at >= 0 && now - kept.at < LATENCY_RANGES_REUSE_MS) return kept.ranges;
    const ranges = latencyRanges(await store.probes.answeredLatencies(slug, now - LATENCY_RANGES_MS), regions, now);
    latencyRangesKept.set(slug, { at: now, ranges });
    return ranges;
  }

  async function read(
    provider: Provider,
    now: number,
    fault: LocalFault | null,
    scope: ReadScope,
  ): Promise<SignalRead> {
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
    const ranges = scope.chart && !single && provider.probe ? await latencyRangesOf(slug, now) : undefined;
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
      ...(ranges ? { regionLatencyRanges: ranges } : {}),
      usualLatencyMs: usual,
      probeBaseline: latencyBaseline(normalLatencies(ownSamples)),
      chartBuckets,
      reporters,
      modelTrends: models,
      community: assessment.community,
      localFault: fault,
    };
  }

  return { read, localFault };
}

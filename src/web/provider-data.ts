// Reads what a provider's pages show from the store, once per render, and hands it to the one assessment.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import type { Config } from '../config.ts';
import { MAIN_DOCUMENT } from '../domain.ts';
import { assessProvider, type Assessment } from '../status/assess.ts';
import { isOpen } from '../status/incidents.ts';
import { communitySinceAt, type Bucket, type CommunityView } from '../status/community.ts';
import { latencyBaseline, normalLatencies, type LatencyBaseline } from '../probes/baseline.ts';
import { detectLocalFault, usualLatencyMs, type LocalFault } from '../status/probe.ts';
import type { ProviderStatus } from '../status/types.ts';
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
  community: CommunityView;
};

export type ProviderReader = {
  read(slug: string, now: number): ProviderData | undefined;
  readAll(now: number): ProviderData[];
};

export function createProviderReader(deps: { store: Store; catalog: Catalog; config: Config }): ProviderReader {
  const { store, catalog, config } = deps;

  function localFault(now: number): LocalFault | null {
    return detectLocalFault(
      store.probes.latestPerProvider(now - 2 * config.probeIntervalMs, now - PROBE_WINDOW_MS),
      config.probeIntervalMs,
      now,
    );
  }

  function read(provider: Provider, now: number, fault: LocalFault | null): ProviderData {
    const slug = provider.slug;
    const officialCheck = store.checks.summary(slug, MAIN_DOCUMENT);
    const stored = store.components.list(slug);
    const components = officialCheck.lastOkAt === null && stored.length === 0 ? null : stored;
    const incidents = store.incidents.listRecent(slug, now - INCIDENT_WINDOW_MS);
    const openIncidents = incidents.filter(isOpen);
    const probeSamples = store.probes.since(slug, now - PROBE_WINDOW_MS);
    const usual = usualLatencyMs(probeSamples);
    const buckets = store.reports.buckets(slug, communitySinceAt(now));
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
          pageLevel: store.components.pageLevel(slug)?.level ?? null,
        },
        probe: {
          configured: provider.probe !== null,
          intervalMs: config.probeIntervalMs,
          samples: probeSamples,
          usualLatencyMs: usual,
          localFault: fault,
        },
        buckets,
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
      buckets,
      community: assessment.community,
    };
  }

  return {
    read(slug, now) {
      const provider = catalog.providerBySlug.get(slug);
      return provider ? read(provider, now, localFault(now)) : undefined;
    },
    readAll(now) {
      const fault = localFault(now);
      return catalog.providers.map((provider) => read(provider, now, fault));
    },
  };
}

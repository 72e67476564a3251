// The detection job (run by the node holding the job lock, after each probe cycle and every minute): opens and
// closes each provider's detected incidents as status/detection.ts decides from the stored signals. Idempotent: a
// run over the same data changes nothing, and a restart continues the open incidents.
import type { Catalog } from '../catalog/load.ts';
import type { CommunityView } from '../status/community.ts';
import {
  causeOfKey,
  detectIncidents,
  localFaultTimeline,
  type OpenDetected,
  type RegionDetectionInput,
} from '../status/detection.ts';
import type { Store } from '../store/index.ts';
import type { RegionalProbeResult } from '../store/probes.ts';
import { HOUR_MS } from '../time.ts';
import type { JobLog } from './scheduler.ts';

/** Probe results read when no probe incident is open: far more than confirming and clearing take. */
export const DETECTION_LOOKBACK_MS = 6 * HOUR_MS;

export type DetectDeps = {
  store: Store;
  catalog: Catalog;
  probeIntervalMs: number;
  /**
   * With agents: every probe region, this node's own first. Each region's results are judged on their own and a
   * probe incident needs at least half of the fresh regions failing; without, every result is this node's.
   */
  probeRegions?: readonly string[];
  /** Every provider's community signal now, by slug, as the assessment reads it. */
  communities: (now: number) => Promise<ReadonlyMap<string, CommunityView>>;
  now: () => number;
  log?: JobLog;
};

/** Every provider's community signal as read at `now`. */
export type Communities = { now: number; communities: ReadonlyMap<string, CommunityView> };

export function createDetector(deps: DetectDeps) {
  const { store, catalog } = deps;
  let running: Promise<unknown> = Promise.resolve();

  /** One pass over every provider; returns how many incidents were opened or closed. */
  async function pass(given?: Communities): Promise<number> {
    const now = given?.now ?? deps.now();
    const open = new Map<string, OpenDetected[]>();
    for (const row of await store.incidents.openDetected()) {
      open.set(row.providerSlug, [...(open.get(row.providerSlug) ?? []), row]);
    }
    const samples = new Map<string, RegionalProbeResult[]>();
    for (const provider of catalog.providers) {
      if (!provider.probe) continue;
      const probeStarts = (open.get(provider.slug) ?? [])
        .filter((o) => causeOfKey(o.key) === 'probe')
        .map((o) => o.startedAt);
      samples.set(
        provider.slug,
        await store.probes.since(provider.slug, Math.min(now - DETECTION_LOOKBACK_MS, ...probeStarts)),
      );
    }
    const regions = deps.probeRegions && deps.probeRegions.length > 1 ? deps.probeRegions : null;
    const localFaultAt = localFaultTimeline([...samples.values()], deps.probeIntervalMs);
    // Our own fault in each region, from every provider's results there.
    const inRegion = (list: readonly RegionalProbeResult[], region: string) => list.filter((r) => r.region === region);
    const faultIn = new Map(
      (regions ?? []).map((region) => [
        region,
        localFaultTimeline(
          [...samples.values()].map((list) => inRegion(list, region)),
          deps.probeIntervalMs,
        ),
      ]),
    );
    const regionInputs = (slug: string): RegionDetectionInput[] | undefined =>
      regions?.map((region) => ({
        region,
        samples: inRegion(samples.get(slug) ?? [], region),
        localFaultAt: faultIn.get(region)!,
      }));
    const communities = given?.communities ?? (await deps.communities(now));
    let changed = 0;
    for (const provider of catalog.providers) {
      try {
        const community = communities.get(provider.slug);
        if (!community) continue;
        const detection = detectIncidents({
          samples: samples.get(provider.slug) ?? [],
          localFaultAt,
          community,
          open: open.get(provider.slug) ?? [],
          now,
          ...(regions ? { regions: regionInputs(provider.slug), intervalMs: deps.probeIntervalMs } : {}),
        });
        for (const change of detection.changes) {
          await store.incidents.upsert(provider.slug, 'detected', [change.incident], now);
          deps.log?.debug(
            { provider: provider.slug, cause: change.cause, startedAt: change.incident.startedAt },
            change.action === 'open' ? 'detected incident opened' : 'detected incident closed',
          );
        }
        changed += detection.changes.length;
      } catch (err) {
        deps.log?.warn({ err, provider: provider.slug }, 'detecting incidents failed');
      }
    }
    return changed;
  }

  return {
    /**
     * Runs a pass after any running one (passes never overlap), with the community signals read at `now` when
     * given; resolves with the incidents opened or closed.
     */
    run(given?: Communities): Promise<number> {
      const next = running.then(() => pass(given));
      running = next.catch(() => undefined);
      return next;
    },
  };
}
export type Detector = ReturnType<typeof createDetector>;

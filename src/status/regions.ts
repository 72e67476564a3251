// The probe signal across regions: each region's probes damped on their own (with our-own-fault per region), then
// one reading. The provider is failing only when at least half of the fresh regions fail; fewer is "Partly" with the
// regions named; a silent region is stale, then Unknown, and never counts towards an outage.
import { formatUtc } from '../time.ts';
import { readProbe, type LocalFault, type ProbeSample } from './probe.ts';
import type { Reason, SignalReading } from './types.ts';

/** A region whose last result is this many intervals old is Unknown (from STALE_AFTER_INTERVALS it is stale). */
export const REGION_UNKNOWN_AFTER_INTERVALS = 6;

export type RegionProbeInput = {
  region: string;
  /** The region's recent samples, oldest first. */
  samples: readonly ProbeSample[];
  /** Set while most providers fail the same network way from this region: the region's fault, not theirs. */
  localFault: LocalFault | null;
  usualLatencyMs: number | null;
};

/** What one region says: failing, slow or operational while fresh; else why it says nothing. */
export const REGION_STATES = ['operational', 'slow', 'failing', 'suspended', 'stale', 'unknown'] as const;
export type RegionState = (typeof REGION_STATES)[number];

export type RegionView = {
  region: string;
  state: RegionState;
  /** The region's last answer in the usual form. */
  lastGood: number | null;
  /** The first failed attempt of the region's confirmed failing run. */
  failingSince: number | null;
  reading: SignalReading;
};

/** Where the regions stand together: most fresh regions fail (provider), some do (partly), or none. */
export type RegionalQuorum = 'provider' | 'partly' | 'none';

const FRESH_STATES: readonly RegionState[] = ['operational', 'slow', 'failing'];

export function regionView(input: RegionProbeInput, intervalMs: number, configured: boolean, now: number): RegionView {
  const reading = readProbe(
    {
      configured,
      intervalMs,
      samples: input.samples,
      usualLatencyMs: input.usualLatencyMs,
      localFault: input.localFault,
    },
    now,
  );
  const silentFor = reading.checkedAt === null ? Infinity : now - reading.checkedAt;
  const state: RegionState =
    reading.state === 'fresh'
      ? reading.level === 'partial_outage'
        ? 'failing'
        : reading.level === 'degraded'
          ? 'slow'
          : 'operational'
      : reading.state === 'suspended'
        ? 'suspended'
        : reading.state === 'stale' && silentFor < REGION_UNKNOWN_AFTER_INTERVALS * intervalMs
          ? 'stale'
          : 'unknown';
  const failingSince =
    state === 'failing' ? (reading.reasons.find((r) => r.level === 'partial_outage')?.at ?? null) : null;
  return { region: input.region, state, lastGood: reading.okAt, failingSince, reading };
}

/** Whether at least half of the fresh regions fail (provider), fewer do (partly), or none. */
export function regionalQuorum(views: readonly Pick<RegionView, 'state'>[]): RegionalQuorum {
  const fresh = views.filter((v) => FRESH_STATES.includes(v.state));
  const failing = fresh.filter((v) => v.state === 'failing').length;
  if (failing === 0) return 'none';
  return failing * 2 >= fresh.length ? 'provider' : 'partly';
}

/** "us-east", "us-east and eu-west", "us-east, eu-west and local". */
export function listRegions(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const names = (views: readonly RegionView[], ...states: RegionState[]) =>
  views.filter((v) => states.includes(v.state)).map((v) => v.region);

/** "No fresh result from eu-west (stale) or ap-southeast (unknown)." for the regions that say nothing. */
function silentNote(views: readonly RegionView[]): Reason | null {
  const silent = views.filter((v) => !FRESH_STATES.includes(v.state));
  if (silent.length === 0) return null;
  const parts = silent.map((v) => `${v.region} (${v.state === 'suspended' ? 'our fault there' : v.state})`);
  return {
    signal: 'probe',
    level: null,
    text: `No fresh probe result counts from ${listRegions(parts)}: ${
      silent.length === 1 ? 'that region says' : 'those regions say'
    } nothing about the provider.`,
    at: null,
  };
}

export type RegionalProbeInput = {
  configured: boolean;
  intervalMs: number;
  /** Every region probed from, this node's own first; one region reads exactly as the probe always has. */
  regions: readonly RegionProbeInput[];
};

/** One probe reading from every region's, and each region's view. Pure over its input and `now`. */
export function readRegionalProbe(
  input: RegionalProbeInput,
  now: number,
): { reading: SignalReading; regions: RegionView[] } {
  const views = input.regions.map((r) => regionView(r, input.intervalMs, input.configured, now));
  if (views.length <= 1 || !input.configured) {
    const only = views[0]?.reading ?? readProbe({ ...input, samples: [], usualLatencyMs: null, localFault: null }, now);
    return { reading: only, regions: views };
  }
  const readings = views.map((v) => v.reading);
  const checkedAt = Math.max(...readings.map((r) => r.checkedAt ?? -Infinity));
  const okAt = Math.max(...readings.map((r) => r.okAt ?? -Infinity));
  const base = {
    signal: 'probe' as const,
    checkedAt: Number.isFinite(checkedAt) ? checkedAt : null,
    okAt: Number.isFinite(okAt) ? okAt : null,
  };
  const fresh = views.filter((v) => FRESH_STATES.includes(v.state));
  const note = silentNote(views);
  if (fresh.length === 0) {
    // Nothing fresh anywhere: the most recently heard region speaks, as the one probe would (stale, never...).
    const latest = views.reduce((a, b) => ((b.reading.checkedAt ?? -1) > (a.reading.checkedAt ?? -1) ? b : a));
    return {
      reading: { ...latest.reading, reasons: [...latest.reading.reasons, ...(note ? [note] : [])] },
      regions: views,
    };
  }
  const failing = fresh.filter((v) => v.state === 'failing');
  const slow = fresh.filter((v) => v.state === 'slow');
  const normal = names(fresh, 'operational', 'slow');
  const quorum = regionalQuorum(views);
  // Regions that say the same thing say it once: "From us-east and eu-west: …", one sentence each.
  const regionReasons = (list: readonly RegionView[]): Reason[] => {
    const byText = new Map<string, { reason: Reason; regions: string[] }>();
    for (const v of list)
      for (const r of v.reading.reasons.filter((reason) => reason.level !== null)) {
        const same = byText.get(r.text);
        if (same) same.regions.push(v.region);
        else byText.set(r.text, { reason: r, regions: [v.region] });
      }
    return [...byText.values()].map(({ reason, regions }) => ({
      ...reason,
      level: null,
      // One sentence per region line: its run and its last probe (the last probe alone is often the same).
      text: `From ${listRegions(regions)}: ${reason.text.replace('. Last probe at ', '; last probe at ')}`,
    }));
  };
  const earliest = (list: readonly RegionView[]) => Math.min(...list.map((v) => v.failingSince ?? now));
  const reasons: Reason[] = [];
  let level: SignalReading['level'];
  if (quorum === 'provider') {
    level = 'partial_outage';
    const others = normal.length > 0 ? `; normal from ${listRegions(normal)}` : '';
    reasons.push({
      signal: 'probe',
      level,
      text:
        (failing.length === fresh.length
          ? `The API fails our probes from all ${fresh.length} regions`
          : `The API fails our probes from ${failing.length} of ${fresh.length} regions (${listRegions(names(failing, 'failing'))})`) +
        `${others}, since ${formatUtc(earliest(failing))}.`,
      at: earliest(failing),
    });
    // Every fresh region failing: the first one's detail speaks for all (the page stays within its weight).
    reasons.push(...regionReasons(failing.length === fresh.length ? failing.slice(0, 1) : failing));
  } else if (quorum === 'partly') {
    level = 'degraded';
    reasons.push({
      signal: 'probe',
      level,
      text:
        `Partly: failing from ${listRegions(names(failing, 'failing'))}, normal from ${listRegions(normal)}. ` +
        `Routing your requests through another region is likely to help until it recovers.`,
      at: earliest(failing),
    });
    reasons.push(...regionReasons(failing));
  } else if (slow.length * 2 >= fresh.length) {
    level = 'degraded';
    const since = Math.min(...slow.map((v) => v.reading.reasons.find((r) => r.level === 'degraded')?.at ?? now));
    reasons.push({
      signal: 'probe',
      level,
      text: `The API answers slowly from ${listRegions(names(slow, 'slow'))} of ${fresh.length} regions since ${formatUtc(since)}.`,
      at: since,
    });
    reasons.push(...regionReasons(slow));
  } else {
    level = 'operational';
    const last = Math.max(...fresh.map((v) => v.reading.checkedAt ?? -Infinity));
    reasons.push({
      signal: 'probe',
      level,
      text: `The API answers our probes normally from ${listRegions(normal)}; last probe at ${formatUtc(last)}.`,
      at: last,
    });
    if (slow.length > 0)
      reasons.push({
        signal: 'probe',
        level: null,
        text: `Slow from ${listRegions(names(slow, 'slow'))} only: not enough to call the API slow.`,
        at: null,
      });
  }
  if (note) reasons.push(note);
  const failingNow =
    failing.length > 0
      ? {
          since: earliest(failing),
          how:
            failing.length === fresh.length
              ? `the API fails from all ${fresh.length} regions`
              : `the API fails from ${listRegions(names(failing, 'failing'))}`,
        }
      : null;
  return {
    reading: { ...base, state: 'fresh', level, summary: reasons[0]!.text, reasons, failing: failingNow },
    regions: views,
  };
}

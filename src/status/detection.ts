// Incidents we detect: when our own signals confirm trouble (the damped probes, a community spike) and when it
// clears, as incidents of origin `detected`. Pure: the detection job reads the store and applies the result.
import type { Impact, SnapshotIncident, SnapshotUpdate } from '../domain.ts';
import { formatUtc, MINUTE_MS } from '../time.ts';
import { bucketOf, communityWindowStart, type CommunityView } from './community.ts';
import { staleAfterMs } from './freshness.ts';
import {
  describeProbe,
  detectLocalFault,
  failingEpisodes,
  isProbeFailure,
  PROBE_FAILURES_TO_CONFIRM,
  PROBE_SUCCESSES_TO_CLEAR,
  type FailingEpisode,
  type LocalFault,
  type ProbeSample,
} from './probe.ts';

/** Detection runs after every probe cycle and this often besides: community spikes start and end at any time. */
export const DETECTION_INTERVAL_MS = MINUTE_MS;

/** What made us open a detected incident. */
export const DETECTION_CAUSES = ['probe', 'community'] as const;
export type DetectionCause = (typeof DETECTION_CAUSES)[number];

const TITLES: Record<DetectionCause, string> = {
  probe: 'The API fails our live probes',
  community: 'Users report problems with the API',
};
/** Where a detected incident came from, in words. */
export const DETECTED_BY: Record<DetectionCause, string> = {
  probe: 'detected by our probes',
  community: 'detected from community reports',
};
/** A confirmed probe failure is an outage of the API; a community spike alone is a degradation at most. */
const IMPACT_OF: Record<DetectionCause, Impact> = { probe: 'major', community: 'minor' };

/** A detected incident's key: its cause and its start, so every run of the job finds the same incident again. */
export const detectedKey = (cause: DetectionCause, startAt: number): string => `${cause}:${startAt}`;

export function causeOfKey(key: string): DetectionCause | null {
  const cause = key.slice(0, key.indexOf(':'));
  return (DETECTION_CAUSES as readonly string[]).includes(cause) ? (cause as DetectionCause) : null;
}

/** A detected incident of this provider that is still open, as stored. */
export type OpenDetected = { key: string; startedAt: number };

export type DetectionInput = {
  /** Probe results, oldest first, from the start of the earliest open probe incident (or a day) until now. */
  samples: readonly ProbeSample[];
  /** Our own fault at the time of an attempt (most providers failing the same network way), if any. */
  localFaultAt: (at: number) => LocalFault | null;
  community: CommunityView;
  open: readonly OpenDetected[];
  now: number;
  /**
   * With agents: every region's results and our own fault there (this node's first). A probe incident then opens
   * only while at least half of the fresh regions fail; `samples` and `localFaultAt` are not read.
   */
  regions?: readonly RegionDetectionInput[];
  /** The probe interval, which tells a fresh region from a silent one (read with `regions`). */
  intervalMs?: number;
};

export type RegionDetectionInput = {
  region: string;
  samples: readonly ProbeSample[];
  localFaultAt: (at: number) => LocalFault | null;
};

/** An incident to record (opened, or closed with its end), and why. */
export type DetectionChange = { action: 'open' | 'close'; cause: DetectionCause; incident: SnapshotIncident };

/** The changes to record, and a reason for every decision, including the decisions to change nothing. */
export type Detection = { changes: DetectionChange[]; reasons: string[] };

function incident(
  cause: DetectionCause,
  startAt: number,
  update: SnapshotUpdate,
  resolvedAt: number | null,
): SnapshotIncident {
  return {
    key: detectedKey(cause, startAt),
    kind: 'incident',
    title: TITLES[cause],
    state: resolvedAt === null ? 'investigating' : 'resolved',
    rawState: null,
    impact: IMPACT_OF[cause],
    rawImpact: null,
    url: null,
    startedAt: startAt,
    resolvedAt,
    scheduledFor: null,
    scheduledUntil: null,
    updates: [update],
    components: [],
  };
}

/** "answered with an unexpected status (HTTP 500) ×3, did not answer in time ×1", most frequent first. */
export function tallyFailures(samples: readonly ProbeSample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const what = describeProbe({ ...s, latencyMs: null });
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([what, count]) => `${what} ×${count}`)
    .join(', ');
}

const failuresIn = (samples: readonly ProbeSample[], from: number, before: number) =>
  samples.filter((s) => s.at >= from && s.at < before && isProbeFailure(s.outcome));

/** The run that opens an incident: its first failed attempt and the attempt that confirmed it. */
type ConfirmedRun = { startAt: number; confirmedAt: number };

function openProbe(run: ConfirmedRun, samples: readonly ProbeSample[]): DetectionChange {
  const confirming = failuresIn(samples, run.startAt, run.confirmedAt + 1);
  const body =
    `${confirming.length} of our live probes in a row failed from ${formatUtc(run.startAt)}: ` +
    `the API ${tallyFailures(confirming)}. We call it an incident after ${PROBE_FAILURES_TO_CONFIRM} failures ` +
    `and end it after ${PROBE_SUCCESSES_TO_CLEAR} normal answers.`;
  const update: SnapshotUpdate = { key: 'opened', state: 'investigating', rawState: null, body, at: run.confirmedAt };
  return { action: 'open', cause: 'probe', incident: incident('probe', run.startAt, update, null) };
}

/**
 * The first PROBE_FAILURES_TO_CONFIRM failures in a row of an ongoing failing run that our own fault does not
 * explain (a failure of the same network kind as a local fault at its time is ours), or the last of ours.
 */
function unexplainedRun(
  episode: FailingEpisode,
  samples: readonly ProbeSample[],
  localFaultAt: (at: number) => LocalFault | null,
): { run: ConfirmedRun | null; ours: { at: number; fault: LocalFault } | null } {
  let ours: { at: number; fault: LocalFault } | null = null;
  let inARow: ProbeSample[] = [];
  for (const s of failuresIn(samples, episode.startAt, Infinity)) {
    const fault = localFaultAt(s.at);
    if (fault?.outcome === s.outcome) {
      ours = { at: s.at, fault };
      inARow = [];
      continue;
    }
    inARow.push(s);
    if (inARow.length >= PROBE_FAILURES_TO_CONFIRM) return { run: { startAt: inARow[0]!.at, confirmedAt: s.at }, ours };
  }
  return { run: null, ours };
}

function closeProbe(e: FailingEpisode & { endAt: number; clearedAt: number }, samples: readonly ProbeSample[]) {
  const failed = failuresIn(samples, e.startAt, e.endAt);
  const body =
    `The API answers our probes normally again from ${formatUtc(e.endAt)}, confirmed by ` +
    `${PROBE_SUCCESSES_TO_CLEAR} answers in a row. ${failed.length} probes failed during the incident: the API ` +
    `${tallyFailures(failed)}.`;
  const update: SnapshotUpdate = { key: 'resolved', state: 'resolved', rawState: null, body, at: e.clearedAt };
  return { action: 'close' as const, cause: 'probe' as const, incident: incident('probe', e.startAt, update, e.endAt) };
}

/** The probe cause: open on a confirmed failing run that is not our own fault, close when the damping clears it. */
function detectProbe(input: DetectionInput): Detection {
  const { samples, localFaultAt } = input;
  const episodes = failingEpisodes(samples);
  const changes: DetectionChange[] = [];
  const reasons: string[] = [];
  const handled = new Set<FailingEpisode>();
  let stillOpen = false;
  for (const o of input.open.filter((x) => causeOfKey(x.key) === 'probe')) {
    // The run holding the incident's start (which may follow the run's start when our fault began it).
    const e =
      episodes.find((x) => x.startAt <= o.startedAt && (x.endAt === null || x.endAt > o.startedAt)) ??
      episodes.find((x) => x.startAt > o.startedAt);
    if (!e) {
      reasons.push(`Probe incident from ${formatUtc(o.startedAt)}: no probe results cover it, left as it is.`);
      stillOpen = true;
      continue;
    }
    handled.add(e);
    if (e.endAt === null || e.clearedAt === null) {
      reasons.push(`Probe incident from ${formatUtc(o.startedAt)} continues: the probes still fail.`);
      stillOpen = true;
      continue;
    }
    // The stored start is kept (a start never moves later): the incident closes under its own key.
    const close = closeProbe({ ...e, startAt: o.startedAt, endAt: e.endAt, clearedAt: e.clearedAt }, samples);
    changes.push(close);
    reasons.push(`Probe incident from ${formatUtc(o.startedAt)} ends at ${formatUtc(e.endAt)}: the API answers again.`);
  }
  const current = episodes.at(-1);
  if (!current || current.endAt !== null || handled.has(current)) {
    if (!stillOpen && changes.length === 0) reasons.push('No confirmed run of probe failures is under way.');
    return { changes, reasons };
  }
  if (stillOpen) return { changes, reasons };
  const { run, ours } = unexplainedRun(current, samples, localFaultAt);
  if (!run) {
    reasons.push(
      `Probes fail from ${formatUtc(current.startAt)}, but ${ours!.fault.affected} of ${ours!.fault.probed} ` +
        `providers failed the same way at ${formatUtc(ours!.at)}: our own fault, no incident.`,
    );
    return { changes, reasons };
  }
  changes.push(openProbe(run, samples));
  reasons.push(`${PROBE_FAILURES_TO_CONFIRM} probes in a row failed from ${formatUtc(run.startAt)}: incident opened.`);
  return { changes, reasons };
}

/** The community cause: open while the reports spike (from the start of the window that spiked), close after. */
function detectCommunity(input: DetectionInput): Detection {
  const { community: view, now } = input;
  const open = input.open.find((x) => causeOfKey(x.key) === 'community');
  const figures =
    `${view.recent} reports in the last 30 minutes from ${view.allocations} networks, against a usual ` +
    `${view.usual} (${view.ratio.toFixed(1)}× the level we compare with)`;
  if (open && view.spike) return { changes: [], reasons: [`Community incident continues: ${figures}.`] };
  if (open) {
    // Within a bucket counts only grow, so a spike can only end when a new bucket starts.
    const endAt = Math.max(open.startedAt, bucketOf(now));
    const body = `Reports are back within the usual level from ${formatUtc(endAt)}: ${figures}.`;
    const update: SnapshotUpdate = { key: 'resolved', state: 'resolved', rawState: null, body, at: now };
    return {
      changes: [
        { action: 'close', cause: 'community', incident: incident('community', open.startedAt, update, endAt) },
      ],
      reasons: [`Community incident ends at ${formatUtc(endAt)}: no spike any more.`],
    };
  }
  if (!view.spike) return { changes: [], reasons: ['No spike of community reports.'] };
  const startAt = communityWindowStart(now);
  const top = view.byCategory[0];
  const body = `Users report problems: ${figures}${top ? `; most: ${top.label} (${top.count})` : ''}.`;
  const update: SnapshotUpdate = { key: 'opened', state: 'investigating', rawState: null, body, at: now };
  return {
    changes: [{ action: 'open', cause: 'community', incident: incident('community', startAt, update, null) }],
    reasons: [`Community reports spike in the window from ${formatUtc(startAt)}: incident opened.`],
  };
}

/** Where one region stands now: fresh or silent, its failing run (if any) and whether our fault explains it. */
function regionNow(r: RegionDetectionInput, now: number, intervalMs: number) {
  const last = r.samples.at(-1);
  const episodes = failingEpisodes(r.samples);
  const current = episodes.at(-1);
  const ongoing = current !== undefined && current.endAt === null;
  return {
    ...r,
    fresh: last !== undefined && now - last.at < staleAfterMs(intervalMs),
    episodes,
    ongoing,
    run: ongoing ? unexplainedRun(current, r.samples, r.localFaultAt).run : null,
  };
}
type RegionNow = ReturnType<typeof regionNow>;

const regionNames = (list: readonly RegionNow[]) => list.map((r) => r.region).join(', ');
const isQuorum = (failing: number, fresh: number) => failing > 0 && failing * 2 >= fresh;

/**
 * The probe cause across regions: open while at least half of the fresh regions have a confirmed failing run that
 * their own fault does not explain (dated from the run that made half), close once fewer than half still fail.
 */
function detectRegionalProbe(input: DetectionInput, regions: readonly RegionDetectionInput[]): Detection {
  const now = input.now;
  const views = regions.map((r) => regionNow(r, now, input.intervalMs ?? MINUTE_MS));
  const fresh = views.filter((v) => v.fresh);
  const open = input.open.find((x) => causeOfKey(x.key) === 'probe');
  if (open) {
    const still = fresh.filter((v) => v.ongoing);
    if (isQuorum(still.length, fresh.length))
      return {
        changes: [],
        reasons: [
          `Probe incident from ${formatUtc(open.startedAt)} continues: the probes still fail from ${regionNames(still)}.`,
        ],
      };
    // The runs that held the incident and ended: the last of them to end ended it (none: the regions fell silent).
    const ended = views.flatMap((v) =>
      v.episodes.filter((e) => e.endAt !== null && e.endAt > open.startedAt && e.clearedAt !== null),
    );
    const endAt = ended.length > 0 ? Math.max(...ended.map((e) => e.endAt!)) : now;
    const clearedAt = ended.length > 0 ? Math.max(...ended.map((e) => e.clearedAt!)) : now;
    const failed = views.flatMap((v) => failuresIn(v.samples, open.startedAt, endAt));
    const body =
      `Fewer than half of our probe regions fail from ${formatUtc(endAt)}: ${fresh.length - still.length} of ` +
      `${fresh.length} answer normally. ${failed.length} probes failed during the incident: the API ` +
      `${tallyFailures(failed)}.`;
    const update: SnapshotUpdate = { key: 'resolved', state: 'resolved', rawState: null, body, at: clearedAt };
    return {
      changes: [{ action: 'close', cause: 'probe', incident: incident('probe', open.startedAt, update, endAt) }],
      reasons: [`Probe incident from ${formatUtc(open.startedAt)} ends at ${formatUtc(endAt)}: fewer than half fail.`],
    };
  }
  const failing = fresh.filter((v) => v.run !== null);
  if (!isQuorum(failing.length, fresh.length)) {
    const normal = fresh.filter((v) => v.run === null);
    return {
      changes: [],
      reasons: [
        failing.length === 0
          ? 'No region has a confirmed run of probe failures our own fault does not explain.'
          : `Partly: probes fail from ${regionNames(failing)} only, normal from ${regionNames(normal)}: no incident.`,
      ],
    };
  }
  // Dated from the run that made half of the regions fail, so a region failing again later opens a new incident.
  const needed = Math.ceil(fresh.length / 2);
  const startAt = failing.map((v) => v.run!.startAt).sort((a, b) => a - b)[needed - 1]!;
  const confirmedAt = failing.map((v) => v.run!.confirmedAt).sort((a, b) => a - b)[needed - 1]!;
  const confirming = failing.flatMap((v) => failuresIn(v.samples, v.run!.startAt, confirmedAt + 1));
  const body =
    `Our probes fail from ${failing.length} of ${fresh.length} regions (${regionNames(failing)}) from ` +
    `${formatUtc(startAt)}: the API ${tallyFailures(confirming)}. An incident needs half of the regions failing ` +
    `${PROBE_FAILURES_TO_CONFIRM} times in a row.`;
  const update: SnapshotUpdate = { key: 'opened', state: 'investigating', rawState: null, body, at: confirmedAt };
  return {
    changes: [{ action: 'open', cause: 'probe', incident: incident('probe', startAt, update, null) }],
    reasons: [
      `Probes fail from ${failing.length} of ${fresh.length} regions from ${formatUtc(startAt)}: incident opened.`,
    ],
  };
}

/** What to open and close for one provider now: one open detected incident per cause at most. */
export function detectIncidents(input: DetectionInput): Detection {
  const probe =
    input.regions && input.regions.length > 1 ? detectRegionalProbe(input, input.regions) : detectProbe(input);
  const community = detectCommunity(input);
  return { changes: [...probe.changes, ...community.changes], reasons: [...probe.reasons, ...community.reasons] };
}

/**
 * Our own fault at any past attempt, judged as detectLocalFault judges the present: from every provider's latest
 * result of the cycle around that time (a cycle's attempts are a moment apart, so half an interval of slack).
 */
export function localFaultTimeline(
  byProvider: readonly (readonly ProbeSample[])[],
  intervalMs: number,
): (at: number) => LocalFault | null {
  return (at) => {
    const asOf = at + intervalMs / 2;
    const latest = byProvider
      .map((samples) => samples.findLast((s) => s.at <= asOf))
      .filter((s) => s !== undefined)
      .map((s) => ({ at: s.at, outcome: s.outcome }));
    return detectLocalFault(latest, intervalMs, asOf);
  };
}

// When we open and close detected incidents: confirmed probe failures, community spikes, our own faults, and the
// invariants over every short sequence of probe outcomes (one open per cause, idempotent, starts and ends exact).
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome, SnapshotIncident } from '../../src/domain.ts';
import { bucketOf, communityWindowStart, summariseCommunity, type CommunityView } from '../../src/status/community.ts';
import {
  detectIncidents,
  detectedKey,
  localFaultTimeline,
  type DetectionInput,
  type OpenDetected,
  type RegionDetectionInput,
} from '../../src/status/detection.ts';
import {
  dampProbes,
  failingEpisodes,
  isProbeFailure,
  PROBE_FAILURES_TO_CONFIRM,
  PROBE_SUCCESSES_TO_CLEAR,
  type LocalFault,
  type ProbeSample,
} from '../../src/status/probe.ts';
import { MINUTE_MS } from '../../src/time.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 3 * MINUTE_MS;
const ok = 'rejected_as_expected' as const;
const http500 = 'unexpected_status' as const;

const samplesOf = (outcomes: readonly ProbeOutcome[]): ProbeSample[] =>
  outcomes.map((outcome, i) => ({
    at: T0 + i * STEP,
    outcome,
    httpStatus: outcome === 'timeout' ? null : outcome === http500 ? 500 : 401,
    latencyMs: outcome === 'timeout' ? null : 120,
  }));

const quiet: CommunityView = summariseCommunity([], T0);
const spiking = (view: CommunityView): CommunityView => ({
  ...view,
  recent: 12,
  allocations: 9,
  ratio: 6,
  spike: true,
});
const noFault = () => null;

function input(samples: ProbeSample[], open: OpenDetected[] = [], extra: Partial<DetectionInput> = {}): DetectionInput {
  return { samples, localFaultAt: noFault, community: quiet, open, now: samples.at(-1)?.at ?? T0, ...extra };
}

/** A store of detected incidents in memory: applies changes the way the upsert does (by key). */
function applied(store: Map<string, SnapshotIncident>, changes: { incident: SnapshotIncident }[]): OpenDetected[] {
  for (const { incident } of changes) {
    const before = store.get(incident.key);
    store.set(incident.key, { ...incident, updates: [...(before?.updates ?? []), ...incident.updates] });
  }
  return [...store.values()].filter((i) => i.resolvedAt === null).map((i) => ({ key: i.key, startedAt: i.startedAt }));
}

describe('probe cause', () => {
  it('opens after the confirming failure, dated from the first failed attempt, with the evidence', () => {
    const two = samplesOf([ok, http500, http500]);
    expect(detectIncidents(input(two)).changes).toEqual([]);
    const three = samplesOf([ok, http500, http500, http500]);
    const { changes, reasons } = detectIncidents(input(three));
    expect(changes).toHaveLength(1);
    const [change] = changes;
    expect(change!.action).toBe('open');
    expect(change!.incident).toMatchObject({
      key: detectedKey('probe', T0 + STEP),
      startedAt: T0 + STEP,
      resolvedAt: null,
      state: 'investigating',
      impact: 'major',
    });
    expect(change!.incident.updates[0]!.at).toBe(T0 + 3 * STEP);
    expect(change!.incident.updates[0]!.body).toContain('answered with an unexpected status (HTTP 500) ×3');
    expect(reasons.join(' ')).toContain('incident opened');
  });

  it('continues while failing, and closes at the first answer of the run that clears it', () => {
    const open = [{ key: detectedKey('probe', T0), startedAt: T0 }];
    const failing = [http500, http500, 'timeout', http500] as ProbeOutcome[];
    expect(detectIncidents(input(samplesOf(failing), open)).changes).toEqual([]);
    expect(detectIncidents(input(samplesOf([...failing, ok]), open)).changes).toEqual([]);
    expect(detectIncidents(input(samplesOf([...failing, ok, http500, ok]), open)).changes).toEqual([]);
    const cleared = detectIncidents(input(samplesOf([...failing, ok, ok]), open));
    expect(cleared.changes).toHaveLength(1);
    expect(cleared.changes[0]!.action).toBe('close');
    expect(cleared.changes[0]!.incident).toMatchObject({
      key: open[0]!.key,
      startedAt: T0,
      resolvedAt: T0 + 4 * STEP,
      state: 'resolved',
    });
    expect(cleared.changes[0]!.incident.updates[0]).toMatchObject({ key: 'resolved', at: T0 + 5 * STEP });
    expect(cleared.changes[0]!.incident.updates[0]!.body).toContain('4 probes failed');
  });

  it('closes when the API answers again slowly: it answers', () => {
    const open = [{ key: detectedKey('probe', T0), startedAt: T0 }];
    const { changes } = detectIncidents(input(samplesOf(['timeout', 'timeout', 'timeout', 'slow', 'slow']), open));
    expect(changes.map((c) => [c.action, c.incident.resolvedAt])).toEqual([['close', T0 + 3 * STEP]]);
  });

  it('closes the old run and opens the new one when the API failed again since', () => {
    const open = [{ key: detectedKey('probe', T0), startedAt: T0 }];
    const outcomes: ProbeOutcome[] = [http500, http500, http500, ok, ok, 'timeout', 'timeout', 'timeout'];
    const { changes } = detectIncidents(input(samplesOf(outcomes), open));
    expect(changes.map((c) => [c.action, c.incident.startedAt, c.incident.resolvedAt])).toEqual([
      ['close', T0, T0 + 3 * STEP],
      ['open', T0 + 5 * STEP, null],
    ]);
  });

  it('never opens one for our own fault: the confirming failures match a fault on our side', () => {
    const fault: LocalFault = { outcome: 'timeout', since: T0, affected: 5, probed: 6 };
    const samples = samplesOf(['timeout', 'timeout', 'timeout', 'timeout']);
    const ours = detectIncidents(input(samples, [], { localFaultAt: () => fault }));
    expect(ours.changes).toEqual([]);
    expect(ours.reasons.join(' ')).toContain('our own fault');
    // Once the fault is over, the run that began during it still opens nothing (and nothing opens and closes).
    const after = samplesOf(['timeout', 'timeout', 'timeout', ok]);
    const faultUntil = (at: number) => (at <= T0 + 2 * STEP ? fault : null);
    expect(detectIncidents(input(after, [], { localFaultAt: faultUntil })).changes).toEqual([]);
    // A provider failing its own way (HTTP 500) during our fault is still its own outage.
    const own = detectIncidents(input(samplesOf([http500, http500, http500]), [], { localFaultAt: () => fault }));
    expect(own.changes.map((c) => c.action)).toEqual(['open']);
  });

  it('opens from the first failures our fault does not explain, when the run began during it, and ends it', () => {
    const fault: LocalFault = { outcome: 'timeout', since: T0, affected: 5, probed: 6 };
    const faultAt = (at: number) => (at <= T0 + 2 * STEP ? fault : null);
    const outcomes: ProbeOutcome[] = ['timeout', 'timeout', 'timeout', http500, http500, http500];
    const opened = detectIncidents(input(samplesOf(outcomes), [], { localFaultAt: faultAt }));
    expect(opened.changes.map((c) => [c.action, c.incident.startedAt, c.incident.updates[0]!.at])).toEqual([
      ['open', T0 + 3 * STEP, T0 + 5 * STEP],
    ]);
    const open = [{ key: opened.changes[0]!.incident.key, startedAt: T0 + 3 * STEP }];
    expect(detectIncidents(input(samplesOf([...outcomes, http500]), open, { localFaultAt: faultAt })).changes).toEqual(
      [],
    );
    const cleared = detectIncidents(input(samplesOf([...outcomes, ok, ok]), open, { localFaultAt: faultAt }));
    expect(cleared.changes.map((c) => [c.action, c.incident.key, c.incident.resolvedAt])).toEqual([
      ['close', open[0]!.key, T0 + 6 * STEP],
    ]);
  });

  it('neither closes nor reopens an open incident while our own fault makes every probe time out', () => {
    const open = [{ key: detectedKey('probe', T0), startedAt: T0 }];
    const fault: LocalFault = { outcome: 'timeout', since: T0 + 3 * STEP, affected: 5, probed: 6 };
    const samples = samplesOf([http500, http500, http500, 'timeout', 'timeout', 'timeout']);
    const during = detectIncidents(input(samples, open, { localFaultAt: (at) => (at >= fault.since ? fault : null) }));
    expect(during.changes).toEqual([]);
  });

  it('keeps the stored start of an incident when the results no longer reach it', () => {
    const open = [{ key: detectedKey('probe', T0 - 10 * STEP), startedAt: T0 - 10 * STEP }];
    const { changes } = detectIncidents(input(samplesOf(['timeout', 'timeout', 'timeout', ok, ok]), open));
    expect(changes.map((c) => [c.action, c.incident.key, c.incident.resolvedAt])).toEqual([
      ['close', open[0]!.key, T0 + 3 * STEP],
    ]);
  });

  const KINDS: ProbeOutcome[] = [ok, http500, 'timeout', 'unexpected_body', 'slow'];
  const sequences = (length: number): ProbeOutcome[][] =>
    length === 0 ? [[]] : sequences(length - 1).flatMap((s) => KINDS.map((k) => [...s, k]));

  it('over every sequence of 6 outcomes, run after each probe: incidents are exactly the damped failing runs', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string, outcomes: ProbeOutcome[]) => {
      if (!ok) problems.push(`${what}: ${outcomes.join(' ')}`);
    };
    for (const outcomes of sequences(6)) {
      const samples = samplesOf(outcomes);
      const store = new Map<string, SnapshotIncident>();
      let open: OpenDetected[] = [];
      for (let k = 1; k <= samples.length; k += 1) {
        const seen = samples.slice(0, k);
        const { changes, reasons } = detectIncidents(input(seen, open));
        check(reasons.length > 0, 'a decision without a reason', outcomes);
        open = applied(store, changes);
        check(open.length <= 1, 'more than one open', outcomes);
        check(detectIncidents(input(seen, open)).changes.length === 0, 'not idempotent', outcomes);
        check((open.length === 1) === (dampProbes(seen).state === 'failing'), 'open is not failing', outcomes);
      }
      const incidents = [...store.values()].map((i) => [i.startedAt, i.resolvedAt]);
      const episodes = failingEpisodes(samples).map((e) => [e.startAt, e.endAt]);
      check(JSON.stringify(incidents) === JSON.stringify(episodes), 'incidents are not the episodes', outcomes);
      for (const i of store.values()) {
        const confirmed = samples.filter((s) => s.at >= i.startedAt && isProbeFailure(s.outcome));
        check(isProbeFailure(samples.find((s) => s.at === i.startedAt)!.outcome), 'starts on no failure', outcomes);
        check(confirmed.length >= PROBE_FAILURES_TO_CONFIRM, 'opened unconfirmed', outcomes);
        if (i.resolvedAt === null) continue;
        const end = samples.find((s) => s.at === i.resolvedAt)!;
        check(end.outcome === ok || end.outcome === 'slow', 'ends on no answer', outcomes);
        check(i.updates.map((u) => u.key).join() === 'opened,resolved', 'updates', outcomes);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('a restart mid-incident continues it: the decision depends only on the stored incident and results', () => {
    const samples = samplesOf([ok, 'timeout', 'timeout', 'timeout', 'timeout']);
    const first = detectIncidents(input(samples.slice(0, 4)));
    const open = [{ key: first.changes[0]!.incident.key, startedAt: first.changes[0]!.incident.startedAt }];
    expect(detectIncidents(input(samples, open)).changes).toEqual([]);
    expect(PROBE_SUCCESSES_TO_CLEAR).toBeGreaterThan(1);
  });
});

describe('community cause', () => {
  const now = T0 + 20 * MINUTE_MS;

  it('opens on a spike, from the start of the window that spiked, and closes when a bucket starts without one', () => {
    const view = spiking(summariseCommunity([], now));
    const opened = detectIncidents(input([], [], { community: view, now }));
    expect(opened.changes).toHaveLength(1);
    expect(opened.changes[0]!.incident).toMatchObject({
      key: detectedKey('community', communityWindowStart(now)),
      startedAt: communityWindowStart(now),
      impact: 'minor',
    });
    expect(opened.changes[0]!.incident.updates[0]!.body).toContain('12 reports in the last 30 minutes from 9 networks');
    const open = [{ key: opened.changes[0]!.incident.key, startedAt: communityWindowStart(now) }];
    expect(detectIncidents(input([], open, { community: view, now: now + 10 * MINUTE_MS })).changes).toEqual([]);
    const later = now + 40 * MINUTE_MS;
    const closed = detectIncidents(input([], open, { community: summariseCommunity([], later), now: later }));
    expect(closed.changes.map((c) => [c.action, c.incident.resolvedAt])).toEqual([['close', bucketOf(later)]]);
  });

  it('opens nothing without a spike, and keeps the probe and community causes apart', () => {
    expect(detectIncidents(input([], [], { now })).changes).toEqual([]);
    const probeOpen = [{ key: detectedKey('probe', T0), startedAt: T0 }];
    const both = detectIncidents(
      input(samplesOf(['timeout', 'timeout', 'timeout']), probeOpen, { community: spiking(quiet), now }),
    );
    expect(both.changes.map((c) => [c.cause, c.action])).toEqual([['community', 'open']]);
  });
});

describe('localFaultTimeline', () => {
  const provider = (outcomes: ProbeOutcome[], offsetMs: number) =>
    samplesOf(outcomes).map((s) => ({ ...s, at: s.at + offsetMs }));

  it('finds our fault at a past attempt from the same cycle of the other providers, and only then', () => {
    const all = [
      provider([ok, 'timeout', 'timeout', ok], 0),
      provider([ok, 'timeout', 'timeout', ok], 400),
      provider([ok, 'timeout', 'timeout', ok], 900),
      provider([ok, http500, ok, ok], 1200),
    ];
    const faultAt = localFaultTimeline(all, STEP);
    expect(faultAt(T0)).toBeNull();
    expect(faultAt(T0 + STEP)).toMatchObject({ outcome: 'timeout', affected: 3, probed: 4 });
    expect(faultAt(T0 + 2 * STEP + 900)).toMatchObject({ outcome: 'timeout', affected: 3 });
    expect(faultAt(T0 + 3 * STEP)).toBeNull();
    expect(localFaultTimeline(all.slice(2), STEP)(T0 + STEP)).toBeNull();
  });
});

describe('probe cause across regions', () => {
  const region = (name: string, outcomes: ProbeOutcome[]): RegionDetectionInput => ({
    region: name,
    samples: samplesOf(outcomes),
    localFaultAt: noFault,
  });
  const failing = [ok, http500, http500, http500, http500];
  const normal = [ok, ok, ok, ok, ok];
  const regional = (regions: ReturnType<typeof region>[], open: OpenDetected[] = []) =>
    detectIncidents(input([], open, { regions, intervalMs: STEP, now: T0 + 4 * STEP }));

  it('opens nothing when only this node fails while two agents answer normally: Partly', () => {
    const d = regional([region('local', failing), region('us-east', normal), region('eu-west', normal)]);
    expect(d.changes).toEqual([]);
    expect(d.reasons[0]).toMatch(/^Partly: probes fail from local only, normal from us-east, eu-west: no incident/);
  });

  it('opens one when two of three regions fail, dated from the run that made half of them fail', () => {
    const later = [ok, ok, http500, http500, http500];
    const d = regional([region('local', normal), region('us-east', failing), region('eu-west', later)]);
    expect(d.changes).toHaveLength(1);
    const [change] = d.changes;
    expect(change!.action).toBe('open');
    expect(change!.incident.key).toBe(detectedKey('probe', T0 + 2 * STEP));
    expect(change!.incident.updates[0]!.body).toMatch(/fail from 2 of 3 regions \(us-east, eu-west\)/);
  });

  it('a silent region does not count: one failing of two fresh regions is half', () => {
    const silent = { ...region('ap', normal), samples: samplesOf([ok]) };
    const d = regional([region('local', failing), region('us-east', normal), silent]);
    expect(d.changes.map((c) => c.action)).toEqual(['open']);
  });

  it('our own fault in one region counts as no failure there', () => {
    const ours = {
      ...region('local', failing),
      localFaultAt: (): LocalFault => ({ since: T0, outcome: http500, affected: 9, probed: 10 }),
    };
    const d = regional([ours, region('us-east', failing), region('eu-west', normal)]);
    expect(d.changes).toEqual([]);
  });

  it('continues while half still fail and closes once fewer do, at the end of the run that broke the half', () => {
    const open = [{ key: detectedKey('probe', T0), startedAt: T0 }];
    const still = regional([region('local', normal), region('us-east', failing), region('eu-west', failing)], open);
    expect(still.changes).toEqual([]);
    const recovered = [http500, http500, http500, ok, ok];
    const d = regional([region('local', normal), region('us-east', failing), region('eu-west', recovered)], open);
    expect(d.changes.map((c) => [c.action, c.incident.startedAt, c.incident.resolvedAt])).toEqual([
      ['close', T0, T0 + 3 * STEP],
    ]);
  });
});

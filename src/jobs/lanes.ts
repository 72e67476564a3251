// The delivery job's receiver lanes: a few deliveries at once per receiver origin (one lane per subscription on
// hosts many subscribers share), each lane behind a circuit breaker, so an origin failing or hanging waits apart.
import { isSharedHost } from '../notify/targets.ts';
import type { SendOutcome } from '../notify/send.ts';
import { MINUTE_MS, SECOND_MS } from '../time.ts';

/** Deliveries in flight at once in one lane. */
export const LANE_SIZE = 4;
/** Consecutive failures of a receiver (no answer, 5xx, 429) that open its breaker… */
export const BREAKER_FAILURES = 3;
/** …for this long at first, doubling on each failed trial up to the cap; then one trial delivery at a time. */
export const BREAKER_OPEN_MS = 30 * SECOND_MS;
export const BREAKER_MAX_OPEN_MS = 10 * MINUTE_MS;

type Breaker = { failures: number; openUntil: number; openMs: number };
type Lane = { key: string; receiver: string; subscriptionId: string; shared: boolean };
/** What a lane is found by: a queued delivery's receiver (origin, or "smtp") and subscription. */
export type LaneOf = { receiver: string; subscriptionId: string };

/** A failure that speaks of the receiver as a whole, not of one subscription's URL (a 404, a 410). */
const receiverFailure = (outcome: SendOutcome) =>
  !outcome.ok && !outcome.aborted && (outcome.status === null || outcome.status >= 500 || outcome.status === 429);

const sharedReceiver = (receiver: string) => {
  const url = URL.parse(receiver);
  return url !== null && isSharedHost(url.hostname);
};

export function createLanes(options: { size?: number; now: () => number }) {
  const size = options.size ?? LANE_SIZE;
  const busy = new Map<string, { lane: Lane; count: number }>();
  const breakers = new Map<string, Breaker & { lane: Lane }>();
  // Lanes are looked up for every queued delivery on every pass: whether a receiver is shared is worked out once.
  const shared = new Map<string, boolean>();
  const laneOf = (d: LaneOf): Lane => {
    let isShared = shared.get(d.receiver);
    if (isShared === undefined) shared.set(d.receiver, (isShared = sharedReceiver(d.receiver)));
    const key = isShared ? `${d.receiver} ${d.subscriptionId}` : d.receiver;
    return { key, receiver: d.receiver, subscriptionId: d.subscriptionId, shared: isShared };
  };
  /** How many may be in flight in a lane now: none while its breaker is open, one trial once it may close. */
  const room = (key: string): number => {
    const b = breakers.get(key);
    if (!b || b.failures < BREAKER_FAILURES) return size;
    return b.openUntil > options.now() ? 0 : 1;
  };
  const full = (key: string) => (busy.get(key)?.count ?? 0) >= room(key);

  return {
    /** Whether a delivery may start now in its lane. */
    canStart: (d: LaneOf) => !full(laneOf(d).key),
    start(d: LaneOf): void {
      const lane = laneOf(d);
      const entry = busy.get(lane.key) ?? { lane, count: 0 };
      entry.count += 1;
      busy.set(lane.key, entry);
    },
    /** A delivery ended: its lane frees a place, and its breaker learns from the outcome. */
    finish(d: LaneOf, outcome: SendOutcome): void {
      const lane = laneOf(d);
      const entry = busy.get(lane.key);
      if (entry && --entry.count <= 0) busy.delete(lane.key);
      if (outcome.ok) breakers.delete(lane.key);
      if (!receiverFailure(outcome)) return;
      const b = breakers.get(lane.key) ?? { lane, failures: 0, openUntil: 0, openMs: 0 };
      b.failures += 1;
      // Sends started before the breaker opened end later: they do not keep it open longer.
      if (b.failures >= BREAKER_FAILURES && b.openUntil <= options.now()) {
        b.openMs = b.openMs === 0 ? BREAKER_OPEN_MS : Math.min(BREAKER_MAX_OPEN_MS, b.openMs * 2);
        b.openUntil = options.now() + b.openMs;
      }
      breakers.set(lane.key, b);
    },
    /** Lanes with no room now, for the store to skip: receiver origins, and subscriptions on shared hosts. */
    blocked(): { receivers: string[]; subscriptions: string[] } {
      const receivers: string[] = [];
      const subscriptions: string[] = [];
      const lanes = new Map<string, Lane>();
      for (const [key, { lane }] of busy) lanes.set(key, lane);
      for (const [key, { lane }] of breakers) lanes.set(key, lane);
      for (const [key, lane] of lanes) {
        if (!full(key)) continue;
        if (lane.shared) subscriptions.push(lane.subscriptionId);
        else receivers.push(lane.receiver);
      }
      return { receivers, subscriptions };
    },
  };
}
export type Lanes = ReturnType<typeof createLanes>;

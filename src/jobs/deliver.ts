// The notification job (run by the node holding the job lock): records new events, hands each to the matching
// subscriptions, and sends deliveries — oldest first per subscription, in lanes per
// receiver behind circuit breakers (src/jobs/lanes.ts), a bounded amount of work per turn of the event loop —
// retrying with backoff for 24 h. An outcome that cannot be stored holds its subscription back instead of resending.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { matchesFilter } from '../notify/filter.ts';
import type { Sender, SendOutcome } from '../notify/send.ts';
import type { DueDelivery } from '../store/deliveries.ts';
import type { Store } from '../store/index.ts';
import { DAY_MS, HOUR_MS, SECOND_MS, formatDuration } from '../time.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import type { EventRecorder } from './events.ts';
import { createLanes, LANE_SIZE } from './lanes.ts';
import type { JobLog } from './scheduler.ts';

/** A delivery still failing this long after its event is given up for that subscription (and counted). */
export const RETRY_WINDOW_MS = DAY_MS;
/** A subscription whose deliveries have all failed for this long is paused. */
export const PAUSE_AFTER_MS = 3 * DAY_MS;
/** First retry after this; doubling up to the cap. */
export const FIRST_RETRY_MS = 15 * SECOND_MS;
export const MAX_RETRY_MS = HOUR_MS;
/** How long closing waits for deliveries under way before cutting them short (within the shutdown grace). */
export const CLOSE_GRACE_MS = 1500;
/** How often the job looks for new events and due deliveries. */
export const NOTIFY_TICK_MS = SECOND_MS;
/** Deliveries in flight at once over all lanes (a hanging one costs a socket, not the event loop). */
export const MAX_IN_FLIGHT = 512;
/** Events handed out to subscriptions per round, and deliveries started, between two turns of the event loop. */
export const FAN_OUT_PER_ROUND = 20;
const STARTS_PER_TURN = 32;
/** Deliveries started per second: this many while the event loop has room (10,000 in 25 s)… */
export const STARTS_PER_SECOND = 400;
/** …down to this many while pages keep it busy, so a fan-out never takes their share. */
export const BUSY_STARTS_PER_SECOND = 100;
/** Acknowledgements stored in one write: up to this many, waiting at most this long for company. */
const ACK_BATCH = 200;
const ACK_WAIT_MS = 20;
/** Subscriptions queued per write while an event is handed out. */
const FAN_OUT_PART = 500;
/** How often a round reads the queue afresh while deliveries are buffered (retries that came due meanwhile). */
const REFRESH_MS = 5 * SECOND_MS;
/** Shortest time between two looks for due deliveries while sends complete (each look reads the queue). */
export const QUERY_GAP_MS = 100;
const MAX_QUERY_GAP_MS = 2 * SECOND_MS;

/** The wait before attempt `attempts + 1`: exponential, at least the receiver's Retry-After, jittered by ±10 %. */
export function retryDelayMs(attempts: number, retryAfterMs: number | null, random: () => number): number {
  const exponential = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20));
  const wait = Math.min(MAX_RETRY_MS, Math.max(exponential, retryAfterMs ?? 0));
  return Math.round(wait * (0.9 + 0.2 * random()));
}

/**
 * A token bucket over real time: up to `max` starts a second while the event loop has room, down to `min` while it
 * is busy (pages first), judged by its utilisation over the last quarter second; bursts of a tenth of a second.
 */
function startBudget(max: number, min: number) {
  let perSecond = max;
  let tokens = max / 10;
  let at = performance.now();
  let since = performance.eventLoopUtilization();
  let sinceAt = at;
  const refill = () => {
    const now = performance.now();
    if (now - sinceAt >= 250) {
      const busy = performance.eventLoopUtilization(since).utilization;
      perSecond = busy <= 0.5 ? max : Math.round(max - ((max - min) * (busy - 0.5)) / 0.5);
      since = performance.eventLoopUtilization();
      sinceAt = now;
    }
    tokens = Math.min(Math.max(1, perSecond / 10), tokens + ((now - at) * perSecond) / 1000);
    at = now;
  };
  return {
    take(): boolean {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    giveBack: () => void (tokens += 1),
    /** How long until a start is allowed again. */
    waitMs: () => Math.max(5, Math.ceil(((1 - tokens) * 1000) / perSecond)),
  };
}

/** Acknowledged deliveries written together: a batch is stored when full or after a short wait; `add` resolves
 * once its own delivery is stored, and rejects when that write failed. */
function ackBatch(write: (items: { id: number; status: number | null }[]) => Promise<void>, clock: Clock) {
  type Item = { id: number; status: number | null; stored: (error?: unknown) => void };
  let items: Item[] = [];
  let timer: TimerHandle | null = null;
  const flush = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    const taken = items;
    items = [];
    write(taken.map(({ id, status }) => ({ id, status }))).then(
      () => taken.forEach((i) => i.stored()),
      (error: unknown) => taken.forEach((i) => i.stored(error ?? new Error('not stored'))),
    );
  };
  return {
    add: (id: number, status: number | null) =>
      new Promise<void>((resolve, reject) => {
        items.push({ id, status, stored: (error) => (error === undefined ? resolve() : reject(error)) });
        if (items.length >= ACK_BATCH) flush();
        else timer ??= clock.setTimeout(flush, ACK_WAIT_MS);
      }),
  };
}

export type DeliveryJobOptions = {
  store: Store;
  sender: Sender;
  recorder: EventRecorder | null;
  clock?: Clock;
  random?: () => number;
  /** Deliveries in flight at once, over all receivers. */
  concurrency?: number;
  /** Deliveries in flight at once in one lane (a receiver's origin, or the mail server). */
  perReceiver?: number;
  startsPerSecond?: number;
  log?: JobLog;
};

export type DeliveryJob = {
  start(): void;
  /** One round now: events, fan-out, and as many sends as slots allow (not awaited). */
  tick(): Promise<void>;
  /** Resolves when nothing is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export function createDeliveryJob(options: DeliveryJobOptions): DeliveryJob {
  const { store, sender, log } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const concurrency = options.concurrency ?? MAX_IN_FLIGHT;
  const lanes = createLanes({ size: options.perReceiver ?? LANE_SIZE, now: () => clock.now() });
  const inFlight = new Map<string, Promise<void>>();
  /** Outcomes the store refused, by subscription: written again later; the subscription sends nothing meanwhile. */
  const unrecorded = new Map<string, { d: DueDelivery; outcome: SendOutcome; tries: number; retryAt: number }>();
  let buffer: DueDelivery[] = [];
  let timer: TimerHandle | null = null;
  let ticking: Promise<void> | null = null;
  let closed = false;
  let filling: Promise<void> | null = null;
  let again = false;
  let lastQueryAt = -Infinity;
  let queryGapMs = QUERY_GAP_MS;
  let requery: TimerHandle | null = null;
  let freshAt = -Infinity;
  const budget = startBudget(options.startsPerSecond ?? STARTS_PER_SECOND, BUSY_STARTS_PER_SECOND);
  const acknowledged = ackBatch((items) => store.deliveries.delivered(items, clock.now()), clock);
  const closing = new AbortController();
  setMaxListeners(0, closing.signal);

  /** Hands out new events; returns how many. */
  async function fanOut(): Promise<number> {
    const events = await store.events.toFanOut(FAN_OUT_PER_ROUND);
    for (const recorded of events) {
      const subscriptions = await store.subscriptions.activeAt(recorded.at);
      const ids = subscriptions.filter((s) => matchesFilter(s, recorded)).map((s) => s.id);
      // In parts, each its own short write, so pages are served between them; the last marks the event handed out.
      for (let from = 0; from + FAN_OUT_PART < ids.length; from += FAN_OUT_PART) {
        await store.events.queue(recorded.seq, ids.slice(from, from + FAN_OUT_PART), clock.now());
        await nextTurn();
      }
      const last = ids.length - (ids.length % FAN_OUT_PART || FAN_OUT_PART);
      await store.events.fanOut(recorded.seq, ids.slice(Math.max(0, last)), clock.now());
      await nextTurn();
    }
    return events.length;
  }

  async function settle(d: DueDelivery, outcome: SendOutcome): Promise<void> {
    const now = clock.now();
    if (outcome.ok) {
      await acknowledged.add(d.id, outcome.status);
      if (d.failingSince !== null) await store.subscriptions.succeeded(d.subscriptionId);
      return;
    }
    // Cut short by our own shutdown: not an attempt; it stays due and is sent after the restart.
    if (outcome.aborted) return;
    const failure = { status: outcome.status, error: outcome.error.slice(0, 300) };
    const failingSince = await store.subscriptions.failed(d.subscriptionId, now);
    if (now - failingSince >= PAUSE_AFTER_MS) {
      await store.deliveries.drop(d.id, failure, now);
      const reason = `Every delivery failed for ${formatDuration(now - failingSince)} (last: ${failure.error}).`;
      await store.subscriptions.pause(d.subscriptionId, reason, now);
      log?.warn({ subscription: d.subscriptionId }, 'subscription paused after failing for days');
    } else if (now - d.createdAt >= RETRY_WINDOW_MS) {
      await store.deliveries.drop(d.id, failure, now);
      log?.warn({ subscription: d.subscriptionId, event: d.event.id }, 'delivery dropped after retrying for a day');
    } else {
      await store.deliveries.retry(d.id, failure, now + retryDelayMs(d.attempts + 1, outcome.retryAfterMs, random));
    }
  }

  /** Stores an outcome; when the store refuses it, keeps it to write again after a backoff, like a failed send. */
  async function record(d: DueDelivery, outcome: SendOutcome, tries = 0): Promise<void> {
    try {
      await settle(d, outcome);
      unrecorded.delete(d.subscriptionId);
    } catch (err) {
      const retryAt = clock.now() + retryDelayMs(tries + 1, null, random);
      unrecorded.set(d.subscriptionId, { d, outcome, tries: tries + 1, retryAt });
      log?.warn({ err, subscription: d.subscriptionId }, 'delivery outcome could not be stored; held back');
    }
  }

  async function recordHeldBack(): Promise<void> {
    const now = clock.now();
    for (const { d, outcome, tries, retryAt } of [...unrecorded.values()])
      if (retryAt <= now) await record(d, outcome, tries);
  }

  function launch(d: DueDelivery): void {
    lanes.start(d);
    const run = (async () => {
      const outcome = await sender.deliver(d, closing.signal);
      lanes.finish(d, outcome);
      await ourTurn();
      await record(d, outcome);
      inFlight.delete(d.subscriptionId);
      if (!closed) void fill();
    })();
    inFlight.set(d.subscriptionId, run);
  }

  let usedThisTurn = 0;
  let turn: Promise<void> | null = null;
  /** Waits until this turn of the event loop has room: outcomes arriving together (a wave of timeouts) are stored a
   * few per turn, with pages served in between. */
  async function ourTurn(): Promise<void> {
    while (usedThisTurn >= STARTS_PER_TURN) {
      turn ??= nextTurn().then(() => {
        usedThisTurn = 0;
        turn = null;
      });
      await turn;
    }
    usedThisTurn += 1;
  }

  const startable = (d: DueDelivery) => !inFlight.has(d.subscriptionId) && !unrecorded.has(d.subscriptionId);

  /** Starts what lanes and slots allow from the buffer, looking in the store again when nothing there can start. */
  function fill(): Promise<void> {
    if (closed) return Promise.resolve();
    if (filling) {
      again = true;
      return filling;
    }
    filling = fillNow()
      .catch((err: unknown) => log?.warn({ err }, 'looking for due deliveries failed'))
      .finally(() => {
        filling = null;
        if (again && !closed) {
          again = false;
          void fill();
        }
      });
    return filling;
  }

  /** Starts what lanes, slots and the start budget allow from the buffer; false when the budget ran out. */
  async function startFromBuffer(): Promise<boolean> {
    if (!budget.take()) return false;
    budget.giveBack();
    let started = 0;
    let budgetLeft = true;
    const rest: DueDelivery[] = [];
    for (const d of buffer) {
      if (closed || inFlight.size >= concurrency || !budgetLeft) rest.push(d);
      else if (!startable(d)) continue;
      else if (!lanes.canStart(d)) rest.push(d);
      else if (!budget.take()) {
        budgetLeft = false;
        rest.push(d);
      } else {
        launch(d);
        started += 1;
        if (started % STARTS_PER_TURN === 0) await nextTurn();
      }
    }
    buffer = rest;
    return budgetLeft;
  }

  /** Calls fill again after `waitMs` (one timer at a time). */
  function later(waitMs: number): void {
    if (requery !== null) return;
    requery = clock.setTimeout(() => {
      requery = null;
      void fill();
    }, waitMs);
  }

  async function fillNow(): Promise<void> {
    if (!(await startFromBuffer())) return later(budget.waitMs());
    if (closed || inFlight.size >= concurrency) return;
    // The store is read at most once per gap while sends complete: a wave of completions costs one query.
    const wait = lastQueryAt + queryGapMs - performance.now();
    if (wait > 0) return later(wait);
    lastQueryAt = performance.now();
    const blocked = lanes.blocked();
    const skip = [...inFlight.keys(), ...unrecorded.keys(), ...blocked.subscriptions];
    const due = await store.deliveries.due(
      clock.now(),
      { subscriptions: skip, receivers: blocked.receivers },
      Math.max(256, (concurrency - inFlight.size) * 2),
    );
    const queryMs = performance.now() - lastQueryAt;
    const known = new Set(buffer.map((d) => d.id));
    const fresh = due.filter((d) => !known.has(d.id));
    buffer.push(...fresh);
    // Reading the queue stays a small part of the loop: at least 10× its own time apart, and further apart while
    // it finds nothing new (everything left waits on busy lanes, open breakers or backoff).
    queryGapMs = Math.max(
      QUERY_GAP_MS,
      10 * queryMs,
      fresh.length > 0 ? 0 : Math.min(MAX_QUERY_GAP_MS, 2 * queryGapMs),
    );
    if (!(await startFromBuffer())) later(budget.waitMs());
  }

  async function round(): Promise<void> {
    try {
      if (options.recorder) await options.recorder.run();
      await recordHeldBack();
      const handedOut = await fanOut();
      // New events, and every few seconds retries come due: the queue is read afresh (it is a scan of the backlog,
      // so not every round while a big fan-out drains).
      if (handedOut > 0 || buffer.length === 0 || clock.now() - freshAt >= REFRESH_MS) {
        freshAt = clock.now();
        buffer = [];
        lastQueryAt = -Infinity;
        queryGapMs = QUERY_GAP_MS;
      }
      await fill();
    } catch (err) {
      log?.warn({ err }, 'notification round failed');
    }
  }

  function tick(): Promise<void> {
    if (closed) return Promise.resolve();
    const next = (ticking ?? Promise.resolve()).then(round);
    ticking = next;
    return next;
  }

  const loop = () => {
    timer = null;
    void tick().finally(() => {
      if (!closed) timer = clock.setTimeout(loop, NOTIFY_TICK_MS);
    });
  };

  return {
    start() {
      if (timer === null && !closed) loop();
    },
    tick,
    async idle() {
      await ticking;
      while (inFlight.size > 0 || filling || requery !== null) {
        await filling;
        await Promise.allSettled([...inFlight.values()]);
        if (requery !== null && inFlight.size === 0 && !filling)
          await new Promise((resolve) => setTimeout(resolve, QUERY_GAP_MS));
      }
    },
    async close() {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      if (requery !== null) clock.clearTimeout(requery);
      timer = null;
      requery = null;
      await ticking;
      // Deliveries under way may finish and be recorded, so an acknowledged one is not sent again after a restart;
      // those still waiting after the grace are cut short and stay due.
      const settled = Promise.allSettled([...inFlight.values()]);
      let grace: TimerHandle | null = null;
      await Promise.race([
        settled,
        new Promise<void>((resolve) => (grace = clock.setTimeout(() => resolve(), CLOSE_GRACE_MS))),
      ]);
      clock.clearTimeout(grace);
      closing.abort();
      await settled;
      // What the store refused to the end is lost with this process: after a restart it is sent again (at most once).
      if (unrecorded.size > 0) log?.warn({ held: unrecorded.size }, 'delivery outcomes not stored at shutdown');
    },
  };
}

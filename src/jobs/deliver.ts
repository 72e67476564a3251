// The notification job (run by the node holding the job lock): records new events, hands each to the matching
// subscriptions, and sends deliveries — oldest first per subscription, a bounded number at
// once per receiver so a slow or dead one never holds up the others — retrying with backoff for 24 h.
import { setMaxListeners } from 'node:events';
import { matchesFilter } from '../notify/filter.ts';
import type { Sender, SendOutcome } from '../notify/send.ts';
import type { DueDelivery } from '../store/deliveries.ts';
import type { Store } from '../store/index.ts';
import { DAY_MS, HOUR_MS, SECOND_MS, formatDuration } from '../time.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import type { EventRecorder } from './events.ts';
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

/** The wait before attempt `attempts + 1`: exponential, at least the receiver's Retry-After, jittered by ±10 %. */
export function retryDelayMs(attempts: number, retryAfterMs: number | null, random: () => number): number {
  const exponential = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 20));
  const wait = Math.min(MAX_RETRY_MS, Math.max(exponential, retryAfterMs ?? 0));
  return Math.round(wait * (0.9 + 0.2 * random()));
}

export type DeliveryJobOptions = {
  store: Store;
  sender: Sender;
  recorder: EventRecorder | null;
  clock?: Clock;
  random?: () => number;
  /** Deliveries in flight at once, over all receivers. */
  concurrency?: number;
  /** Deliveries in flight at once to one receiver (a URL's origin, or the mail server). */
  perReceiver?: number;
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
  const concurrency = options.concurrency ?? 64;
  const perReceiver = options.perReceiver ?? 8;
  const inFlight = new Map<string, Promise<void>>();
  const perReceiverCount = new Map<string, number>();
  let buffer: DueDelivery[] = [];
  let timer: TimerHandle | null = null;
  let ticking: Promise<void> | null = null;
  let closed = false;
  let filling: Promise<void> | null = null;
  let again = false;
  const closing = new AbortController();
  setMaxListeners(0, closing.signal);

  async function fanOut(): Promise<void> {
    for (;;) {
      const events = await store.events.toFanOut(20);
      if (events.length === 0) return;
      for (const recorded of events) {
        const subscriptions = await store.subscriptions.activeAt(recorded.at);
        const ids = subscriptions.filter((s) => matchesFilter(s, recorded)).map((s) => s.id);
        await store.events.fanOut(recorded.seq, ids, clock.now());
      }
    }
  }

  async function settle(d: DueDelivery, outcome: SendOutcome): Promise<void> {
    const now = clock.now();
    if (outcome.ok) {
      await store.deliveries.delivered(d.id, outcome.status, now);
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

  function launch(d: DueDelivery): void {
    perReceiverCount.set(d.receiver, (perReceiverCount.get(d.receiver) ?? 0) + 1);
    const run = (async () => {
      try {
        await settle(d, await sender.deliver(d, closing.signal));
      } catch (err) {
        log?.warn({ err, subscription: d.subscriptionId }, 'delivery could not be recorded');
      } finally {
        inFlight.delete(d.subscriptionId);
        const left = (perReceiverCount.get(d.receiver) ?? 1) - 1;
        if (left > 0) perReceiverCount.set(d.receiver, left);
        else perReceiverCount.delete(d.receiver);
        if (!closed) void fill();
      }
    })();
    inFlight.set(d.subscriptionId, run);
  }

  const saturated = () => [...perReceiverCount].filter(([, n]) => n >= perReceiver).map(([r]) => r);

  /** Starts what the slots allow from the buffer, querying the store when the buffer runs dry. */
  function fill(): Promise<void> {
    if (closed) return Promise.resolve();
    if (filling) {
      again = true;
      return filling;
    }
    filling = fillNow().finally(() => {
      filling = null;
      if (again && !closed) {
        again = false;
        void fill();
      }
    });
    return filling;
  }

  async function fillNow(): Promise<void> {
    for (let rounds = 0; rounds < 2 && inFlight.size < concurrency; rounds += 1) {
      if (buffer.length === 0) {
        buffer = await store.deliveries.due(
          clock.now(),
          { subscriptions: [...inFlight.keys()], receivers: saturated() },
          Math.max(64, (concurrency - inFlight.size) * 4),
        );
        if (buffer.length === 0) return;
      }
      const rest: DueDelivery[] = [];
      for (const d of buffer) {
        const busy = inFlight.has(d.subscriptionId) || (perReceiverCount.get(d.receiver) ?? 0) >= perReceiver;
        if (busy || inFlight.size >= concurrency || closed) rest.push(d);
        else launch(d);
      }
      // What could not start waits for a slot; a buffer of only blocked ones is asked for again.
      buffer = rest.length > 0 && rest.length < buffer.length ? rest : [];
    }
  }

  async function round(): Promise<void> {
    try {
      if (options.recorder) await options.recorder.run();
      await fanOut();
      // Deliveries that became due since the last query (retries, new events) are asked for afresh.
      buffer = [];
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
      while (inFlight.size > 0 || filling) {
        await filling;
        await Promise.allSettled([...inFlight.values()]);
      }
    },
    async close() {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
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
    },
  };
}

// A generic schedule: a cycle over due tasks every interval (with jitter), bounded concurrency, per-task backoff
// that honours Retry-After up to a cap, a hard per-task timeout, and abort on close. No module-level timers.
import { setMaxListeners } from 'node:events';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';

/** What a job logs to: the app's logger in production, a recorder in tests. */
export type JobLog = { warn(details: object, message: string): void; debug(details: object, message: string): void };

export type TaskOutcome = { ok: boolean; retryAfterMs?: number | null };

export type CycleStats = {
  startedAt: number;
  durationMs: number;
  ran: number;
  skipped: number;
  failed: number;
  timedOut: number;
};

export type SchedulerOptions<T> = {
  intervalMs: number;
  /** Each cycle starts up to this share of the interval early or late, so many instances do not align. */
  jitterRatio?: number;
  concurrency: number;
  /** A task still running after this long is abandoned (its signal aborted) so the cycle can end. */
  taskTimeoutMs: number;
  /** Longest wait after failures, Retry-After included; default 3 intervals, so a recovered source is seen soon. */
  maxBackoffMs?: number;
  clock?: Clock;
  random?: () => number;
  tasks: () => readonly T[];
  keyOf: (task: T) => string;
  run: (task: T, signal: AbortSignal) => Promise<TaskOutcome>;
  onError?: (task: T, error: unknown) => void;
  onCycle?: (stats: CycleStats) => void;
};

export type Scheduler = {
  /** Starts a cycle now, then one per interval, until closed; cycles may overlap, tasks never do. */
  start(): void;
  /** Runs one cycle over the tasks that are due and not running, now; resolves when they have ended. */
  runCycle(): Promise<CycleStats>;
  /**
   * Stops the timer and aborts running tasks; resolves as soon as every cycle has let go of them. A task that does
   * not stop at once is abandoned: its outcome (success, failure or error) is discarded, never recorded or logged.
   */
  close(): Promise<void>;
  /** When a task will next run, if it is backing off. */
  dueAt(key: string): number | null;
};

type TaskState = { failures: number; dueAt: number };

/** The wait after `failures` consecutive failures: doubling from one interval, at least Retry-After, capped. */
export function backoffMs(failures: number, retryAfterMs: number | null, intervalMs: number, maxMs: number): number {
  const exponential = intervalMs * 2 ** Math.max(0, Math.min(failures - 1, 20));
  return Math.min(maxMs, Math.max(exponential, retryAfterMs ?? 0));
}

export function createScheduler<T>(options: SchedulerOptions<T>): Scheduler {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const jitter = options.jitterRatio ?? 0.1;
  const maxBackoffMs = options.maxBackoffMs ?? 3 * options.intervalMs;
  const states = new Map<string, TaskState>();
  const closing = new AbortController();
  // Every running task listens for close; concurrency, not a leak, sets how many.
  setMaxListeners(0, closing.signal);
  const inFlight = new Set<string>();
  const cycles = new Set<Promise<CycleStats>>();
  const waiting: (() => void)[] = [];
  let active = 0;
  let timer: TimerHandle | null = null;

  /** One slot of the concurrency shared by overlapping cycles. */
  const acquire = (): Promise<void> => {
    if (active < options.concurrency) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  async function runTask(task: T, stats: CycleStats, cycleStart: number): Promise<void> {
    const key = options.keyOf(task);
    const controller = new AbortController();
    // On close the task is aborted and no longer waited for: the race below ends with 'closed' at once.
    let abort = () => controller.abort();
    const closed = new Promise<'closed'>((resolve) => {
      abort = () => {
        controller.abort();
        resolve('closed');
      };
    });
    closing.signal.addEventListener('abort', abort, { once: true });
    let deadline: TimerHandle | null = null;
    const timeout = new Promise<TaskOutcome & { timedOut: true }>((resolve) => {
      deadline = clock.setTimeout(() => {
        resolve({ ok: false, timedOut: true });
        controller.abort();
      }, options.taskTimeoutMs);
    });
    let outcome: (TaskOutcome & { timedOut?: boolean }) | 'closed';
    try {
      outcome = await Promise.race([options.run(task, controller.signal), timeout, closed]);
    } catch (error) {
      if (!closing.signal.aborted) options.onError?.(task, error);
      outcome = { ok: false };
    } finally {
      clock.clearTimeout(deadline);
      closing.signal.removeEventListener('abort', abort);
    }
    if (outcome === 'closed' || closing.signal.aborted) return;
    stats.ran += 1;
    if (outcome.timedOut) stats.timedOut += 1;
    const failures = outcome.ok ? 0 : (states.get(key)?.failures ?? 0) + 1;
    if (!outcome.ok) stats.failed += 1;
    const wait = outcome.ok ? 0 : backoffMs(failures, outcome.retryAfterMs ?? null, options.intervalMs, maxBackoffMs);
    states.set(key, { failures, dueAt: cycleStart + wait });
  }

  async function cycle(): Promise<CycleStats> {
    const startedAt = clock.now();
    const stats: CycleStats = { startedAt, durationMs: 0, ran: 0, skipped: 0, failed: 0, timedOut: 0 };
    // Half an interval of slack: a task due "next cycle" is not skipped because this cycle's jitter started it early.
    // A task still running from an earlier cycle is skipped: a hung source holds one slot, never the schedule.
    const due = options.tasks().filter((task) => {
      const key = options.keyOf(task);
      const ready = !inFlight.has(key) && (states.get(key)?.dueAt ?? 0) <= startedAt + options.intervalMs / 2;
      if (ready) inFlight.add(key);
      else stats.skipped += 1;
      return ready;
    });
    await Promise.all(
      due.map(async (task) => {
        await acquire();
        try {
          if (!closing.signal.aborted) await runTask(task, stats, startedAt);
        } finally {
          release();
          inFlight.delete(options.keyOf(task));
        }
      }),
    );
    stats.durationMs = clock.now() - startedAt;
    options.onCycle?.(stats);
    return stats;
  }

  function runCycle(): Promise<CycleStats> {
    const running = cycle();
    cycles.add(running);
    void running.finally(() => cycles.delete(running)).catch(() => undefined);
    return running;
  }

  /** Ticks come every interval (± jitter) whether or not earlier cycles have ended. */
  function tick(): void {
    timer = null;
    if (closing.signal.aborted) return;
    const start = clock.now();
    void runCycle().catch(() => undefined);
    const offset = (random() * 2 - 1) * jitter * options.intervalMs;
    timer = clock.setTimeout(tick, Math.max(0, start + options.intervalMs + offset - clock.now()));
  }

  return {
    start() {
      if (timer === null && !closing.signal.aborted) tick();
    },
    runCycle,
    async close() {
      closing.abort();
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...cycles]);
    },
    dueAt(key) {
      const state = states.get(key);
      return state && state.failures > 0 ? state.dueAt : null;
    },
  };
}

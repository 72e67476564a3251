// Leadership: among nodes sharing one database, only the holder of the job lock runs the schedules (poll, probe,
// pruning, checkpoint). Every node checks often: a standby takes the lock when it is free; a leader that cannot
// confirm it still holds the lock stops its schedules at once, so two nodes never poll together.
import type { JobLock } from '../store/job-lock.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';

export type Schedule = { start(): void; close(): Promise<unknown> | void };

/** How often a node checks the lock: often enough to take over well within two poll intervals, at most every 5 s. */
export function leaderCheckMs(pollIntervalMs: number): number {
  return Math.max(250, Math.min(5000, Math.floor(pollIntervalMs / 4)));
}

type Log = { info(details: object, message: string): void; warn(details: object, message: string): void };

export type Leadership = {
  start(): void;
  /** Whether this node runs the schedules now. */
  isLeader(): boolean;
  close(): Promise<void>;
};

export function createLeadership(options: {
  lock: JobLock;
  /** Builds a fresh set of schedules each time this node becomes the leader. */
  schedules: () => Schedule[];
  checkMs: number;
  log: Log;
  clock?: Clock;
  /** Called after the schedules were closed on losing the lock or shutting down. */
  onStepDown?: () => void;
}): Leadership {
  const { lock, log } = options;
  const clock = options.clock ?? systemClock;
  let running: Schedule[] = [];
  let leading = false;
  let timer: TimerHandle | null = null;
  let tick: Promise<void> | null = null;
  let closed = false;

  async function stepDown(): Promise<void> {
    const stopping = running;
    running = [];
    leading = false;
    await Promise.all(stopping.map(async (s) => s.close()));
    options.onStepDown?.();
  }

  async function check(): Promise<void> {
    if (leading) {
      if (await lock.holds()) return;
      log.warn({}, 'lost the job lock: stopping the schedules');
      await stepDown();
      return;
    }
    if (closed || !(await lock.acquire())) return;
    if (closed) return;
    running = options.schedules();
    leading = true;
    log.info({ schedules: running.length }, 'holding the job lock: running the schedules');
    for (const schedule of running) schedule.start();
  }

  // A lock connection that fails says so at once: stop now rather than at the next check.
  lock.onLost(() => {
    if (!leading) return;
    log.warn({}, 'lost the job lock: stopping the schedules');
    void stepDown();
  });

  const loop = () => {
    timer = null;
    tick = check()
      .catch((err: unknown) => log.warn({ err }, 'checking the job lock failed'))
      .finally(() => {
        tick = null;
        if (!closed) timer = clock.setTimeout(loop, options.checkMs);
      });
  };

  return {
    start() {
      if (timer === null && tick === null && !closed) loop();
    },
    isLeader: () => leading,
    async close() {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await tick;
      await stepDown();
      await lock.release();
    },
  };
}

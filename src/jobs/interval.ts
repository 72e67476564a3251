// A plain periodic job: a task run at start and then every interval (after the previous run ended) until closed.
import { systemClock, type Clock, type TimerHandle } from './clock.ts';

export type IntervalJob = { start(): void; close(): Promise<void> };

/** The task must not throw (the tasks here log their own failures). */
export function createIntervalJob(
  task: () => void | Promise<void>,
  intervalMs: number,
  clock: Clock = systemClock,
): IntervalJob {
  let timer: TimerHandle | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  const tick = () => {
    timer = null;
    running = Promise.resolve(task()).finally(() => {
      running = null;
      if (!closed) timer = clock.setTimeout(tick, intervalMs);
    });
  };
  return {
    start() {
      if (timer === null && running === null && !closed) tick();
    },
    async close() {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

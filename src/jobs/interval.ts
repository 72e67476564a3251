// A plain periodic job: a synchronous task run at start and then every interval until closed (prune, checkpoint).
import { systemClock, type Clock, type TimerHandle } from './clock.ts';

export type IntervalJob = { start(): void; close(): void };

/** The task must not throw (the tasks here log their own failures). */
export function createIntervalJob(task: () => void, intervalMs: number, clock: Clock = systemClock): IntervalJob {
  let timer: TimerHandle | null = null;
  let closed = false;
  const tick = () => {
    task();
    if (!closed) timer = clock.setTimeout(tick, intervalMs);
  };
  return {
    start() {
      if (timer === null && !closed) tick();
    },
    close() {
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}

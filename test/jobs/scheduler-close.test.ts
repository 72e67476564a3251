// Closing a schedule never waits on a task that ignores its abort, and discards whatever such a task ends with.
import { describe, expect, it } from 'vitest';
import { createScheduler, type TaskOutcome } from '../../src/jobs/scheduler.ts';
import { manualClock } from '../helpers/clock.ts';

describe('closing a schedule', () => {
  it('resolves at once while a task ignores its abort; its end is neither recorded nor reported', async () => {
    const clock = manualClock(0);
    const errors: unknown[] = [];
    const cycles: number[] = [];
    let finish: (outcome: TaskOutcome) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    const s = createScheduler({
      intervalMs: 60_000,
      concurrency: 2,
      taskTimeoutMs: 10 * 60_000,
      clock,
      tasks: () => ['ignores-abort', 'throws-late'],
      keyOf: (k) => k,
      // Like a lookup in the thread pool: neither task listens to its signal.
      run: (key) =>
        new Promise<TaskOutcome>((resolve, reject) => {
          if (key === 'ignores-abort') finish = resolve;
          else fail = reject;
        }),
      onError: (_task, error) => errors.push(error),
      onCycle: (stats) => cycles.push(stats.ran),
    });
    const cycle = s.runCycle();
    await clock.advance(0);
    let closed = false;
    const closing = s.close().then(() => (closed = true));
    await clock.advance(0);
    expect(closed).toBe(true);
    await closing;
    await cycle;
    finish({ ok: false, retryAfterMs: 1000 });
    fail(new Error('database connection is not open'));
    await clock.advance(0);
    expect(errors).toEqual([]);
    expect(cycles).toEqual([0]);
    expect(s.dueAt('ignores-abort')).toBeNull();
  });
});

// The generic scheduler on a manual clock: cycles with jitter, bounded concurrency, backoff, Retry-After, close.
import { describe, expect, it } from 'vitest';
import { backoffMs, createScheduler, type TaskOutcome } from '../../src/jobs/scheduler.ts';
import { manualClock } from '../helpers/clock.ts';

const MINUTE = 60_000;

/** A task runner whose tasks finish only when the test says so. */
function controllable() {
  const running = new Map<string, { resolve: (o: TaskOutcome) => void; signal: AbortSignal }>();
  const started: string[] = [];
  return {
    started,
    running,
    run: (key: string, signal: AbortSignal) =>
      new Promise<TaskOutcome>((resolve) => {
        started.push(key);
        running.set(key, { resolve, signal });
        signal.addEventListener('abort', () => resolve({ ok: false }));
      }),
    finish(key: string, outcome: TaskOutcome = { ok: true }) {
      running.get(key)!.resolve(outcome);
      running.delete(key);
    },
  };
}

describe('backoff', () => {
  it('doubles from one interval, honours Retry-After, and is capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, null, MINUTE, 3 * MINUTE))).toEqual([
      MINUTE,
      2 * MINUTE,
      3 * MINUTE,
      3 * MINUTE,
    ]);
    expect(backoffMs(1, 150_000, MINUTE, 3 * MINUTE)).toBe(150_000);
    expect(backoffMs(1, 24 * 60 * MINUTE, MINUTE, 3 * MINUTE)).toBe(3 * MINUTE);
  });
});

describe('scheduler', () => {
  it('runs at most `concurrency` tasks at once and all of them in a cycle', async () => {
    const clock = manualClock(0);
    const tasks = controllable();
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const s = createScheduler({
      intervalMs: MINUTE,
      concurrency: 2,
      taskTimeoutMs: 10_000,
      clock,
      tasks: () => keys,
      keyOf: (k) => k,
      run: tasks.run,
    });
    const cycle = s.runCycle();
    await clock.advance(0);
    expect(tasks.started).toEqual(['a', 'b']);
    tasks.finish('a');
    await clock.advance(0);
    expect(tasks.started).toEqual(['a', 'b', 'c']);
    for (const k of ['b', 'c']) tasks.finish(k);
    await clock.advance(0);
    for (const k of ['d', 'e']) tasks.finish(k);
    expect(await cycle).toMatchObject({ ran: 5, failed: 0, skipped: 0 });
  });

  it('abandons a hung task at its timeout without holding up the others', async () => {
    const clock = manualClock(0);
    const tasks = controllable();
    const s = createScheduler({
      intervalMs: MINUTE,
      concurrency: 2,
      taskTimeoutMs: 5000,
      clock,
      tasks: () => ['hung', 'x', 'y'],
      keyOf: (k) => k,
      run: tasks.run,
    });
    const cycle = s.runCycle();
    await clock.advance(0);
    tasks.finish('x');
    await clock.advance(0);
    tasks.finish('y');
    await clock.advance(4999);
    expect(tasks.running.get('hung')!.signal.aborted).toBe(false);
    await clock.advance(1);
    const stats = await cycle;
    expect(stats).toMatchObject({ ran: 3, failed: 1, timedOut: 1, durationMs: 5000 });
  });

  it('polls the others every interval while one task hangs across ticks, and never runs it twice at once', async () => {
    const clock = manualClock(0);
    const runs: string[] = [];
    const s = createScheduler({
      intervalMs: MINUTE,
      jitterRatio: 0,
      concurrency: 2,
      taskTimeoutMs: 3.5 * MINUTE,
      clock,
      tasks: () => ['hung', 'ok'],
      keyOf: (k) => k,
      run: (k, signal) => {
        runs.push(`${clock.now() / MINUTE}:${k}`);
        return k === 'ok'
          ? Promise.resolve({ ok: true })
          : new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ok: false })));
      },
    });
    s.start();
    await clock.advance(5 * MINUTE);
    expect(runs.filter((r) => r.endsWith(':ok'))).toEqual(['0:ok', '1:ok', '2:ok', '3:ok', '4:ok', '5:ok']);
    expect(runs.filter((r) => r.endsWith(':hung'))).toEqual(['0:hung', '4:hung']);
    await s.close();
  });

  it('backs a failing task off, honours Retry-After up to the cap, and resumes on success', async () => {
    const clock = manualClock(0);
    const outcomes: Record<string, TaskOutcome> = {
      bad: { ok: false },
      limited: { ok: false, retryAfterMs: 10 * 60 * MINUTE },
    };
    const runs: string[] = [];
    const s = createScheduler({
      intervalMs: MINUTE,
      concurrency: 4,
      taskTimeoutMs: 1000,
      clock,
      tasks: () => ['good', 'bad', 'limited'],
      keyOf: (k) => k,
      run: async (k) => {
        runs.push(`${clock.now() / MINUTE}:${k}`);
        return outcomes[k] ?? { ok: true };
      },
    });
    for (let minute = 0; minute < 7; minute += 1) {
      clock.set(minute * MINUTE);
      await s.runCycle();
    }
    const at = (k: string) => runs.filter((r) => r.endsWith(`:${k}`)).map((r) => Number(r.split(':')[0]));
    expect(at('good')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(at('bad')).toEqual([0, 1, 3, 6]);
    expect(at('limited')).toEqual([0, 3, 6]);
    expect(s.dueAt('limited')).toBe(9 * MINUTE);
    outcomes.bad = { ok: true };
    clock.set(9 * MINUTE);
    await s.runCycle();
    expect(s.dueAt('bad')).toBeNull();
  });

  it('starts a cycle at once, then every interval within the jitter; stops on close with tasks aborted', async () => {
    const clock = manualClock(0);
    const tasks = controllable();
    const cycles: number[] = [];
    let draw = 0;
    const draws = [1, 0];
    const s = createScheduler({
      intervalMs: MINUTE,
      jitterRatio: 0.1,
      concurrency: 1,
      taskTimeoutMs: 1000,
      clock,
      random: () => draws[draw++ % 2]!,
      tasks: () => ['t'],
      keyOf: (k) => k,
      run: tasks.run,
      onCycle: (stats) => cycles.push(stats.startedAt),
    });
    s.start();
    await clock.advance(0);
    tasks.finish('t');
    await clock.advance(0);
    expect(cycles).toEqual([0]);
    await clock.advance(66_000);
    tasks.finish('t');
    await clock.advance(0);
    expect(cycles).toEqual([0, 66_000]);
    await clock.advance(66_000 + 54_000 - clock.now());
    expect(tasks.running.has('t')).toBe(true);
    const closing = s.close();
    await closing;
    expect(tasks.started).toHaveLength(3);
    expect(clock.pending()).toBe(0);
    await clock.advance(10 * MINUTE);
    expect(tasks.started).toHaveLength(3);
  });
});

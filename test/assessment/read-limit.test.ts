// Reading many providers: at most a few at once, the results in order, and the event loop served between slices.
import { describe, expect, it } from 'vitest';
import { mapAtMost, READ_SLICE_MS } from '../../src/assessment/read-limit.ts';

describe('mapAtMost', () => {
  it('keeps the items in order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapAtMost([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('lets what waits on the event loop in once a slice of work is spent, even when the work never waits for I/O', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('a request'));
    // Reads that only use the CPU, as SQLite's do: each holds the loop for half a slice.
    await mapAtMost([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
      const until = performance.now() + READ_SLICE_MS / 2;
      while (performance.now() < until);
      order.push(`item ${n}`);
      return n;
    });
    expect(order).toContain('a request');
    expect(order.indexOf('a request')).toBeLessThan(order.indexOf('item 8'));
  });
});

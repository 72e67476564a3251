// Reading many providers: at most a few at once, the results in order, and the event loop served between providers.
import { describe, expect, it } from 'vitest';
import { mapAtMost } from '../../src/assessment/read-limit.ts';

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

  it('lets what waits on the event loop run between items, even when the work never waits for I/O', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('a request'));
    await mapAtMost([1, 2, 3, 4, 5, 6], 2, async (n) => {
      order.push(`item ${n}`);
      return n;
    });
    expect(order).toContain('a request');
    expect(order.indexOf('a request')).toBeLessThan(order.indexOf('item 6'));
  });
});

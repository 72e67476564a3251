// The spike rule over allocations, pure: enough reports from too few allocations is no spike, per category too.
import { describe, expect, it } from 'vitest';
import type { ReporterAllocation } from '../../src/domain.ts';
import { bucketOf, summariseCommunity, type Bucket } from '../../src/status/community.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 7);
const buckets: Bucket[] = [{ bucketAt: bucketOf(NOW), category: 'auth', count: 8 }];
const from = (count: number, category: ReporterAllocation['category'] = 'auth'): ReporterAllocation[] =>
  Array.from({ length: count }, (_, i) => ({ category, allocation: `allocation-${i}` }));

describe('spike by allocations', () => {
  it.each([
    [1, false],
    [4, false],
    [5, true],
    [8, true],
  ])('8 counted reports from %i allocations: spike %s', (allocations, spike) => {
    const view = summariseCommunity(buckets, NOW, undefined, from(allocations));
    expect(view).toMatchObject({ recent: 8, allocations, spike });
    expect(summariseCommunity(buckets, NOW, 'auth', from(allocations)).spike).toBe(spike);
  });

  it("counts only the category's own allocations for a category", () => {
    const reporters = [...from(2, 'auth'), ...from(6, 'timeout')];
    expect(summariseCommunity(buckets, NOW, 'auth', reporters)).toMatchObject({ allocations: 2, spike: false });
  });
});

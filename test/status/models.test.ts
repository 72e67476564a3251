// Models named in reports, summarised: the last hour and 24 hours against the median of the same hours on each
// previous day (days without a report count as none), one allocation never shown, most named first, top N only.
import { describe, expect, it } from 'vitest';
import { COMMUNITY_BASELINE_DAYS } from '../../src/status/community.ts';
import {
  MODEL_LOOKBACK_MS,
  MODEL_MIN_ALLOCATIONS,
  MODEL_TOP,
  summariseModels,
  type ModelDayCount,
} from '../../src/status/models.ts';
import { DAY_MS } from '../../src/time.ts';
import { REPORT_RETENTION_MS } from '../../src/jobs/prune-reports.ts';

const day = (model: string, d: number, allocations: number, recentAllocations = 0): ModelDayCount => ({
  model,
  day: d,
  allocations,
  recentAllocations,
});

describe('summariseModels', () => {
  it('reads the last 24 hours and the same 24 hours on each baseline day, no more', () => {
    expect(MODEL_LOOKBACK_MS).toBe((COMMUNITY_BASELINE_DAYS + 1) * DAY_MS);
  });

  it('needs no raw report older than retention keeps', () => {
    expect(REPORT_RETENTION_MS).toBeGreaterThanOrEqual(MODEL_LOOKBACK_MS);
  });

  it('compares with the median of the previous days, counting days without reports as none', () => {
    const counts = [
      day('gpt-4o', 0, 9, 6),
      ...[1, 2, 3, 4].map((d) => day('gpt-4o', d, 4, 1)),
      day('gpt-4o', 5, 2, 0),
      // Days 6 and 7: no report named it.
    ];
    expect(summariseModels(counts)).toEqual([{ model: 'gpt-4o', lastHour: 6, last24h: 9, usualHour: 1, usual24h: 4 }]);
    const quiet = [day('gpt-4o', 0, 3, 3), day('gpt-4o', 1, 5, 2)];
    expect(summariseModels(quiet)).toEqual([{ model: 'gpt-4o', lastHour: 3, last24h: 3, usualHour: 0, usual24h: 0 }]);
  });

  it('never shows a model named from fewer allocations than the minimum in the last 24 hours', () => {
    expect(MODEL_MIN_ALLOCATIONS).toBeGreaterThanOrEqual(2);
    const counts = [day('lonely', 0, MODEL_MIN_ALLOCATIONS - 1, 1), ...[1, 2, 3].map((d) => day('lonely', d, 9, 9))];
    expect(summariseModels(counts)).toEqual([]);
    // Named only on previous days: nothing now.
    expect(summariseModels([day('old', 1, 20), day('old', 2, 20)])).toEqual([]);
  });

  it('lists the most named first (the last hour breaking ties, then the name), at most the top N', () => {
    const counts = Array.from({ length: MODEL_TOP + 2 }, (_, i) => day(`m${i}`, 0, 2 + (i % 3), i % 2));
    const shown = summariseModels(counts);
    expect(shown).toHaveLength(MODEL_TOP);
    for (let i = 1; i < shown.length; i += 1) {
      const [a, b] = [shown[i - 1]!, shown[i]!];
      expect(a.last24h > b.last24h || (a.last24h === b.last24h && a.lastHour >= b.lastHour)).toBe(true);
    }
    expect(shown[0]).toMatchObject({ model: 'm5', last24h: 4, lastHour: 1 });
  });
});

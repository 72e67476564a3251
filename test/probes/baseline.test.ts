// The latency baseline: median and MAD of normal rejections, the floor, the median multiple and the minimum count.
import { describe, expect, it } from 'vitest';
import {
  BASELINE_MIN_SAMPLES,
  SLOW_FLOOR_MS,
  SLOW_MAD_MULTIPLE,
  SLOW_MEDIAN_MULTIPLE,
  SLOW_WITHOUT_BASELINE_MS,
  isSlow,
  latencyBaseline,
  medianMs,
  normalLatencies,
} from '../../src/probes/baseline.ts';
import { median } from '../../src/domain.ts';

const repeat = (values: number[], times: number) => Array.from({ length: times }, () => values).flat();

describe('median', () => {
  it('is the middle value, or the exact mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([100, 101])).toBe(100.5);
    expect(median([])).toBeNull();
  });
  it('in whole milliseconds for latencies', () => {
    expect(medianMs([100, 101])).toBe(101);
    expect(medianMs([1, 2, 3, 10])).toBe(3);
    expect(medianMs([])).toBeNull();
  });
});

describe('latencyBaseline', () => {
  it('is the median plus a multiple of the MAD when the spread is wide', () => {
    // Median 400, deviations 0..200 → MAD 100: slow above 400 + 5 × 100 = 900 (above the floor and 2 × 400).
    const b = latencyBaseline(repeat([200, 300, 400, 500, 600], 4));
    expect(b).toMatchObject({ samples: 20, medianMs: 400, madMs: 100, trusted: true });
    expect(b.slowAboveMs).toBe(400 + SLOW_MAD_MULTIPLE * 100);
    expect(isSlow(900, b)).toBe(false);
    expect(isSlow(901, b)).toBe(true);
  });

  it('never calls a quick API slow below the floor, even with no spread at all', () => {
    const b = latencyBaseline(repeat([120], 30));
    expect(b).toMatchObject({ medianMs: 120, madMs: 0, trusted: true, slowAboveMs: SLOW_FLOOR_MS });
    expect(isSlow(SLOW_FLOOR_MS - 1, b)).toBe(false);
    expect(isSlow(SLOW_FLOOR_MS + 1, b)).toBe(true);
  });

  it('with a slow usual and a tight spread, needs twice the median', () => {
    const b = latencyBaseline(repeat([990, 1000, 1010], 5));
    expect(b.madMs).toBe(10);
    expect(b.slowAboveMs).toBe(SLOW_MEDIAN_MULTIPLE * 1000);
  });

  it('is robust: a few outliers move neither the median nor the threshold much', () => {
    const calm = latencyBaseline(repeat([150, 160, 170, 180, 190], 10));
    const spiky = latencyBaseline([...repeat([150, 160, 170, 180, 190], 10), 9000, 9500, 9900]);
    expect(spiky.medianMs).toBe(calm.medianMs);
    expect(spiky.slowAboveMs).toBe(calm.slowAboveMs);
  });

  it('is not trusted below the minimum count; only very slow answers are slow until then', () => {
    const few = latencyBaseline(repeat([100], BASELINE_MIN_SAMPLES - 1));
    expect(few).toMatchObject({ trusted: false, medianMs: 100, slowAboveMs: SLOW_WITHOUT_BASELINE_MS });
    expect(isSlow(2000, few)).toBe(false);
    expect(isSlow(SLOW_WITHOUT_BASELINE_MS + 1, few)).toBe(true);
    expect(latencyBaseline(repeat([100], BASELINE_MIN_SAMPLES)).trusted).toBe(true);
    expect(latencyBaseline([])).toEqual({
      samples: 0,
      medianMs: null,
      madMs: null,
      trusted: false,
      slowAboveMs: SLOW_WITHOUT_BASELINE_MS,
    });
  });
});

describe('normalLatencies', () => {
  it('takes only normal rejections with a latency: slow answers and failures never shape the baseline', () => {
    expect(
      normalLatencies([
        { outcome: 'rejected_as_expected', latencyMs: 100 },
        { outcome: 'slow', latencyMs: 4000 },
        { outcome: 'timeout', latencyMs: 10000 },
        { outcome: 'unexpected_status', latencyMs: 50 },
        { outcome: 'rejected_as_expected', latencyMs: null },
        { outcome: 'rejected_as_expected', latencyMs: 120 },
      ]),
    ).toEqual([100, 120]);
  });
});

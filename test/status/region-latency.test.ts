import { describe, expect, it } from 'vitest';
import { latencyRanges, type LatencySample } from '../../src/status/region-latency.ts';
import { DAY_MS, HOUR_MS } from '../../src/time.ts';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

/** One answer an hour from `region` for `hours` hours back, taking `ms(i)` (i = hours ago). */
const answers = (region: string, hours: number, ms: (i: number) => number): LatencySample[] =>
  Array.from({ length: hours }, (_, i) => ({ region, at: NOW - i * HOUR_MS - 1, latencyMs: ms(i) }));

describe('latency percentiles per region over ranges', () => {
  it('tables only the ranges the results reach, the last over the days it covers', () => {
    const ranges = latencyRanges(
      [...answers('local', 72, (i) => (i < 24 ? 100 : 300)), ...answers('us-east', 10, () => 50)],
      ['local', 'us-east', 'eu-west'],
      NOW,
    );
    expect(ranges.map((r) => [r.label, r.days])).toEqual([
      ['24 hours', 1],
      ['3 days with data', 3],
    ]);
    expect(ranges[0]!.regions).toEqual([
      { region: 'local', answers: 24, p50Ms: 100, p95Ms: 100, p99Ms: 100 },
      { region: 'us-east', answers: 10, p50Ms: 50, p95Ms: 50, p99Ms: 50 },
      { region: 'eu-west', answers: 0, p50Ms: null, p95Ms: null, p99Ms: null },
    ]);
    expect(ranges[1]!.regions[0]).toEqual({ region: 'local', answers: 72, p50Ms: 300, p95Ms: 300, p99Ms: 300 });
  });

  it('nearest-rank percentiles, and all three ranges once a month of results exists', () => {
    const ranges = latencyRanges(
      answers('local', 31 * 24, (i) => 1 + (i % 120)),
      ['local'],
      NOW,
    );
    expect(ranges.map((r) => r.label)).toEqual(['24 hours', '7 days', '30 days']);
    const month = ranges[2]!.regions[0]!;
    expect(month.answers).toBe(30 * 24);
    expect([month.p50Ms, month.p95Ms, month.p99Ms]).toEqual([60, 114, 119]);
    expect(latencyRanges([], ['local'], NOW)).toEqual([]);
    expect(
      latencyRanges(
        answers('local', 1, () => 5),
        ['local'],
        NOW + 2 * DAY_MS - HOUR_MS,
      ).map((r) => r.label),
    ).toEqual(['24 hours', '2 days with data']);
  });
});

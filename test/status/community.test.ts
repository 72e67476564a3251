// The community rules: the 30-minute window, the usual level for this time of day with its floor, the spike rule,
// the sentence, per-category counts and the 24-hour series with its usual band.
import { describe, expect, it } from 'vitest';
import type { ReportCategory } from '../../src/domain.ts';
import {
  COMMUNITY_BASELINE_DAYS,
  COMMUNITY_BASELINE_FLOOR,
  COMMUNITY_BUCKET_MS,
  COMMUNITY_SPIKE_MIN_REPORTS,
  COMMUNITY_SPIKE_MULTIPLE,
  communitySeries,
  communitySinceAt,
  readCommunity,
  summariseCommunity,
  type Bucket,
} from '../../src/status/community.ts';
import { combineSignals } from '../../src/status/headline.ts';
import type { SignalReading } from '../../src/status/types.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';

/** 12:07 UTC: the current bucket is 12:00, the window 11:45–12:15. */
const NOW = Date.UTC(2026, 10, 22, 12, 7, 0);
const CURRENT = Date.UTC(2026, 10, 22, 12, 0, 0);
const PREVIOUS = CURRENT - COMMUNITY_BUCKET_MS;

const b = (bucketAt: number, count: number, category: ReportCategory = 'auth'): Bucket => ({
  bucketAt,
  count,
  category,
});

/** The same window on each of the previous days, `perDay[i]` reports on day i + 1 back. */
const history = (perDay: number[], category: ReportCategory = 'auth') =>
  perDay.map((count, i) => b(CURRENT - (i + 1) * DAY_MS, count, category));

const quietReading = (signal: 'official' | 'probe'): SignalReading => ({
  signal,
  state: 'never',
  level: 'unknown',
  failing: null,
  checkedAt: null,
  okAt: null,
  summary: `${signal} never checked`,
  reasons: [],
});

describe('summariseCommunity', () => {
  it('with no reports says so plainly and sees no spike', () => {
    const view = summariseCommunity([], NOW);
    expect(view).toMatchObject({
      recent: 0,
      usual: 0,
      baseline: COMMUNITY_BASELINE_FLOOR,
      spike: false,
      lastReportAt: null,
      byCategory: [],
    });
    expect(view.sentence).toBe('No reports in the last 30 minutes.');
  });

  it("takes the last report's exact time when the bucket knows it", () => {
    const view = summariseCommunity(
      [
        { ...b(PREVIOUS, 1), lastAt: PREVIOUS + 61_000 },
        { ...b(CURRENT, 1, 'timeout'), lastAt: CURRENT + 6 * MINUTE_MS },
      ],
      NOW,
    );
    expect(view.lastReportAt).toBe(CURRENT + 6 * MINUTE_MS);
    expect(
      summariseCommunity(
        [
          { ...b(PREVIOUS, 1), lastAt: PREVIOUS + 61_000 },
          { ...b(CURRENT, 1, 'timeout'), lastAt: CURRENT + 6 * MINUTE_MS },
        ],
        NOW,
        'auth',
      ).lastReportAt,
    ).toBe(PREVIOUS + 61_000);
  });

  it('counts the current and the previous bucket only', () => {
    const view = summariseCommunity(
      [b(CURRENT, 2), b(PREVIOUS, 3), b(PREVIOUS - COMMUNITY_BUCKET_MS, 50), b(CURRENT + COMMUNITY_BUCKET_MS, 9)],
      NOW,
    );
    expect(view.recent).toBe(5);
    expect(view.lastReportAt).toBe(CURRENT);
  });

  it('takes the usual level as the median of the same window on the previous days', () => {
    const view = summariseCommunity([...history([10, 0, 12, 100, 11, 9, 8]), b(CURRENT, 4)], NOW);
    expect(view.usual).toBe(10);
    expect(view.baseline).toBe(10);
    expect(view.ratio).toBeCloseTo(0.4);
    // A day further back than the baseline does not count.
    const older = summariseCommunity(
      [...history([10, 10, 10, 10, 10, 10, 10]), b(CURRENT - (COMMUNITY_BASELINE_DAYS + 1) * DAY_MS, 1000)],
      NOW,
    );
    expect(older.usual).toBe(10);
  });

  it('floors the usual level so a quiet provider does not spike on a couple of reports', () => {
    expect(summariseCommunity([b(CURRENT, 2)], NOW)).toMatchObject({ usual: 0, baseline: 2, ratio: 1, spike: false });
    expect(summariseCommunity([b(CURRENT, 5)], NOW)).toMatchObject({ ratio: 2.5, spike: false });
    const six = summariseCommunity([b(CURRENT, 6)], NOW);
    expect(six).toMatchObject({ ratio: COMMUNITY_SPIKE_MULTIPLE, spike: true });
    expect(six.recent).toBeGreaterThanOrEqual(COMMUNITY_SPIKE_MIN_REPORTS);
  });

  it('needs three times the usual level on a busy provider', () => {
    const usual = history([20, 20, 20, 20, 20, 20, 20]);
    expect(summariseCommunity([...usual, b(CURRENT, 59)], NOW).spike).toBe(false);
    const spike = summariseCommunity([...usual, b(CURRENT, 60)], NOW);
    expect(spike.spike).toBe(true);
    expect(spike.sentence).toBe(
      '60 reports in the last 30 minutes, 3× the usual level; most: authentication errors (60).',
    );
  });

  it('writes the sentence with the multiple and the top category', () => {
    const view = summariseCommunity(
      [
        ...history([2, 2, 3, 3, 2, 3, 2]),
        b(CURRENT, 6, 'auth'),
        b(PREVIOUS, 3, 'auth'),
        b(CURRENT, 4, 'timeout'),
        b(PREVIOUS, 1, 'other'),
      ],
      NOW,
    );
    expect(view.sentence).toBe(
      '14 reports in the last 30 minutes, 7× the usual level; most: authentication errors (9).',
    );
    expect(view.byCategory).toEqual([
      { category: 'auth', label: 'Authentication / API key', count: 9 },
      { category: 'timeout', label: 'Timeouts', count: 4 },
      { category: 'other', label: 'Other', count: 1 },
    ]);
    expect(summariseCommunity([b(CURRENT, 1, 'rate_limit')], NOW).sentence).toBe(
      '1 report in the last 30 minutes, within the usual level; most: rate limit errors (1).',
    );
    expect(summariseCommunity([b(CURRENT, 3, 'timeout')], NOW).sentence).toBe(
      '3 reports in the last 30 minutes, 1.5× the usual level; most: timeouts (3).',
    );
  });

  it('counts one category alone for an error page', () => {
    const buckets = [
      b(CURRENT, 7, 'auth'),
      b(CURRENT, 30, 'timeout'),
      ...history([40, 40, 40, 40, 40, 40, 40], 'timeout'),
    ];
    const auth = summariseCommunity(buckets, NOW, 'auth');
    expect(auth).toMatchObject({ recent: 7, usual: 0, spike: true });
    expect(auth.sentence).toBe('7 reports of authentication errors in the last 30 minutes, 3.5× the usual level.');
    expect(summariseCommunity(buckets, NOW).spike).toBe(false);
    expect(summariseCommunity(buckets, NOW, 'quota').sentence).toBe(
      'No reports of quota or billing errors in the last 30 minutes.',
    );
  });
});

describe('the community signal', () => {
  it('is quiet without a spike: no level, no claim of health', () => {
    const reading = readCommunity(summariseCommunity([b(CURRENT, 3)], NOW));
    expect(reading).toMatchObject({ state: 'quiet', level: 'unknown' });
    expect(reading.reasons).toEqual([
      {
        signal: 'community',
        level: null,
        text: '3 reports in the last 30 minutes, 1.5× the usual level; most: authentication errors (3).',
        at: null,
      },
    ]);
  });

  it('raises the headline to degraded at most, with its reason, when it is the only fresh signal', () => {
    const reading = readCommunity(summariseCommunity([b(CURRENT, 500, 'server_error')], NOW));
    expect(reading).toMatchObject({ state: 'fresh', level: 'degraded' });
    const status = combineSignals({
      official: quietReading('official'),
      probe: quietReading('probe'),
      community: reading,
    });
    expect(status.level).toBe('degraded');
    expect(status.reasons[0]).toMatchObject({ signal: 'community', level: 'degraded', at: CURRENT });
    expect(status.reasons[0]!.text).toBe(
      'Users report problems: 500 reports in the last 30 minutes, 250× the usual level; most: server errors (500).',
    );
  });

  it('without a spike leaves a provider with no other fresh signal Unknown', () => {
    const status = combineSignals({
      official: quietReading('official'),
      probe: quietReading('probe'),
      community: readCommunity(summariseCommunity([b(CURRENT, 4)], NOW)),
    });
    expect(status.level).toBe('unknown');
  });
});

describe('communitySeries', () => {
  it('gives 96 buckets ending with the current one, zeros where nothing was reported', () => {
    const series = communitySeries([], NOW);
    expect(series).toHaveLength(96);
    expect(series.at(-1)!.bucketAt).toBe(CURRENT);
    expect(series[0]!.bucketAt).toBe(CURRENT - DAY_MS + COMMUNITY_BUCKET_MS);
    expect(series.every((p) => p.count === 0 && p.usualLow === 0 && p.usualHigh === 0)).toBe(true);
  });

  it('sums categories per bucket and bands the previous days without the quietest and the busiest', () => {
    const at = CURRENT - 4 * COMMUNITY_BUCKET_MS;
    const previous = [0, 1, 2, 3, 4, 5, 100].map((count, i) => b(at - (i + 1) * DAY_MS, count));
    const series = communitySeries([b(at, 2, 'auth'), b(at, 3, 'quota'), ...previous], NOW);
    const point = series.find((p) => p.bucketAt === at)!;
    expect(point).toEqual({ bucketAt: at, count: 5, usualLow: 1, usualHigh: 5 });
    expect(series.filter((p) => p.count > 0)).toHaveLength(1);
  });

  it('needs no bucket older than communitySinceAt: results are the same without them', () => {
    const since = communitySinceAt(NOW);
    expect(since % COMMUNITY_BUCKET_MS).toBe(0);
    const all: Bucket[] = [];
    for (let at = since - DAY_MS; at <= CURRENT; at += COMMUNITY_BUCKET_MS)
      all.push(b(at, 1 + ((at / COMMUNITY_BUCKET_MS) % 7)));
    const kept = all.filter((x) => x.bucketAt >= since);
    expect(kept.length).toBeLessThan(all.length);
    expect(communitySeries(kept, NOW)).toEqual(communitySeries(all, NOW));
    expect(summariseCommunity(kept, NOW)).toEqual(summariseCommunity(all, NOW));
    // ...and it is not later than needed: dropping the oldest kept bucket changes the series.
    expect(communitySeries(kept.slice(1), NOW)).not.toEqual(communitySeries(all, NOW));
  });

  it('uses 15-minute buckets (the store buckets reports by the same constant)', () => {
    expect(COMMUNITY_BUCKET_MS).toBe(15 * MINUTE_MS);
  });
});

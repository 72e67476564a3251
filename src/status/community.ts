// The community signal: recent counted reports against the usual level for this time of day, and the 24-hour series.
import {
  bucketOf,
  COMMUNITY_BUCKET_MS,
  median,
  REPORT_CATEGORIES,
  REPORT_CATEGORY_LABELS,
  type ReportCategory,
  type ReporterAllocation,
} from '../domain.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';
import type { Reason, SignalReading } from './types.ts';

/** The bucket and its length are the store's too, so they live in the vocabulary. */
export { bucketOf, COMMUNITY_BUCKET_MS };
/** The window "right now" covers: the current bucket and the one before it. */
export const COMMUNITY_WINDOW_MS = 30 * MINUTE_MS;
/** How many previous days give the usual level for this time of day. */
export const COMMUNITY_BASELINE_DAYS = 7;
/** The usual level never counts as lower than this, so two reports on a quiet provider are no spike. */
export const COMMUNITY_BASELINE_FLOOR = 2;
/** A spike needs this many times the usual level... */
export const COMMUNITY_SPIKE_MULTIPLE = 3;
/** ...and at least this many counted reports (each from a different client)... */
export const COMMUNITY_SPIKE_MIN_REPORTS = 5;
/** ...from at least this many allocations (IPv6 /48s), so one holder of many /64s cannot raise a spike alone. */
export const COMMUNITY_SPIKE_MIN_ALLOCATIONS = 5;
/** One client's reports of one category for one provider count once within this long. */
export const COMMUNITY_DEDUPE_MS = 30 * MINUTE_MS;
/** The chart covers this long, in buckets. */
export const COMMUNITY_CHART_MS = DAY_MS;
/** The chart's usual band leaves out this many of the baseline days at each end (the quietest and the busiest). */
export const COMMUNITY_BAND_TRIM_DAYS = 1;

/** Counted reports of one category in one bucket; `lastAt`, when known, is the time of the latest of them. */
export type Bucket = { bucketAt: number; category: ReportCategory; count: number; lastAt?: number | null };

export type CommunityView = {
  windowMs: number;
  /** Counted reports in the window, in total and per category (most first, zeros left out). */
  recent: number;
  byCategory: { category: ReportCategory; label: string; count: number }[];
  /** Median count of the same window on previous days, before the floor. */
  usual: number;
  /** The level a spike is measured against: max(usual, floor). */
  baseline: number;
  /** Recent against the baseline. */
  ratio: number;
  /** Distinct allocations (IPv6 /48s, IPv4 addresses) among the recent counted reports. */
  allocations: number;
  spike: boolean;
  sentence: string;
  /** Time of the latest counted report (its bucket's start for rows that predate exact times). */
  lastReportAt: number | null;
};

/** One 15-minute bucket of the chart: its count and the usual range of the same bucket on previous days. */
export type SeriesPoint = { bucketAt: number; count: number; usualLow: number; usualHigh: number };

/** How reports of each category read in a sentence ("most: authentication errors (9)"). */
const CATEGORY_PHRASES: Record<ReportCategory, string> = {
  auth: 'authentication errors',
  rate_limit: 'rate limit errors',
  quota: 'quota or billing errors',
  server_error: 'server errors',
  timeout: 'timeouts',
  overloaded: 'overloaded errors',
  web_login: 'web app login problems',
  other: 'other problems',
};

export const categoryPhrase = (category: ReportCategory): string => CATEGORY_PHRASES[category];

/** Buckets needed: the chart's day and the same day on each baseline day (which covers the window's baseline too). */
export const communitySinceAt = (now: number): number =>
  bucketOf(now) - COMMUNITY_CHART_MS - COMMUNITY_BASELINE_DAYS * DAY_MS + COMMUNITY_BUCKET_MS;

/** Counts per bucket start, of one category or of all. */
function totalsByBucket(buckets: readonly Bucket[], category?: ReportCategory): Map<number, number> {
  const totals = new Map<number, number>();
  for (const b of buckets) {
    if (category === undefined || b.category === category)
      totals.set(b.bucketAt, (totals.get(b.bucketAt) ?? 0) + b.count);
  }
  return totals;
}

/** Sum of the window that ends with the bucket holding `at`. */
function windowSum(totals: Map<number, number>, at: number): number {
  let sum = 0;
  for (
    let bucketAt = bucketOf(at) - COMMUNITY_WINDOW_MS + COMMUNITY_BUCKET_MS;
    bucketAt <= bucketOf(at);
    bucketAt += COMMUNITY_BUCKET_MS
  ) {
    sum += totals.get(bucketAt) ?? 0;
  }
  return sum;
}

const formatRatio = (ratio: number) => ratio.toFixed(ratio < 10 ? 1 : 0).replace(/\.0$/, '');

function describe(
  recent: number,
  ratio: number,
  category: ReportCategory | undefined,
  top: { category: ReportCategory; count: number } | undefined,
): string {
  const what = category ? ` of ${categoryPhrase(category)}` : '';
  if (recent === 0) return `No reports${what} in the last 30 minutes.`;
  const comparison = ratio > 1 ? `${formatRatio(ratio)}× the usual level` : 'within the usual level';
  const most = !category && top ? `; most: ${categoryPhrase(top.category)} (${top.count})` : '';
  return `${recent} report${recent === 1 ? '' : 's'}${what} in the last 30 minutes, ${comparison}${most}.`;
}

/** When the window "right now" starts: the start of the bucket before the current one. */
export const communityWindowStart = (now: number): number => bucketOf(now) - COMMUNITY_WINDOW_MS + COMMUNITY_BUCKET_MS;

/**
 * The window now against the same window on each of the previous days, for all reports or one category.
 * `reporters` are the allocations behind the window's counted reports (from communityWindowStart on); pages always
 * pass them. Without them each counted report counts as its own allocation.
 */
export function summariseCommunity(
  buckets: readonly Bucket[],
  now: number,
  category?: ReportCategory,
  reporters?: readonly ReporterAllocation[],
): CommunityView {
  const totals = totalsByBucket(buckets, category);
  const recent = windowSum(totals, now);
  const windowStart = communityWindowStart(now);
  const counts = new Map<ReportCategory, number>();
  for (const b of buckets) {
    if (
      b.bucketAt >= windowStart &&
      b.bucketAt <= bucketOf(now) &&
      (category === undefined || b.category === category)
    ) {
      counts.set(b.category, (counts.get(b.category) ?? 0) + b.count);
    }
  }
  const byCategory = REPORT_CATEGORIES.filter((c) => (counts.get(c) ?? 0) > 0)
    .map((c) => ({ category: c, label: REPORT_CATEGORY_LABELS[c], count: counts.get(c)! }))
    .sort((a, b) => b.count - a.count);

  const usual =
    median(Array.from({ length: COMMUNITY_BASELINE_DAYS }, (_, i) => windowSum(totals, now - (i + 1) * DAY_MS))) ?? 0;
  const baseline = Math.max(usual, COMMUNITY_BASELINE_FLOOR);
  const ratio = recent / baseline;
  const allocations = reporters
    ? new Set(reporters.filter((r) => category === undefined || r.category === category).map((r) => r.allocation)).size
    : recent;
  const spike =
    recent >= COMMUNITY_SPIKE_MIN_REPORTS &&
    allocations >= COMMUNITY_SPIKE_MIN_ALLOCATIONS &&
    ratio >= COMMUNITY_SPIKE_MULTIPLE;
  let lastReportAt: number | null = null;
  for (const b of buckets) {
    const at = b.lastAt ?? b.bucketAt;
    if (
      (category === undefined || b.category === category) &&
      b.count > 0 &&
      at <= now &&
      (lastReportAt === null || at > lastReportAt)
    )
      lastReportAt = at;
  }

  const sentence = describe(recent, ratio, category, byCategory[0]);
  return {
    windowMs: COMMUNITY_WINDOW_MS,
    recent,
    byCategory,
    usual,
    baseline,
    ratio,
    allocations,
    spike,
    sentence,
    lastReportAt,
  };
}

/** The chart's buckets, oldest first, ending with the current one; the usual range drops the extreme days. */
export function communitySeries(buckets: readonly Bucket[], now: number): SeriesPoint[] {
  const totals = totalsByBucket(buckets);
  const count = COMMUNITY_CHART_MS / COMMUNITY_BUCKET_MS;
  const first = bucketOf(now) - (count - 1) * COMMUNITY_BUCKET_MS;
  return Array.from({ length: count }, (_, i) => {
    const bucketAt = first + i * COMMUNITY_BUCKET_MS;
    const previous = Array.from(
      { length: COMMUNITY_BASELINE_DAYS },
      (_, d) => totals.get(bucketAt - (d + 1) * DAY_MS) ?? 0,
    )
      .sort((a, b) => a - b)
      .slice(COMMUNITY_BAND_TRIM_DAYS, COMMUNITY_BASELINE_DAYS - COMMUNITY_BAND_TRIM_DAYS);
    return { bucketAt, count: totals.get(bucketAt) ?? 0, usualLow: previous[0] ?? 0, usualHigh: previous.at(-1) ?? 0 };
  });
}

export function readCommunity(view: CommunityView): SignalReading {
  const base = { signal: 'community' as const, checkedAt: null, okAt: view.lastReportAt, failing: null };
  if (!view.spike) {
    const reasons: Reason[] = [{ signal: 'community', level: null, text: view.sentence, at: null }];
    return { ...base, state: 'quiet', level: 'unknown', summary: view.sentence, reasons };
  }
  const text = `Users report problems: ${view.sentence}`;
  return {
    ...base,
    state: 'fresh',
    level: 'degraded',
    summary: text,
    reasons: [{ signal: 'community', level: 'degraded', text, at: view.lastReportAt }],
  };
}

// The community signal: recent counted reports against the usual level for this time of day.
import { REPORT_CATEGORIES, REPORT_CATEGORY_LABELS, type ReportCategory } from '../domain.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';
import type { Reason, SignalReading } from './types.ts';

export const COMMUNITY_BUCKET_MS = 15 * MINUTE_MS;
/** The window "right now" covers: the current bucket and the one before it. */
export const COMMUNITY_WINDOW_MS = 30 * MINUTE_MS;
/** How many previous days give the usual level for this time of day. */
export const COMMUNITY_BASELINE_DAYS = 7;
/** The usual level never counts as lower than this, so two reports on a quiet provider are no spike. */
export const COMMUNITY_BASELINE_FLOOR = 2;
/** A spike needs this many times the usual level... */
export const COMMUNITY_SPIKE_MULTIPLE = 3;
/** ...and at least this many counted reports (each from a different client). */
export const COMMUNITY_SPIKE_MIN_REPORTS = 5;

export type Bucket = { bucketAt: number; category: ReportCategory; count: number };

export type CommunityView = {
  windowMs: number;
  /** Counted reports in the window, in total and per category (most first, zeros left out). */
  recent: number;
  byCategory: { category: ReportCategory; label: string; count: number }[];
  /** Median count of the same window on previous days, before the floor. */
  usual: number;
  /** Recent against max(usual, floor). */
  ratio: number;
  spike: boolean;
  sentence: string;
  lastReportAt: number | null;
};

const bucketOf = (at: number) => Math.floor(at / COMMUNITY_BUCKET_MS) * COMMUNITY_BUCKET_MS;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Buckets needed: the window now and the same window on each baseline day. */
export const communitySinceAt = (now: number): number => bucketOf(now) - COMMUNITY_BASELINE_DAYS * DAY_MS - COMMUNITY_WINDOW_MS;

const categoryWords = (category: ReportCategory) => REPORT_CATEGORY_LABELS[category].toLowerCase();

export function summariseCommunity(buckets: readonly Bucket[], now: number, category?: ReportCategory): CommunityView {
  const relevant = category ? buckets.filter((b) => b.category === category) : buckets;
  const windowStart = bucketOf(now) - COMMUNITY_WINDOW_MS + COMMUNITY_BUCKET_MS;
  const inWindow = (b: Bucket, dayOffset: number) =>
    b.bucketAt >= windowStart - dayOffset * DAY_MS && b.bucketAt <= bucketOf(now) - dayOffset * DAY_MS;

  const current = relevant.filter((b) => inWindow(b, 0));
  const recent = current.reduce((sum, b) => sum + b.count, 0);
  const byCategory = REPORT_CATEGORIES.map((c) => ({
    category: c,
    label: REPORT_CATEGORY_LABELS[c],
    count: current.filter((b) => b.category === c).reduce((sum, b) => sum + b.count, 0),
  }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count);

  const daily = Array.from({ length: COMMUNITY_BASELINE_DAYS }, (_, i) =>
    relevant.filter((b) => inWindow(b, i + 1)).reduce((sum, b) => sum + b.count, 0),
  );
  const usual = median(daily);
  const ratio = recent / Math.max(usual, COMMUNITY_BASELINE_FLOOR);
  const spike = recent >= COMMUNITY_SPIKE_MIN_REPORTS && ratio >= COMMUNITY_SPIKE_MULTIPLE;
  const last = relevant.reduce<number | null>((max, b) => (b.count > 0 && (max === null || b.bucketAt > max) ? b.bucketAt : max), null);

  const what = category ? `${categoryWords(category)} report` : 'report';
  let sentence = recent === 0
    ? `No ${what}s in the last 30 minutes.`
    : `${recent} ${what}${recent === 1 ? '' : 's'} in the last 30 minutes`;
  if (recent > 0) {
    sentence += ratio >= 1.5 ? `, ${ratio.toFixed(ratio < 10 ? 1 : 0).replace(/\.0$/, '')}× the usual level` : ', about the usual level';
    const top = byCategory[0];
    sentence += !category && top ? `; most: ${categoryWords(top.category)} (${top.count}).` : '.';
  }
  return { windowMs: COMMUNITY_WINDOW_MS, recent, byCategory, usual, ratio, spike, sentence, lastReportAt: last };
}

export function readCommunity(view: CommunityView): SignalReading {
  const base = { signal: 'community' as const, checkedAt: null, okAt: view.lastReportAt };
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

// The "What We're Seeing Right Now" block: counted reports of the last 30 minutes against the usual level, the 24-hour
// chart, the report form (its category preselected on an error page) and the thank-you notice after a report.
import {
  REPORT_CATEGORIES,
  REPORT_CATEGORY_LABELS,
  REPORT_REGION_LABELS,
  REPORT_REGIONS,
  REPORT_SDK_LABELS,
  REPORT_SDKS,
  type ReportCategory,
} from '../../domain.ts';
import {
  COMMUNITY_BASELINE_DAYS,
  COMMUNITY_CHART_MS,
  COMMUNITY_DEDUPE_MS,
  communitySeries,
} from '../../status/community.ts';
import { MODEL_MIN_ALLOCATIONS, MODEL_RECENT_MS, type ModelTrend } from '../../status/models.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../../time.ts';
import { REPORT_MIN_FILL_MS } from '../http/form-token.ts';
import { HONEYPOT_FIELD, type ReportedQuery, type ReportOutcome } from './report-input.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import type { ErrorType } from '../../catalog/schema.ts';
import { chartView, type ChartView } from './community-chart.ts';
import { lastHoursWords, spanWords, timeView, type TimeView } from './common.ts';

/** What the page route knows about the form: the page's signed render time and the report just sent, if any. */
export type ReportFormInput = { token: string } & ReportedQuery;

type Option = { value: string; label: string };

export type ReportFormView = {
  action: string;
  token: string;
  /** The error page to return to; empty on the dashboard. */
  page: string;
  honeypot: string;
  /** How often one network's report counts per category: "30 minutes". */
  dedupe: string;
  categories: (Option & { checked: boolean })[];
  sdks: Option[];
  regions: Option[];
};

export type CommunityBlockView = {
  sentence: string;
  recent: number;
  windowMinutes: number;
  spike: boolean;
  byCategory: { label: string; count: number }[];
  /** On an error page: the same counts for that error's category. */
  category: { label: string; sentence: string; recent: number } | null;
  lastReport: TimeView | null;
  chart: ChartView;
  /** The chart's span, for the link to it where it is not drawn: "24 hours". */
  chartSpan: string;
  form: ReportFormView;
  /** The answer shown after the form's redirect: whether the report was counted, and why not. */
  notice: { text: string; tone: 'ok' | 'warn' } | null;
  models: ModelsView;
};

/** Models reports name: networks that named each in the last hour and 24 hours, with the usual numbers. */
export type ModelsView = {
  /** The columns' spans: "hour", "24 h". */
  recent: string;
  day: string;
  rows: { model: string; lastHour: string; last24h: string }[];
  /** What the numbers count, or why there is no row. */
  note: string;
};

const usualWords = (n: number) => `usually ${Number.isInteger(n) ? n : n.toFixed(1)}`;

export function modelsView(models: readonly ModelTrend[]): ModelsView {
  const rule =
    `Networks naming each model (shown from ${MODEL_MIN_ALLOCATIONS}); usually: the median of the same hours on the ` +
    `previous ${COMMUNITY_BASELINE_DAYS} days.`;
  return {
    recent: lastHoursWords(MODEL_RECENT_MS),
    day: `${DAY_MS / HOUR_MS} h`,
    rows: models.map((m) => ({
      model: m.model,
      lastHour: `${m.lastHour} (${usualWords(m.usualHour)})`,
      last24h: `${m.last24h} (${usualWords(m.usual24h)})`,
    })),
    note:
      models.length > 0
        ? rule
        : `No model was named in reports from ${MODEL_MIN_ALLOCATIONS} or more networks in the last ` +
          `${lastHoursWords(DAY_MS)}.`,
  };
}

const options = <T extends string>(values: readonly T[], labels: Record<T, string>): Option[] =>
  values.map((value) => ({ value, label: labels[value] }));

export function reportFormView(slug: string, token: string, errorType?: ErrorType): ReportFormView {
  return {
    action: `/${slug}/reports`,
    token,
    page: errorType?.slug ?? '',
    honeypot: HONEYPOT_FIELD,
    dedupe: spanWords(COMMUNITY_DEDUPE_MS),
    categories: REPORT_CATEGORIES.map((value) => ({
      value,
      label: REPORT_CATEGORY_LABELS[value],
      checked: value === errorType?.category,
    })),
    sdks: options(REPORT_SDKS, REPORT_SDK_LABELS),
    regions: options(REPORT_REGIONS, REPORT_REGION_LABELS),
  };
}

const WHY_NOT_COUNTED: Record<Exclude<ReportOutcome, 'counted'>, string> = {
  duplicate:
    `your network already sent one in the last ${COMMUNITY_DEDUPE_MS / MINUTE_MS} minutes, and a network counts ` +
    'once per category in that time',
  too_fast:
    `it came within ${REPORT_MIN_FILL_MS / SECOND_MS} seconds of loading the page, sooner than a person fills ` +
    'in the form; send it again if the problem persists',
  honeypot: 'a field that only automated tools fill in was filled in',
};

/** The answer to a report: counted (the count below includes it) or not, and why not. */
export function reportNotice(category: ReportCategory, outcome?: ReportOutcome): { text: string; tone: 'ok' | 'warn' } {
  const what = `your report (${REPORT_CATEGORY_LABELS[category]})`;
  if (outcome === 'counted') return { text: `Thank you: ${what} was counted.`, tone: 'ok' };
  if (outcome === undefined) return { text: `Thank you: ${what} was received.`, tone: 'ok' };
  return { text: `Not counted: ${what} arrived, but ${WHY_NOT_COUNTED[outcome]}.`, tone: 'warn' };
}

/**
 * Since when this server has data on the provider within the chart's day: its first probe result or counted report
 * there. Null (the whole day) when it has older reports, or no data at all (an unprobed provider's quiet day).
 */
function chartDataSince(data: ProviderData): number | null {
  const start = data.now - COMMUNITY_CHART_MS;
  // Reports from before the day (the usual band's history) show the server was there all day.
  if (data.buckets.some((b) => b.bucketAt < start)) return null;
  const times = [
    ...data.probeSamples.map((s) => s.at),
    ...data.buckets.filter((b) => b.count > 0).map((b) => b.bucketAt),
  ].filter((at) => at >= start);
  return times.length > 0 ? Math.min(...times) : null;
}

export function communityView(data: ProviderData, form: ReportFormInput, errorType?: ErrorType): CommunityBlockView {
  const all = data.community;
  const only = errorType ? data.error(errorType).community : null;
  return {
    sentence: all.sentence,
    recent: all.recent,
    windowMinutes: Math.round(all.windowMs / MINUTE_MS),
    spike: all.spike,
    byCategory: all.byCategory.map((c) => ({ label: c.label, count: c.count })),
    category:
      errorType && only
        ? { label: REPORT_CATEGORY_LABELS[errorType.category], sentence: only.sentence, recent: only.recent }
        : null,
    lastReport: timeView(all.lastReportAt, data.now),
    chart: chartView(communitySeries(data.buckets, data.now), data.now, chartDataSince(data)),
    chartSpan: lastHoursWords(COMMUNITY_CHART_MS),
    form: reportFormView(data.provider.slug, form.token, errorType),
    notice: form.reported ? reportNotice(form.reported, form.outcome) : null,
    models: modelsView(data.models),
  };
}

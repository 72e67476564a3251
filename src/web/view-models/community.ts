// The "What We're Seeing Right Now" block: counted reports of the last 30 minutes against the usual level.
import type { ReportCategory } from '../../domain.ts';
import { REPORT_CATEGORY_LABELS } from '../../domain.ts';
import { summariseCommunity } from '../../status/community.ts';
import type { ProviderData } from '../provider-data.ts';
import { timeView, type TimeView } from './common.ts';

export type CommunityBlockView = {
  sentence: string;
  recent: number;
  windowMinutes: number;
  spike: boolean;
  byCategory: { label: string; count: number }[];
  /** On an error page: the same counts for that error's category. */
  category: { label: string; sentence: string; recent: number } | null;
  lastReport: TimeView | null;
};

export function communityView(data: ProviderData, category?: ReportCategory): CommunityBlockView {
  const all = data.community;
  const only = category ? summariseCommunity(data.buckets, data.now, category) : null;
  return {
    sentence: all.sentence,
    recent: all.recent,
    windowMinutes: Math.round(all.windowMs / 60000),
    spike: all.spike,
    byCategory: all.byCategory.map((c) => ({ label: c.label, count: c.count })),
    category: category && only ? { label: REPORT_CATEGORY_LABELS[category], sentence: only.sentence, recent: only.recent } : null,
    lastReport: timeView(all.lastReportAt, data.now),
  };
}

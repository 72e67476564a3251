// View model of `/`: every provider with its level and data age, worst first, optionally filtered by name.
import { LEVEL_SEVERITY, type Level } from '../../domain.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { levelView, timeView, type LevelView, type TimeView } from '../blocks/common.ts';
import { correlatedLines } from '../blocks/correlated.ts';

export type HomeRowView = { slug: string; name: string; status: LevelView; summary: string; checked: TimeView | null };
export type HomeView = {
  title: string;
  description: string;
  query: string;
  rows: HomeRowView[];
  total: number;
  counts: (LevelView & { count: number })[];
  /** Providers in trouble together, or our own probes at fault instead. */
  correlated: ReturnType<typeof correlatedLines>;
};

/** Worst first; unknown sits between trouble and operational, since it is neither. */
const ORDER = (level: Level): number =>
  level === 'unknown' ? 0.5 : LEVEL_SEVERITY[level] === 0 ? 0 : LEVEL_SEVERITY[level] + 1;

export function homeView(all: ProviderData[], query: string, siteName: string): HomeView {
  const needle = query.trim().toLowerCase();
  const matches = (d: ProviderData) =>
    needle === '' ||
    [d.provider.name, d.provider.slug, ...d.provider.aliases].some((n) => n.toLowerCase().includes(needle));
  const rows = all
    .filter(matches)
    .sort((a, b) => ORDER(b.status.level) - ORDER(a.status.level) || a.provider.name.localeCompare(b.provider.name))
    .map((d) => ({
      slug: d.provider.slug,
      name: d.provider.name,
      status: levelView(d.status.level),
      summary: d.status.summary,
      checked: timeView(d.status.lastGoodAt, d.now),
    }));
  const levels = [...new Set(all.map((d) => d.status.level))].sort((a, b) => ORDER(b) - ORDER(a));
  return {
    title: `${siteName}: is it me or them?`,
    description:
      `Live status of ${all.length} AI API providers from their official status pages, live probes ` +
      `and community reports, with guides to their errors.`,
    query: query.trim(),
    rows,
    total: all.length,
    correlated: correlatedLines(
      all[0]?.correlation ?? { groups: [], localFault: null },
      all[0]?.now ?? 0,
      (slug) => all.find((d) => d.provider.slug === slug)?.provider.name ?? slug,
    ),
    counts: levels.map((level) => ({ ...levelView(level), count: all.filter((d) => d.status.level === level).length })),
  };
}

// `/`: every provider with its level and data age, worst first, optionally filtered by name (route and view model).
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { WebDeps } from '../http/deps.ts';
import { parseOr400 } from '../http/problems.ts';
import { pageTemplate } from '../http/render.ts';
import { allFeedLinks } from '../machine/feed.ts';
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

const template = pageTemplate<HomeView>('home');
const HomeQuery = z.strictObject({ q: z.string().max(100, 'at most 100 characters').optional() });

export async function homePage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { config, assessor, store, pages, now } = deps;
  app.get('/', async (request, reply) => {
    const { q = '' } = parseOr400(HomeQuery, request.query, 'query');
    const render = async () => {
      const view = homeView(await assessor.all(now()), q, config.siteName);
      return pages.html(
        template,
        { title: view.title, description: view.description, path: '/', feeds: allFeedLinks() },
        view,
      );
    };
    // Filtered lists are cheap and unbounded in number, so only the plain list is cached.
    if (q.trim() !== '')
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(await render());
    return pages.serve(request, reply, 'page:/', store.versions.global(), render);
  });
}

// `/accountability` and `GET /api/v1/accountability` (routes and view models): providers ranked by how late they
// acknowledge trouble we detected first (only those with a measured lag are ranked), with their API uptime and its
// coverage; every count above 0 links to the incidents behind it.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { pageTemplate } from '../http/render.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { Provider } from '../../catalog/schema.ts';
import {
  ACCOUNTABILITY_WINDOW_MS,
  summariseAccountability,
  type Accountability,
  type IncidentSpan,
} from '../../status/accountability.ts';
import { DAY_MS, formatDuration, SECOND_MS, toIso } from '../../time.ts';
import type { Uptime } from '../../assessment/history.ts';
import type { UptimeFigure } from '../../status/history.ts';
import type { Crumb } from '../http/structured-data.ts';
import { coverageJson, uptimeParts } from '../blocks/history.ts';

export type AccountabilityRow = { provider: Provider; figures: Accountability; uptime: Uptime };

/** Where a provider's incidents are listed: the figures link there. */
export const incidentsHref = (slug: string): string => `/${slug}/history#history-incidents`;

const NO_UPTIME = { share: null, measuredMs: 0, daysWithData: 0, days: 0 };

/**
 * Each provider's figures: the ones with a measured lag ranked (shortest median lag first, then the highest 90-day
 * uptime, then by name), and the others apart, by name, never ranked.
 */
export function accountabilityRows(
  catalog: Catalog,
  spans: ReadonlyMap<string, readonly IncidentSpan[]>,
  uptime: ReadonlyMap<string, Uptime>,
  now: number,
): { ranked: AccountabilityRow[]; unranked: AccountabilityRow[] } {
  const rows = catalog.providers.map((provider) => ({
    provider,
    figures: summariseAccountability(spans.get(provider.slug) ?? [], now),
    uptime: uptime.get(provider.slug) ?? { uptime30d: NO_UPTIME, uptime90d: NO_UPTIME },
  }));
  const lagOf = (r: AccountabilityRow) => r.figures.medianAckLagSeconds;
  const byName = (a: AccountabilityRow, b: AccountabilityRow) => a.provider.name.localeCompare(b.provider.name);
  return {
    ranked: rows
      .filter((r) => lagOf(r) !== null)
      .sort(
        (a, b) =>
          lagOf(a)! - lagOf(b)! || (b.uptime.uptime90d.share ?? -1) - (a.uptime.uptime90d.share ?? -1) || byName(a, b),
      ),
    unranked: rows.filter((r) => lagOf(r) === null).sort(byName),
  };
}

export type AccountabilityRows = ReturnType<typeof accountabilityRows>;

export function accountabilityJson(rows: AccountabilityRows, siteUrl: string, now: number) {
  const json = ({ provider, figures, uptime }: AccountabilityRow, rank: number | null) => ({
    slug: provider.slug,
    name: provider.name,
    rank,
    uptime30d: uptime.uptime30d.share,
    uptime90d: uptime.uptime90d.share,
    coverage30d: coverageJson(uptime.uptime30d),
    coverage90d: coverageJson(uptime.uptime90d),
    medianAckLagSeconds: figures.medianAckLagSeconds,
    worstAckLagSeconds: figures.worstAckLagSeconds,
    seenFirst: figures.seenFirst,
    unacknowledged: figures.unacknowledged,
    missed: figures.missed,
    incidents: `${siteUrl}${incidentsHref(provider.slug)}`,
  });
  return {
    generatedAt: toIso(now),
    windowDays: ACCOUNTABILITY_WINDOW_MS / DAY_MS,
    providers: [...rows.ranked.map((r, i) => json(r, i + 1)), ...rows.unranked.map((r) => json(r, null))],
  };
}

/** One figure: its text, what it is over (uptime only), its column's head, and where the incidents behind it are. */
export type FigureCell = { text: string; note: string | null; head: string; href: string | null };
export type AccountabilityRowView = { rank: number | null; name: string; href: string; cells: FigureCell[] };
export type AccountabilityView = {
  breadcrumbs: Crumb[];
  title: string;
  description: string;
  window: string;
  /** Providers with a measured lag, ranked. */
  rows: AccountabilityRowView[];
  /** Providers without one, by name: their other figures, no rank. */
  unranked: AccountabilityRowView[];
  /** Whether any uptime figure is known yet. */
  uptimeKnown: boolean;
};

const lagText = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds * SECOND_MS));

/** The figures of one provider; the lag columns only for a ranked one (the others have none). */
function rowView({ provider, figures, uptime }: AccountabilityRow, rank: number | null): AccountabilityRowView {
  const href = incidentsHref(provider.slug);
  // A figure with nothing behind it (0, or no lag) links nowhere.
  const count = (value: number | null, head: string, text = String(value)): FigureCell => ({
    text,
    note: null,
    head,
    href: value ? href : null,
  });
  const uptimeCell = (f: UptimeFigure, days: number): FigureCell => {
    const { value, over } = uptimeParts(f);
    return { text: value, note: over, head: `API uptime, ${days} days`, href: null };
  };
  return {
    rank,
    name: provider.name,
    href: `/${provider.slug}`,
    cells: [
      ...(rank === null
        ? []
        : [
            count(figures.medianAckLagSeconds, 'Median lag', lagText(figures.medianAckLagSeconds)),
            count(figures.worstAckLagSeconds, 'Worst lag', lagText(figures.worstAckLagSeconds)),
            count(figures.seenFirst, 'We saw first'),
          ]),
      count(figures.unacknowledged, 'Never posted'),
      count(figures.missed, 'We missed'),
      uptimeCell(uptime.uptime30d, 30),
      uptimeCell(uptime.uptime90d, 90),
    ],
  };
}

export function accountabilityView(rows: AccountabilityRows): AccountabilityView {
  const window = `${ACCOUNTABILITY_WINDOW_MS / DAY_MS} days`;
  const all = [...rows.ranked, ...rows.unranked];
  return {
    breadcrumbs: [
      { name: 'Home', path: '/' },
      { name: 'Accountability', path: '/accountability' },
    ],
    title: 'How late AI providers acknowledge outages',
    description:
      `AI API providers ranked by how long after our own probes saw trouble they posted it, over ${window}, ` +
      'with their API uptime.',
    window,
    uptimeKnown: all.some((r) => r.uptime.uptime30d.share !== null || r.uptime.uptime90d.share !== null),
    rows: rows.ranked.map((r, i) => rowView(r, i + 1)),
    unranked: rows.unranked.map((r) => rowView(r, null)),
  };
}

const template = pageTemplate<AccountabilityView>('accountability');

export async function accountabilityPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, store, pages, now, history } = deps;

  async function rows(at: number): Promise<AccountabilityRows> {
    const spans = new Map<string, IncidentSpan[]>();
    for (const { providerSlug, ...span } of await store.incidents.timeline(at - ACCOUNTABILITY_WINDOW_MS)) {
      spans.set(providerSlug, [...(spans.get(providerSlug) ?? []), span]);
    }
    const uptime = new Map<string, Uptime>();
    for (const p of catalog.providers) {
      uptime.set(p.slug, await history.uptime(p, at));
    }
    return accountabilityRows(catalog, spans, uptime, at);
  }

  app.get('/api/v1/accountability', async (request, reply) =>
    pages.serveJson(request, reply, 'api:accountability', store.versions.global(), async () => {
      const at = now();
      return accountabilityJson(await rows(at), config.siteUrl, at);
    }),
  );

  app.get('/accountability', async (request, reply) =>
    pages.serve(request, reply, 'page:/accountability', store.versions.global(), async () => {
      const view = accountabilityView(await rows(now()));
      const meta = {
        title: view.title,
        description: view.description,
        path: '/accountability',
        breadcrumbs: view.breadcrumbs,
      };
      return pages.html(template, meta, view);
    }),
  );
}

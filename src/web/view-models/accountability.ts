// View models of `/accountability` and its JSON: providers ranked by how late they acknowledge trouble we detected
// first, with their API uptime; every figure links to the incidents behind it.
import type { Catalog } from '../../catalog/load.ts';
import type { Provider } from '../../catalog/schema.ts';
import {
  ACCOUNTABILITY_WINDOW_MS,
  summariseAccountability,
  type Accountability,
  type IncidentSpan,
} from '../../status/accountability.ts';
import { DAY_MS, formatDuration, SECOND_MS, toIso } from '../../time.ts';
import type { Uptime } from '../history-data.ts';
import type { Crumb } from '../structured-data.ts';
import { formatUptime } from './history.ts';

export type AccountabilityRow = { provider: Provider; figures: Accountability; uptime: Uptime };

/** Where a provider's incidents are listed: the figures link there. */
export const incidentsHref = (slug: string): string => `/${slug}/history#history-incidents`;

const byNullable = (a: number | null, b: number | null, direction: 1 | -1): number =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : (a - b) * direction;

/**
 * Each provider's figures, ranked: shortest median lag first (providers we never saw first after them), then the
 * highest 90-day uptime, then by name.
 */
export function accountabilityRows(
  catalog: Catalog,
  spans: ReadonlyMap<string, readonly IncidentSpan[]>,
  uptime: ReadonlyMap<string, Uptime>,
  now: number,
): AccountabilityRow[] {
  return catalog.providers
    .map((provider) => ({
      provider,
      figures: summariseAccountability(spans.get(provider.slug) ?? [], now),
      uptime: uptime.get(provider.slug) ?? { uptime30d: null, uptime90d: null },
    }))
    .sort(
      (a, b) =>
        byNullable(a.figures.medianAckLagSeconds, b.figures.medianAckLagSeconds, 1) ||
        byNullable(a.uptime.uptime90d, b.uptime.uptime90d, -1) ||
        a.provider.name.localeCompare(b.provider.name),
    );
}

export function accountabilityJson(rows: readonly AccountabilityRow[], siteUrl: string, now: number) {
  return {
    generatedAt: toIso(now),
    windowDays: ACCOUNTABILITY_WINDOW_MS / DAY_MS,
    providers: rows.map(({ provider, figures, uptime }) => ({
      slug: provider.slug,
      name: provider.name,
      uptime30d: uptime.uptime30d,
      uptime90d: uptime.uptime90d,
      medianAckLagSeconds: figures.medianAckLagSeconds,
      worstAckLagSeconds: figures.worstAckLagSeconds,
      seenFirst: figures.seenFirst,
      unacknowledged: figures.unacknowledged,
      missed: figures.missed,
      incidents: `${siteUrl}${incidentsHref(provider.slug)}`,
    })),
  };
}

export type FigureCell = { text: string; href: string; label: string };
export type AccountabilityView = {
  breadcrumbs: Crumb[];
  title: string;
  description: string;
  window: string;
  rows: { rank: number; name: string; href: string; cells: FigureCell[] }[];
  /** Whether any uptime figure is known yet. */
  uptimeKnown: boolean;
};

const lagText = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds * SECOND_MS));

export function accountabilityView(rows: readonly AccountabilityRow[]): AccountabilityView {
  const window = `${ACCOUNTABILITY_WINDOW_MS / DAY_MS} days`;
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
    uptimeKnown: rows.some((r) => r.uptime.uptime30d !== null || r.uptime.uptime90d !== null),
    rows: rows.map(({ provider, figures, uptime }, i) => {
      const href = incidentsHref(provider.slug);
      const cell = (text: string, label: string): FigureCell => ({ text, href, label: `${provider.name}: ${label}` });
      return {
        rank: i + 1,
        name: provider.name,
        href: `/${provider.slug}`,
        cells: [
          cell(lagText(figures.medianAckLagSeconds), 'median acknowledgement lag'),
          cell(lagText(figures.worstAckLagSeconds), 'worst acknowledgement lag'),
          cell(String(figures.seenFirst), 'incidents we detected first'),
          cell(String(figures.unacknowledged), 'detected incidents never acknowledged'),
          cell(String(figures.missed), 'official incidents we never saw'),
          cell(formatUptime(uptime.uptime30d), 'API uptime over 30 days'),
          cell(formatUptime(uptime.uptime90d), 'API uptime over 90 days'),
        ],
      };
    }),
  };
}

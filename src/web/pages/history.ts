// `/:provider/history` (90 bars per subject, every incident, a day view with `?day=`) and its JSON twin
// `/api/v1/providers/:provider/history?days=N`, both from the render cache (routes and view model).
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Provider } from '../../catalog/schema.ts';
import { LEVEL_LABELS } from '../../domain.ts';
import { DETECTED_BY } from '../../status/detection.ts';
import { uptimeOfDays, type HistoryDay, type HistoryIncident } from '../../status/history.ts';
import { DAY_MS, formatDay, formatDuration, toIso } from '../../time.ts';
import type { ProviderHistory } from '../../assessment/history.ts';
import type { Crumb } from '../http/structured-data.ts';
import { timeView, type TimeView } from '../blocks/common.ts';
import { formatMs } from '../blocks/probe-chart.ts';
import { dayOfDate } from '../../status/history.ts';
import { HistoryQuery } from '../api/operations.ts';
import type { WebDeps } from '../http/deps.ts';
import { NotFound, parseOr400, trackedProvider } from '../http/problems.ts';
import { pageTemplate } from '../http/render.ts';
import {
  alike,
  coverageJson,
  dayText,
  historyBlockView,
  HISTORY_LABELS,
  HISTORY_TONES,
  minutesOf,
  namesOf,
  spent,
  uptimeText,
  UPTIME_SPANS,
  type HistoryBlockView,
} from '../blocks/history.ts';

export type HistoryIncidentView = {
  id: number;
  title: string;
  href: string | null;
  source: string;
  kind: string;
  started: TimeView;
  ended: TimeView | null;
  duration: string;
  /** How long after our detection the provider acknowledged it, in words; null (not measured): nothing shown. */
  ackLag: string | null;
};

/** The acknowledgement lag of an official incident in seconds (null when we did not see it first). */
export type AckLagOf = (incidentId: number) => number | null;

function incidentView(i: HistoryIncident, now: number, ackLagOf: AckLagOf): HistoryIncidentView {
  const lag = i.origin === 'official' ? ackLagOf(i.id) : null;
  return {
    id: i.id,
    title: i.title,
    href: i.url,
    source: i.origin === 'detected' ? sentence(DETECTED_BY[i.cause ?? 'probe']) : 'Official',
    kind: i.kind === 'maintenance' ? 'Maintenance' : 'Incident',
    started: timeView(i.startedAt, now)!,
    ended: timeView(i.endedAt, now),
    duration:
      i.endedAt === null ? `${formatDuration(now - i.startedAt)} so far` : formatDuration(i.endedAt - i.startedAt),
    ackLag: lag === null ? null : `${formatDuration(lag * 1000)} after we detected it`,
  };
}

/** Every incident of the days, newest first, each once. */
function incidentsOf(days: readonly HistoryDay[]): HistoryIncident[] {
  const byId = new Map<number, HistoryIncident>();
  for (const d of days) for (const i of d.incidents) byId.set(i.id, i);
  return [...byId.values()].sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
}

export const historyIncidents = (
  days: readonly HistoryDay[],
  now: number,
  ackLagOf: AckLagOf = () => null,
): HistoryIncidentView[] => incidentsOf(days).map((i) => incidentView(i, now, ackLagOf));

/** Incidents a history page lists one by one; older ones are summed up in a line (the page stays light). */
export const HISTORY_INCIDENTS_SHOWN = 25;

/** "and 12 older incidents (started …), all in the JSON", linking to it; null when none was left out. */
type OlderIncidents = { text: string; href: string } | null;

/** The newest incidents one by one, the older ones in a line. */
function bounded(all: readonly HistoryIncidentView[], slug: string) {
  const older = all.slice(HISTORY_INCIDENTS_SHOWN);
  const span = older.length > 0 ? `${older.at(-1)!.started.utc}–${older[0]!.started.utc}` : '';
  return {
    incidents: all.slice(0, HISTORY_INCIDENTS_SHOWN),
    older:
      older.length === 0
        ? null
        : {
            text: `and ${older.length} older ${older.length === 1 ? 'incident' : 'incidents'} (started ${span}), all in the JSON`,
            href: `/api/v1/providers/${slug}/history`,
          },
  };
}

export type DayView = {
  date: string;
  title: string;
  level: { label: string; tone: string };
  minutes: { label: string; minutes: number }[];
  uptime: string;
  probe: string;
  /** The day's newest incidents, at most HISTORY_INCIDENTS_SHOWN, and the older ones in one line. */
  incidents: HistoryIncidentView[];
  older: OlderIncidents;
  components: { name: string; text: string }[];
};

function probeText(day: HistoryDay, provider: Provider): string {
  const p = day.probe;
  if (!provider.probe) return `We do not probe the ${provider.name} API, so no probe results.`;
  if (!p || p.attempts === 0) {
    // Raw results are pruned after a while; an outage our probes detected still stands in the incidents below.
    const detected = day.incidents.some((i) => i.cause === 'probe');
    return detected
      ? 'No probe totals were kept for that day; the outage our probes detected is listed below.'
      : 'No probe results recorded that day.';
  }
  const rate = `${(Math.floor((p.successes / p.attempts) * 1000) / 10).toFixed(1)} %`;
  const latency = p.medianMs === null ? '' : `, median latency of the answers ${formatMs(p.medianMs)}`;
  return `${p.successes} of ${p.attempts} probes answered as expected (${rate})${latency}.`;
}

export function dayView(history: ProviderHistory, date: string, ackLagOf: AckLagOf = () => null): DayView | null {
  const index = history.api.days.findIndex((d) => d.date === date);
  const day = history.api.days[index];
  if (!day) return null;
  return {
    date,
    title: formatDay(day.day * DAY_MS),
    level: { label: HISTORY_LABELS[day.level], tone: HISTORY_TONES[day.level] },
    minutes: spent(day).map(([level, ms]) => ({ label: LEVEL_LABELS[level], minutes: minutesOf(ms) })),
    uptime: uptimeText(uptimeOfDays([day])),
    probe: probeText(day, history.provider),
    ...bounded(historyIncidents([day], history.now, ackLagOf), history.provider.slug),
    components: alike(history.components, (c) => dayText(c.history.days[index]!)).map((group) => ({
      name: namesOf(group),
      text: dayText(group[0]!.history.days[index]!),
    })),
  };
}

export type HistoryPageView = {
  title: string;
  description: string;
  provider: { slug: string; name: string };
  breadcrumbs: Crumb[];
  block: HistoryBlockView;
  /** The newest incidents, at most HISTORY_INCIDENTS_SHOWN, and the older ones in one line. */
  incidents: HistoryIncidentView[];
  older: OlderIncidents;
  /** Whether any incident has a measured acknowledgement lag (the column is shown only then). */
  showAckLag: boolean;
  day: DayView | null;
  days: number;
};

/**
 * The history page, or one day of it. `ackLagOf` gives each official incident's acknowledgement lag where it was
 * measured (the accountability measure); without it no lag is shown, never a made-up one.
 */
export function historyPageView(
  history: ProviderHistory,
  date: string | null,
  options: { ackLagOf?: AckLagOf } = {},
): HistoryPageView {
  const { provider } = history;
  const ackLagOf = options.ackLagOf ?? (() => null);
  const incidents = historyIncidents(history.api.days, history.now, ackLagOf);
  const day = date === null ? null : dayView(history, date, ackLagOf);
  const heading = `${provider.name} status history`;
  return {
    title: day ? `${provider.name} on ${day.title}` : heading,
    description:
      `${provider.name} API uptime over the last ${UPTIME_SPANS.long}, day by day, with every incident: ` +
      `${UPTIME_SPANS.short} ${uptimeText(history.api.uptime30d)}, ${UPTIME_SPANS.long} ` +
      `${uptimeText(history.api.uptime90d)}.`,
    provider: { slug: provider.slug, name: provider.name },
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: provider.name, path: `/${provider.slug}` },
      { name: 'History', path: `/${provider.slug}/history` },
      ...(day ? [{ name: day.title, path: `/${provider.slug}/history?day=${day.date}` }] : []),
    ],
    block: historyBlockView(history, { compact: false }),
    ...bounded(incidents, provider.slug),
    showAckLag: incidents.some((i) => i.ackLag !== null),
    day,
    days: history.api.days.length,
  };
}

/** "Detected by our probes" from "detected by our probes". */
const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A figure's coverage in the JSON: the window, its days with data and the measured minutes. */

/** The JSON twin of the history: the last `count` days (oldest first) and the 30- and 90-day uptime. */
export function historyJson(history: ProviderHistory, count: number) {
  const dayJson = (d: HistoryDay) => ({
    date: d.date,
    level: d.level,
    minutes: Object.fromEntries(spent(d).map(([level, ms]) => [level, minutesOf(ms)])),
    uptime: uptimeOfDays([d]).share,
  });
  return {
    provider: history.provider.slug,
    uptime30d: history.api.uptime30d.share,
    uptime90d: history.api.uptime90d.share,
    coverage30d: coverageJson(history.api.uptime30d),
    coverage90d: coverageJson(history.api.uptime90d),
    days: history.api.days.slice(-count).map((d) => ({
      ...dayJson(d),
      probeAttempts: d.probe?.attempts ?? 0,
      probeSuccessRate: d.probe && d.probe.attempts > 0 ? d.probe.successes / d.probe.attempts : null,
      probeMedianMs: d.probe?.medianMs ?? null,
      incidents: d.incidents.map((i) => i.id),
    })),
    incidents: incidentsOf(history.api.days.slice(-count)).map((i) => ({
      id: i.id,
      title: i.title,
      origin: i.origin,
      source: i.origin,
      cause: i.cause,
      kind: i.kind,
      impact: i.impact,
      startedAt: toIso(i.startedAt),
      endedAt: i.endedAt === null ? null : toIso(i.endedAt),
      url: i.url,
      ackLagSeconds: history.ackLags.get(i.id) ?? null,
    })),
    components: history.components.map((c) => ({
      key: c.key,
      name: c.name,
      uptime30d: c.history.uptime30d.share,
      uptime90d: c.history.uptime90d.share,
      days: c.history.days.slice(-count).map(dayJson),
    })),
    generatedAt: toIso(history.now),
  };
}

const template = pageTemplate<HistoryPageView>('history');

const DayQuery = z.object({
  day: z
    .string()
    .refine((date) => dayOfDate(date) !== null, 'a calendar date written YYYY-MM-DD, e.g. 2026-11-29')
    .optional(),
});

export async function historyPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, store, pages, now, history } = deps;
  const providerOf = (slug: string) => trackedProvider(catalog, slug);

  app.get<{ Params: { provider: string } }>('/api/v1/providers/:provider/history', async (request, reply) => {
    const provider = providerOf(request.params.provider);
    const { days } = parseOr400(HistoryQuery, request.query, 'query');
    const key = `api:providers/${provider.slug}/history?days=${days}`;
    return pages.serveJson(request, reply, key, store.versions.of(provider.slug), async () =>
      historyJson(await history.read(provider, now()), days),
    );
  });

  app.get<{ Params: { provider: string } }>('/:provider/history', async (request, reply) => {
    const provider = providerOf(request.params.provider);
    const { day } = parseOr400(DayQuery, request.query, 'query');
    const path = `/${provider.slug}/history`;
    return pages.serve(request, reply, `page:${path}?day=${day ?? ''}`, store.versions.of(provider.slug), async () => {
      const read = await history.read(provider, now());
      const view = historyPageView(read, day ?? null, { ackLagOf: (id) => read.ackLags.get(id) ?? null });
      if (day !== undefined && view.day === null) {
        throw new NotFound(`We show the last ${view.days} days of ${provider.name} here; ${day} is not one of them.`);
      }
      return pages.html(
        template,
        { title: view.title, description: view.description, path, breadcrumbs: view.breadcrumbs },
        view,
      );
    });
  });
}

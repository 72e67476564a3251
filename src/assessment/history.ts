// The daily history reader: a provider's days from the rollups, handed to the pure history (status/history.ts): the
// API's days with probe totals and incidents (outages folded in), each shown official component's days (with the
// outages of incidents naming it), and the uptime.
import type { Provider } from '../catalog/schema.ts';
import { ackLagsById } from '../status/accountability.ts';
import { isShown } from '../status/assess.ts';
import { causeOfKey } from '../status/detection.ts';
import {
  API_SUBJECT,
  buildHistory,
  componentSubject,
  countedAgainst,
  dayOf,
  HISTORY_DAYS,
  probeDay,
  type HistoryIncident,
  type SubjectHistory,
  type UptimeFigure,
} from '../status/history.ts';
import { incidentScope, placeComponent } from '../status/scope.ts';
import type { Store } from '../store/index.ts';
import type { ComponentRow } from '../store/components.ts';
import type { IncidentOfDays } from '../store/rollups.ts';
import { DAY_MS } from '../time.ts';

export type ComponentHistory = { key: string; name: string; history: SubjectHistory };

export type ProviderHistory = {
  provider: Provider;
  now: number;
  /** The API's level per day (as the one assessment gave it, outages folded in), probe totals, incidents. */
  api: SubjectHistory;
  /** Each official component the status page shows now (not one hidden while operational), with its days. */
  components: ComponentHistory[];
  /** Each official incident's acknowledgement lag in seconds, by id (null when we did not see it first). */
  ackLags: ReadonlyMap<number, number | null>;
};

/** The API's 30- and 90-day uptime, each with its coverage. */
export type Uptime = { uptime30d: UptimeFigure; uptime90d: UptimeFigure };

export type HistoryReader = {
  /** The last HISTORY_DAYS days of a provider. */
  read(provider: Provider, now: number): Promise<ProviderHistory>;
  /** The API's uptime at `now` (what rankings read: the same figures as `read`). */
  uptime(provider: Provider, now: number): Promise<Uptime>;
};

/** The incidents with their scope placed the way the assessment places them, and a detected one's cause. */
function placed(provider: Provider, stored: readonly ComponentRow[], rows: readonly IncidentOfDays[]) {
  const byKey = new Map(stored.map((c) => [c.key, c]));
  const scopeOf = (c: { key?: string; name: string }) =>
    placeComponent(provider.components, (c.key !== undefined ? byKey.get(c.key) : undefined) ?? c).scope;
  return rows.map(({ key, components, ...row }): HistoryIncident => ({
    ...row,
    cause: row.origin === 'detected' ? causeOfKey(key) : null,
    componentKeys: components.map((c) => c.key),
    scope: row.origin === 'detected' ? 'api' : incidentScope({ title: row.title, components }, scopeOf).scope,
  }));
}

/** `probeRegion`: whose probe totals the history shows, this node's own (default `local`). */
export function createHistoryReader(deps: { store: Store; probeRegion?: string }): HistoryReader {
  const { store } = deps;
  const region = deps.probeRegion ?? 'local';
  const span = (now: number) => ({ from: dayOf(now) - HISTORY_DAYS + 1, to: dayOf(now) });

  /** Probe totals of the days: rolled up, and today's read live (its rollup may be minutes behind an outage). */
  async function probeTotals(slug: string, now: number) {
    const { from, to } = span(now);
    const [rollups, today] = await Promise.all([
      store.rollups.probeDays(slug, from, to - 1, region),
      store.rollups.probeResultsOfDay(slug, to, region),
    ]);
    const todays = probeDay(today);
    return todays.attempts > 0 ? [...rollups, { day: to, ...todays }] : rollups;
  }

  /** The API's days: every page, the JSON and the rankings read this one history (rankings without probe totals). */
  async function apiHistory(provider: Provider, now: number, withProbes: boolean) {
    const { from, to } = span(now);
    const [levels, probes, rows, stored] = await Promise.all([
      store.rollups.levels(provider.slug, from, to, API_SUBJECT),
      withProbes ? probeTotals(provider.slug, now) : [],
      store.rollups.incidentsBetween(provider.slug, from * DAY_MS, (to + 1) * DAY_MS),
      store.components.list(provider.slug),
    ]);
    const incidents = placed(provider, stored, rows);
    const counted = countedAgainst(incidents, API_SUBJECT);
    return { stored, incidents, api: buildHistory({ now, count: HISTORY_DAYS, levels, probes, incidents, counted }) };
  }

  return {
    async read(provider, now) {
      const slug = provider.slug;
      const { from, to } = span(now);
      const [{ api, stored, incidents }, levels, spans] = await Promise.all([
        apiHistory(provider, now, true),
        store.rollups.levels(slug, from, to),
        store.incidents.timeline(from * DAY_MS, slug),
      ]);
      const shown = stored.filter(isShown);
      const bySubject = new Map<string, typeof levels>();
      for (const row of levels) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
      return {
        provider,
        now,
        api,
        components: shown.map((c) => ({
          key: c.key,
          name: c.name,
          history: buildHistory({
            now,
            count: HISTORY_DAYS,
            levels: bySubject.get(componentSubject(c.key)) ?? [],
            counted: countedAgainst(incidents, componentSubject(c.key)),
          }),
        })),
        ackLags: ackLagsById(spans, now),
      };
    },
    async uptime(provider, now) {
      const { api } = await apiHistory(provider, now, false);
      return { uptime30d: api.uptime30d, uptime90d: api.uptime90d };
    },
  };
}

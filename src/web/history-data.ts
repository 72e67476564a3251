// Reads a provider's daily history from the rollups and hands it to the pure history (status/history.ts): the API's
// days with probe totals and incidents, each official component's days, and the 30- and 90-day uptime.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import {
  API_SUBJECT,
  buildHistory,
  componentSubject,
  dayOf,
  HISTORY_DAYS,
  type SubjectHistory,
} from '../status/history.ts';
import { ackLagsById } from '../status/accountability.ts';
import type { Store } from '../store/index.ts';
import { DAY_MS } from '../time.ts';

export type ComponentHistory = { key: string; name: string; history: SubjectHistory };

export type ProviderHistory = {
  provider: Provider;
  now: number;
  /** The API's level per day (as the one assessment gave it), probe totals, incidents; oldest day first. */
  api: SubjectHistory;
  /** Each official component listed now, with its days. */
  components: ComponentHistory[];
  /** Each official incident's acknowledgement lag in seconds, by id (null when we did not see it first). */
  ackLags: ReadonlyMap<number, number | null>;
};

/** 30- and 90-day uptime of a provider's API: null without data. */
export type Uptime = { uptime30d: number | null; uptime90d: number | null };

export type HistoryReader = {
  /** The last HISTORY_DAYS days of a provider, or undefined for one we do not track. */
  read(slug: string, now: number): Promise<ProviderHistory | undefined>;
  /** The API's 30- and 90-day uptime at `now` (what rankings read), or undefined for a provider we do not track. */
  uptime(slug: string, now: number): Promise<Uptime | undefined>;
};

export function createHistoryReader(deps: { store: Store; catalog: Catalog }): HistoryReader {
  const { store, catalog } = deps;
  const span = (now: number) => ({ from: dayOf(now) - HISTORY_DAYS + 1, to: dayOf(now) });

  return {
    async read(slug, now) {
      const provider = catalog.providerBySlug.get(slug);
      if (!provider) return undefined;
      const { from, to } = span(now);
      const [levels, probes, incidents, components, spans] = await Promise.all([
        store.rollups.levels(slug, from, to),
        store.rollups.probeDays(slug, from, to),
        store.rollups.incidentsBetween(slug, from * DAY_MS, (to + 1) * DAY_MS),
        store.components.list(slug),
        store.incidents.timeline(from * DAY_MS, slug),
      ]);
      const bySubject = new Map<string, typeof levels>();
      for (const row of levels) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
      const base = { now, count: HISTORY_DAYS };
      return {
        provider,
        now,
        api: buildHistory({ ...base, levels: bySubject.get(API_SUBJECT) ?? [], probes, incidents }),
        components: components.map((c) => ({
          key: c.key,
          name: c.name,
          history: buildHistory({ ...base, levels: bySubject.get(componentSubject(c.key)) ?? [] }),
        })),
        ackLags: ackLagsById(spans, now),
      };
    },
    async uptime(slug, now) {
      if (!catalog.providerBySlug.has(slug)) return undefined;
      const { from, to } = span(now);
      const api = buildHistory({
        now,
        count: HISTORY_DAYS,
        levels: await store.rollups.levels(slug, from, to, API_SUBJECT),
      });
      return { uptime30d: api.uptime30d, uptime90d: api.uptime90d };
    },
  };
}

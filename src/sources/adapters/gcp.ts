// Google Cloud Service Health: incidents.json, every incident of every product, filtered by the catalog's products.
import * as z from 'zod';
import type { StatusPage } from '../../catalog/schema.ts';
import { MAIN_DOCUMENT, type SnapshotIncident } from '../../domain.ts';
import { JSON_TYPES, type Adapter, type DocumentReading } from '../adapter.ts';
import { normaliseImpact, normaliseIncidentState } from '../normalise.ts';
import { OptionalText, OptionalTime, parseJson, parseShape, Time } from '../parse.ts';

const Product = z.object({ id: z.string(), title: z.string() });
const Update = z.object({
  when: OptionalTime,
  created: OptionalTime,
  text: z.string().nullish(),
  status: OptionalText,
});
const Incident = z.object({
  id: z.string().min(1),
  begin: Time,
  end: OptionalTime,
  external_desc: z.string(),
  status_impact: OptionalText,
  service_key: OptionalText,
  service_name: OptionalText,
  uri: OptionalText,
  affected_products: z.array(Product).nullish(),
  updates: z.array(Update).nullish(),
  most_recent_update: Update.nullish(),
});
type Incident = z.infer<typeof Incident>;

/** Just enough to filter by product, so a malformed incident of another product does not fail the document. */
const Loose = z.object({
  service_key: z.string().nullish(),
  affected_products: z.array(z.object({ id: z.string() })).nullish(),
});

function concerns(item: unknown, products: readonly string[] | undefined): boolean {
  if (!products || products.length === 0) return true;
  const loose = Loose.safeParse(item);
  if (!loose.success) return true;
  const ids = [loose.data.service_key, ...(loose.data.affected_products ?? []).map((p) => p.id)];
  return ids.some((id) => typeof id === 'string' && products.includes(id));
}

/** GCP gives no lifecycle words: an end time resolves; update statuses are impacts, kept raw (AVAILABLE resolves). */
function toIncident(item: Incident, base: string): SnapshotIncident {
  const impact = normaliseImpact(item.status_impact);
  const updates = (item.updates ?? [])
    .map((u) => {
      const s = normaliseIncidentState(u.status);
      return {
        key: String(u.when ?? u.created),
        state: s.value,
        rawState: s.raw,
        body: (u.text ?? '').trim(),
        at: u.when ?? u.created ?? 0,
      };
    })
    .filter((u) => u.at > 0)
    .sort((a, b) => b.at - a.at);
  return {
    key: item.id,
    kind: 'incident',
    title: item.external_desc,
    state: item.end !== null ? 'resolved' : 'unknown',
    rawState: item.most_recent_update?.status ?? null,
    impact: impact.value,
    rawImpact: impact.raw,
    url: item.uri && base.startsWith('https://') ? `${base}/${item.uri.replace(/^\/+/, '')}` : null,
    startedAt: item.begin,
    resolvedAt: item.end,
    scheduledFor: null,
    scheduledUntil: null,
    updates,
    components: (item.affected_products ?? []).map((p) => ({ key: p.id, name: p.title })),
  };
}

function read(body: string, page: StatusPage): DocumentReading {
  const list = parseShape(z.array(z.unknown()), parseJson(body), 'incidents.json');
  const base = (page.pageUrl ?? new URL(page.url).origin).replace(/\/+$/, '');
  const mine = list
    .filter((item) => concerns(item, page.products))
    .map((item, index) => parseShape(Incident, item, `incident ${index + 1}`));
  return { incidents: mine.map((i) => toIncident(i, base)), listsAllOpen: false };
}

export const gcpAdapter: Adapter = {
  url: 'document',
  documents: (page) => [{ name: MAIN_DOCUMENT, url: page.url, accept: JSON_TYPES }],
  read: (_document, body, page) => read(body, page),
};

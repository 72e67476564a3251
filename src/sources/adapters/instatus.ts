// Instatus: summary.json (page rollup, active incidents and maintenances), v2/components.json, history.atom.
import * as z from 'zod';
import { MAIN_DOCUMENT, type SnapshotComponent, type SnapshotIncident } from '../../domain.ts';
import { MINUTE_MS } from '../../time.ts';
import { FEED_TYPES, JSON_TYPES, joinUrl, type Adapter, type DocumentReading } from '../adapter.ts';
import { normaliseImpact, normaliseIncidentState, normaliseLevel, normaliseMaintenanceState } from '../normalise.ts';
import { OptionalText, parseJson, parseShape, Time } from '../parse.ts';
import { readFeed } from './feed.ts';

const Active = z.object({
  id: z.string().nullish(),
  name: z.string(),
  status: OptionalText,
  impact: OptionalText,
  url: OptionalText,
  started: Time.nullish(),
  start: Time.nullish(),
  duration: z.union([z.string(), z.number()]).nullish(),
});
type Active = z.infer<typeof Active>;

const Summary = z.object({
  page: z.object({ status: OptionalText }),
  activeIncidents: z.array(Active).nullish(),
  activeMaintenances: z.array(Active).nullish(),
});

type Node = { id?: string | null; name: string; status?: string | null; children?: Node[] | null };
const Node: z.ZodType<Node> = z.lazy(() =>
  z.object({
    id: z.string().nullish(),
    name: z.string(),
    status: z.string().nullish(),
    children: z.array(Node).nullish(),
  }),
);
const Components = z.object({ components: z.array(Node) });

/** The incident's id: Instatus links end in it (`/incident/<cuid>`), which also joins it to history.atom. */
const keyOf = (item: Active): string =>
  item.id ?? item.url?.replace(/\/+$/, '').split('/').pop() ?? `${item.name}@${item.started ?? item.start}`;

function toIncident(item: Active, kind: SnapshotIncident['kind']): SnapshotIncident {
  const state = kind === 'maintenance' ? normaliseMaintenanceState(item.status) : normaliseIncidentState(item.status);
  const impact = kind === 'maintenance' ? normaliseImpact('maintenance') : normaliseImpact(item.impact);
  const start = item.started ?? item.start ?? null;
  const minutes = Number(item.duration);
  return {
    key: keyOf(item),
    kind,
    title: item.name,
    state: state.value,
    rawState: state.raw,
    impact: impact.value,
    rawImpact: kind === 'maintenance' ? (item.impact ?? null) : impact.raw,
    url: item.url?.startsWith('https://') ? item.url : null,
    startedAt: start ?? 0,
    resolvedAt: null,
    scheduledFor: kind === 'maintenance' ? start : null,
    scheduledUntil:
      kind === 'maintenance' && start !== null && Number.isFinite(minutes) && minutes > 0
        ? start + minutes * MINUTE_MS
        : null,
    updates: [],
    components: [],
  };
}

/** Leaves of the component tree; a parent's name becomes its children's group. */
function flatten(nodes: readonly Node[], group: string | null, out: SnapshotComponent[] = []): SnapshotComponent[] {
  for (const node of nodes) {
    if (node.children && node.children.length > 0) {
      flatten(node.children, node.name, out);
      continue;
    }
    const level = normaliseLevel(node.status);
    out.push({
      key: node.id ?? node.name,
      name: node.name,
      groupName: group,
      position: out.length,
      level: level.value,
      rawStatus: level.raw,
      onlyShowIfDegraded: false,
    });
  }
  return out;
}

function read(document: string, body: string, now: number): DocumentReading {
  if (document === 'history') return readFeed(body, now);
  const json = parseJson(body);
  if (document === 'components')
    return { components: flatten(parseShape(Components, json, 'v2/components.json').components, null) };
  const summary = parseShape(Summary, json, 'summary.json');
  const page = normaliseLevel(summary.page.status);
  return {
    pageLevel: page.value,
    pageRaw: page.raw,
    incidents: [
      ...(summary.activeIncidents ?? []).map((i) => toIncident(i, 'incident')),
      ...(summary.activeMaintenances ?? []).map((i) => toIncident(i, 'maintenance')),
    ].filter((i) => i.startedAt > 0),
    listsAllOpen: true,
  };
}

export const instatusAdapter: Adapter = {
  url: 'base',
  documents: (page) => [
    { name: MAIN_DOCUMENT, url: joinUrl(page.url, '/summary.json'), accept: JSON_TYPES },
    { name: 'components', url: joinUrl(page.url, '/v2/components.json'), accept: JSON_TYPES },
    { name: 'history', url: joinUrl(page.url, '/history.atom'), accept: FEED_TYPES },
  ],
  read: (document, body, _page, now) => read(document, body, now),
};

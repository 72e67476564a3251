// Datadog Status Pages (OpenRouter): config.json, the page's components, incidents with timelines, maintenances.
import * as z from 'zod';
import { MAIN_DOCUMENT, type SnapshotComponent, type SnapshotIncident } from '../../domain.ts';
import {
  STORED_JSON_TYPES,
  joinUrl,
  pathSegment,
  SourceError,
  type Adapter,
  type DocumentReading,
} from '../adapter.ts';
import {
  normaliseImpact,
  normaliseIncidentState,
  normaliseLevel,
  normaliseMaintenanceState,
  worstRead,
} from '../normalise.ts';
import { OptionalText, OptionalTime, parseJson, parseShape } from '../parse.ts';

const Affected = z.object({ id: z.string(), name: z.string().nullish(), status: OptionalText });

type Node = {
  id: string;
  name: string;
  position?: number | null | undefined;
  type?: string | null | undefined;
  status: string | null;
  components?: Node[] | null | undefined;
};
const Node: z.ZodType<Node> = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    position: z.number().nullish(),
    type: z.string().nullish(),
    status: OptionalText,
    components: z.array(Node).nullish(),
  }),
);

const Entry = z.object({
  id: z.string().nullish(),
  status: OptionalText,
  description: OptionalText,
  startedAt: OptionalTime,
  createdAt: OptionalTime,
  componentsAffected: z.array(Affected).nullish(),
});
const Incident = z.object({
  id: z.string().min(1),
  title: z.string(),
  currentStatus: OptionalText,
  resolved: z.boolean().nullish(),
  description: OptionalText,
  publishedDate: OptionalTime,
  resolvedDate: OptionalTime,
  lastModifiedAt: OptionalTime,
  componentsAffected: z.array(Affected).nullish(),
  timeline: z.array(Entry).nullish(),
});
/** Maintenances also name their window (field names not seen in a public document: read loosely). */
const Item = Incident.extend({
  scheduledStartDate: OptionalTime,
  scheduledEndDate: OptionalTime,
  startDate: OptionalTime,
  endDate: OptionalTime,
});
type Item = z.infer<typeof Item>;

const Config = z.object({
  components: z.array(Node).nullish(),
  incidents: z.array(Item).nullish(),
  maintenances: z.array(Item).nullish(),
});

/** Leaves of the component tree, with their group's name; a group's position orders its children. */
function components(nodes: readonly Node[]): SnapshotComponent[] {
  return nodes.flatMap((node, index) => {
    const at = node.position ?? index;
    if (node.type === 'ComponentGroup' || (node.components && node.components.length > 0))
      return (node.components ?? []).map((child, i) => leaf(child, node.name, at * 1000 + (child.position ?? i)));
    return [leaf(node, null, at * 1000)];
  });
}

function leaf(node: Node, groupName: string | null, position: number): SnapshotComponent {
  const level = normaliseLevel(node.status);
  return {
    key: node.id,
    name: node.name,
    groupName,
    position,
    level: level.value,
    rawStatus: level.raw,
    onlyShowIfDegraded: false,
  };
}

function toIncident(item: Item, kind: SnapshotIncident['kind'], base: string | null): SnapshotIncident {
  const normalise = kind === 'maintenance' ? normaliseMaintenanceState : normaliseIncidentState;
  const timeline = [...(item.timeline ?? [])]
    .map((e, index) => ({ e, at: e.startedAt ?? e.createdAt, index }))
    .filter((x): x is { e: z.infer<typeof Entry>; at: number; index: number } => x.at !== null)
    .sort((a, b) => b.at - a.at);
  const latest = timeline[0]?.e;
  const state = normalise(item.currentStatus ?? latest?.status);
  const closed = item.resolved === true || ['resolved', 'completed', 'postmortem'].includes(state.value);
  // The impact is the worst component light of the newest entry that names components.
  const lit =
    timeline.find((x) => (x.e.componentsAffected ?? []).length > 0)?.e.componentsAffected ??
    item.componentsAffected ??
    [];
  const worst = worstRead(lit.map((a) => normaliseLevel(a.status)).filter((l) => l.value !== 'operational'));
  const impact =
    kind === 'maintenance'
      ? normaliseImpact('maintenance')
      : worst
        ? normaliseImpact(worst.raw)
        : normaliseImpact(null);
  const scheduledFor = item.scheduledStartDate ?? item.startDate ?? null;
  const scheduledUntil = item.scheduledEndDate ?? item.endDate ?? null;
  const startedAt =
    item.publishedDate ?? scheduledFor ?? (timeline.length > 0 ? timeline.at(-1)!.at : (item.lastModifiedAt ?? NaN));
  const seen = new Map<string, string>();
  for (const a of [...(item.componentsAffected ?? []), ...timeline.flatMap((x) => x.e.componentsAffected ?? [])])
    if (!seen.has(a.id)) seen.set(a.id, a.name ?? a.id);
  return {
    key: item.id,
    kind,
    title: item.title,
    state: state.value,
    rawState: state.raw,
    impact: impact.value,
    rawImpact: impact.raw,
    url: base
      ? joinUrl(base, `/${kind === 'maintenance' ? 'maintenances' : 'incidents'}/${pathSegment(item.id)}`)
      : null,
    startedAt,
    resolvedAt: closed ? (item.resolvedDate ?? scheduledUntil ?? timeline[0]?.at ?? item.lastModifiedAt) : null,
    scheduledFor: kind === 'maintenance' ? scheduledFor : null,
    scheduledUntil: kind === 'maintenance' ? scheduledUntil : null,
    updates: timeline.map(({ e, at, index }) => {
      const s = normalise(e.status);
      return { key: e.id ?? `${at}-${index}`, state: s.value, rawState: s.raw, body: e.description ?? '', at };
    }),
    components: [...seen].map(([key, name]) => ({ key, name })),
  };
}

function read(body: string, pageUrl: string): DocumentReading {
  const config = parseShape(Config, parseJson(body), 'config.json');
  if (!config.components && !config.incidents)
    throw new SourceError('schema', 'config.json has neither components nor incidents');
  const base = pageUrl.startsWith('https://') ? pageUrl : null;
  return {
    ...(config.components ? { components: components(config.components) } : {}),
    incidents: [
      ...(config.incidents ?? []).map((i) => toIncident(i, 'incident', base)),
      ...(config.maintenances ?? []).map((i) => toIncident(i, 'maintenance', base)),
    ].filter((i) => Number.isFinite(i.startedAt)),
    listsAllOpen: true,
  };
}

/** The catalog `url` is the page's base (`https://status.openrouter.ai`); config.json sits at its root. */
export const datadogAdapter: Adapter = {
  url: 'base',
  documents: (page) => [{ name: MAIN_DOCUMENT, url: joinUrl(page.url, '/config.json'), accept: STORED_JSON_TYPES }],
  read: (_document, body, page) => read(body, page.pageUrl ?? page.url),
};

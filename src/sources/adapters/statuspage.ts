// Atlassian Statuspage v2 (and its incident.io imitation): summary.json, incidents.json, scheduled-maintenances.json.
import * as z from 'zod';
import type { StatusPage } from '../../catalog/schema.ts';
import { MAIN_DOCUMENT, type SnapshotComponent, type SnapshotIncident } from '../../domain.ts';
import { JSON_TYPES, joinUrl, pathSegment, SourceError, type Adapter, type DocumentReading } from '../adapter.ts';
import { normaliseImpact, normaliseIncidentState, normaliseLevel, normaliseMaintenanceState } from '../normalise.ts';
import { OptionalText, OptionalTime, parseJson, parseShape } from '../parse.ts';

const Component = z.object({
  id: z.string().min(1),
  name: z.string(),
  status: OptionalText,
  position: z.number().nullish(),
  group_id: OptionalText,
  group: z.boolean().nullish(),
  only_show_if_degraded: z.boolean().nullish(),
});
type Component = z.infer<typeof Component>;

const Update = z.object({
  id: z.string().min(1),
  status: OptionalText,
  body: z.string().nullish(),
  display_at: OptionalTime,
  created_at: OptionalTime,
});

const Incident = z.object({
  id: z.string().min(1),
  name: z.string(),
  status: OptionalText,
  impact: OptionalText,
  shortlink: OptionalText,
  started_at: OptionalTime,
  created_at: OptionalTime,
  updated_at: OptionalTime,
  resolved_at: OptionalTime,
  scheduled_for: OptionalTime,
  scheduled_until: OptionalTime,
  incident_updates: z.array(Update).nullish(),
  components: z.array(z.object({ id: z.string(), name: z.string() })).nullish(),
});
type Incident = z.infer<typeof Incident>;

const Summary = z.object({
  page: z.object({ id: z.string().optional(), url: z.string().optional() }).optional(),
  status: z.object({ indicator: OptionalText }).nullish(),
  components: z.array(Component).nullish(),
  incidents: z.array(Incident).nullish(),
  scheduled_maintenances: z.array(Incident).nullish(),
});
const IncidentList = z.object({ incidents: z.array(Incident).nullish() });
const ComponentList = z.object({ components: z.array(Component) });
const MaintenanceList = z.object({ scheduled_maintenances: z.array(Incident) });

/** Leaf components with their group's name; a group's position orders its children, so groups stay together. */
export function flattenComponents(items: readonly Component[]): SnapshotComponent[] {
  const groups = new Map(items.filter((c) => c.group === true).map((c) => [c.id, c]));
  return items
    .filter((c) => c.group !== true)
    .map((c) => {
      const group = c.group_id ? groups.get(c.group_id) : undefined;
      const own = c.position ?? 0;
      const level = normaliseLevel(c.status);
      return {
        key: c.id,
        name: c.name,
        groupName: group?.name ?? null,
        position: group ? (group.position ?? 0) * 1000 + own : own * 1000,
        level: level.value,
        rawStatus: level.raw,
        onlyShowIfDegraded: c.only_show_if_degraded === true,
      };
    });
}

/** Only https links are kept; older pages gave http:// shortlinks. */
const httpsOnly = (url: string | null): string | null => (url && url.startsWith('https://') ? url : null);

function toIncident(item: Incident, kind: SnapshotIncident['kind'], pageUrl: string): SnapshotIncident {
  const state = kind === 'maintenance' ? normaliseMaintenanceState(item.status) : normaliseIncidentState(item.status);
  const impact = normaliseImpact(item.impact ?? (kind === 'maintenance' ? 'maintenance' : null));
  const updates = (item.incident_updates ?? [])
    .map((u) => {
      const s = kind === 'maintenance' ? normaliseMaintenanceState(u.status) : normaliseIncidentState(u.status);
      return { key: u.id, state: s.value, rawState: s.raw, body: u.body ?? '', at: u.display_at ?? u.created_at ?? 0 };
    })
    .filter((u) => u.at > 0);
  const closed = state.value === 'resolved' || state.value === 'postmortem' || state.value === 'completed';
  const startedAt = item.started_at ?? item.created_at ?? item.scheduled_for ?? updates.at(-1)?.at ?? item.updated_at;
  if (startedAt === null || startedAt === undefined)
    throw new SourceError('schema', `incident ${item.id} has no start time`);
  return {
    key: item.id,
    kind,
    title: item.name,
    state: state.value,
    rawState: state.raw,
    impact: impact.value,
    rawImpact: impact.raw,
    url:
      httpsOnly(item.shortlink) ??
      (pageUrl.startsWith('https://') ? joinUrl(pageUrl, `/incidents/${pathSegment(item.id)}`) : null),
    startedAt,
    resolvedAt: item.resolved_at ?? (closed ? (updates[0]?.at ?? null) : null),
    scheduledFor: item.scheduled_for,
    scheduledUntil: item.scheduled_until,
    updates,
    components: (item.components ?? []).map((c) => ({ key: c.id, name: c.name })),
  };
}

const pageLink = (page: StatusPage) => page.pageUrl ?? page.url;

/** Reads a Statuspage-shaped document; `incidents` may be absent (incident.io omits it when there are none). */
export function readStatuspageDocument(document: string, body: string, page: StatusPage): DocumentReading {
  const json = parseJson(body);
  const link = pageLink(page);
  if (document === MAIN_DOCUMENT) {
    const summary = parseShape(Summary, json, 'summary.json');
    if (!summary.components && !summary.status)
      throw new SourceError('schema', 'summary.json has neither components nor status');
    const indicator = summary.status ? normaliseLevel(summary.status.indicator) : null;
    return {
      ...(summary.components ? { components: flattenComponents(summary.components) } : {}),
      ...(indicator ? { pageLevel: indicator.value, pageRaw: indicator.raw } : {}),
      incidents: [
        ...(summary.incidents ?? []).map((i) => toIncident(i, 'incident', link)),
        ...(summary.scheduled_maintenances ?? []).map((i) => toIncident(i, 'maintenance', link)),
      ],
      listsAllOpen: true,
    };
  }
  if (document === 'maintenances') {
    return {
      incidents: parseShape(MaintenanceList, json, 'scheduled-maintenances.json').scheduled_maintenances.map((i) =>
        toIncident(i, 'maintenance', link),
      ),
    };
  }
  if (document === 'components')
    return { components: flattenComponents(parseShape(ComponentList, json, 'components.json').components) };
  return {
    incidents: (parseShape(IncidentList, json, 'incidents.json').incidents ?? []).map((i) =>
      toIncident(i, 'incident', link),
    ),
  };
}

export const statuspageAdapter: Adapter = {
  url: 'base',
  documents: (page) => [
    { name: MAIN_DOCUMENT, url: joinUrl(page.url, '/api/v2/summary.json'), accept: JSON_TYPES },
    { name: 'incidents', url: joinUrl(page.url, '/api/v2/incidents.json'), accept: JSON_TYPES },
    { name: 'maintenances', url: joinUrl(page.url, '/api/v2/scheduled-maintenances.json'), accept: JSON_TYPES },
  ],
  read: (document, body, page) => readStatuspageDocument(document, body, page),
};

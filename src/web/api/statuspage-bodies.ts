// Statuspage v2 API shapes (summary, status, components, incidents, maintenances) built from our one assessment,
// so any Statuspage client reads our level. The zod schemas are the contract; the builders fill them.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { LEVEL_LABELS, type IncidentState, type Level, type MaintenanceState } from '../../domain.ts';
import { isOpen } from '../../status/incidents.ts';
import type { IncidentRow } from '../../store/incidents.ts';
import { toIso } from '../../time.ts';
import type { ProviderData } from '../../assessment/signals.ts';

export const STATUSPAGE_INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;
export const STATUSPAGE_COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export const STATUSPAGE_INCIDENT_STATUSES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'postmortem',
] as const;
export const STATUSPAGE_MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
const IMPACT_VALUES = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;

const Time = z.iso.datetime({ offset: true });

export const StatuspagePage = z.object({
  id: z.string(),
  name: z.string(),
  url: z.url(),
  time_zone: z.string(),
  updated_at: Time,
});
export const StatuspageStatus = z.object({
  indicator: z.enum(STATUSPAGE_INDICATORS),
  description: z.string(),
});
export const StatuspageComponent = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(STATUSPAGE_COMPONENT_STATUSES),
  created_at: Time,
  updated_at: Time,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(z.string()).optional(),
});
export const StatuspageIncidentUpdate = z.object({
  id: z.string(),
  status: z.string(),
  body: z.string(),
  incident_id: z.string(),
  created_at: Time,
  updated_at: Time,
  display_at: Time,
  affected_components: z.array(z.object({ code: z.string(), name: z.string() })),
  deliver_notifications: z.boolean(),
  custom_tweet: z.null(),
  tweet_id: z.null(),
});
export const StatuspageIncident = z.object({
  id: z.string(),
  name: z.string(),
  status: z.union([z.enum(STATUSPAGE_INCIDENT_STATUSES), z.enum(STATUSPAGE_MAINTENANCE_STATUSES)]),
  created_at: Time,
  updated_at: Time,
  monitoring_at: Time.nullable(),
  resolved_at: Time.nullable(),
  impact: z.enum(IMPACT_VALUES),
  shortlink: z.url(),
  started_at: Time,
  page_id: z.string(),
  incident_updates: z.array(StatuspageIncidentUpdate),
  components: z.array(StatuspageComponent),
  reminder_intervals: z.null(),
  scheduled_for: Time.nullable().optional(),
  scheduled_until: Time.nullable().optional(),
});
export const StatuspageStatusDocument = z.object({ page: StatuspagePage, status: StatuspageStatus });
export const StatuspageComponentsDocument = z.object({
  page: StatuspagePage,
  components: z.array(StatuspageComponent),
});
export const StatuspageIncidentsDocument = z.object({
  page: StatuspagePage,
  incidents: z.array(StatuspageIncident),
});
export const StatuspageMaintenancesDocument = z.object({
  page: StatuspagePage,
  scheduled_maintenances: z.array(StatuspageIncident),
});
export const StatuspageSummary = z.object({
  page: StatuspagePage,
  components: z.array(StatuspageComponent),
  incidents: z.array(StatuspageIncident),
  scheduled_maintenances: z.array(StatuspageIncident),
  status: StatuspageStatus,
});
export type StatuspageComponent = z.infer<typeof StatuspageComponent>;
export type StatuspageIncident = z.infer<typeof StatuspageIncident>;
export type StatuspageSummary = z.infer<typeof StatuspageSummary>;

/**
 * Our level as Statuspage's page indicator. Statuspage has no word for "we cannot tell": `unknown` is `minor`
 * (never `none`, which would vouch for a provider we have no fresh reading of), and the description says why.
 */
export const INDICATOR_OF: Record<Level, (typeof STATUSPAGE_INDICATORS)[number]> = {
  operational: 'none',
  maintenance: 'maintenance',
  degraded: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  unknown: 'minor',
};
/** Our level as a component status; `unknown` is `degraded_performance` for the reason above. */
export const COMPONENT_STATUS_OF: Record<Level, (typeof STATUSPAGE_COMPONENT_STATUSES)[number]> = {
  operational: 'operational',
  maintenance: 'under_maintenance',
  degraded: 'degraded_performance',
  partial_outage: 'partial_outage',
  major_outage: 'major_outage',
  unknown: 'degraded_performance',
};
/** Statuspage's own descriptions of each indicator. */
const DESCRIPTIONS: Record<Exclude<Level, 'unknown'>, string> = {
  operational: 'All Systems Operational',
  maintenance: 'Service Under Maintenance',
  degraded: 'Minor Service Outage',
  partial_outage: 'Partial System Outage',
  major_outage: 'Major System Outage',
};

/** Statuspage ids are 12 lowercase characters; ours are derived from stable names, so they never change. */
const idOf = (...parts: string[]): string => createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 12);

const iso = (at: number | null): string | null => (at === null ? null : toIso(at));

export type StatuspageSite = { siteUrl: string };

const pageIdOf = (data: ProviderData): string => idOf('page', data.provider.slug);
const componentIdOf = (data: ProviderData, key: string): string => idOf('component', data.provider.slug, key);

/** When what we publish last changed: the newest check or incident change (now, before either exists). */
function updatedAtOf(data: ProviderData): number {
  const newestIncident = Math.max(0, ...data.incidents.map((i) => i.updatedAt));
  return Math.max(data.status.checkedAt ?? 0, newestIncident) || data.now;
}

/** The page block: our page for the provider, in UTC. */
export function statuspagePage(data: ProviderData, site: StatuspageSite) {
  return {
    id: pageIdOf(data),
    name: data.provider.name,
    url: `${site.siteUrl}/${data.provider.slug}`,
    time_zone: 'Etc/UTC',
    updated_at: toIso(updatedAtOf(data)),
  };
}

/** The indicator of our API level, with Statuspage's description, or why we cannot tell. */
export function statuspageStatus(data: ProviderData): z.infer<typeof StatuspageStatus> {
  const level = data.status.level;
  return {
    indicator: INDICATOR_OF[level],
    description: level === 'unknown' ? `Status unknown: ${data.status.summary}` : DESCRIPTIONS[level],
  };
}

function component(
  data: ProviderData,
  fields: { key: string; name: string; level: Level; position: number; description: string | null },
  group: { id: string | null; members?: string[] } = { id: null },
): StatuspageComponent {
  const updatedAt = toIso(updatedAtOf(data));
  const level = fields.level;
  const description =
    level === 'unknown'
      ? `${LEVEL_LABELS.unknown}: no fresh reading.${fields.description ? ` ${fields.description}` : ''}`
      : fields.description;
  return {
    id: componentIdOf(data, fields.key),
    name: fields.name,
    status: COMPONENT_STATUS_OF[level],
    created_at: updatedAt,
    updated_at: updatedAt,
    position: fields.position,
    description,
    showcase: true,
    start_date: null,
    group_id: group.id,
    page_id: pageIdOf(data),
    group: group.members !== undefined,
    only_show_if_degraded: false,
    ...(group.members ? { components: group.members } : {}),
  };
}

const worst = (levels: Level[]): Level => {
  const order: Level[] = ['major_outage', 'partial_outage', 'degraded', 'unknown', 'maintenance', 'operational'];
  return order.find((l) => levels.includes(l)) ?? 'unknown';
};

/**
 * "API" (our headline), "Live probe" (when the provider is probed), then the official page's components with their
 * groups; an official component is unknown while the official page is not fresh.
 */
export function statuspageComponents(data: ProviderData): StatuspageComponent[] {
  const s = data.status;
  const out: StatuspageComponent[] = [
    component(data, { key: 'api', name: 'API', level: s.level, position: 1, description: s.summary }),
  ];
  if (data.provider.probe !== null) {
    const probe = s.signals.probe;
    out.push(
      component(data, {
        key: 'probe',
        name: 'Live probe',
        level: probe.level,
        position: 2,
        description: probe.summary,
      }),
    );
  }
  const fresh = s.signals.official.state === 'fresh';
  const official = (data.assessment.components ?? []).map((c) => ({ ...c, level: fresh ? c.level : 'unknown' }));
  const groups = new Map<string, typeof official>();
  for (const c of official) if (c.groupName) groups.set(c.groupName, [...(groups.get(c.groupName) ?? []), c]);
  const groupKey = (name: string) => `group:${name}`;
  let position = 3;
  const seenGroups = new Set<string>();
  for (const c of official) {
    if (c.groupName && !seenGroups.has(c.groupName)) {
      seenGroups.add(c.groupName);
      const members = groups.get(c.groupName)!;
      out.push(
        component(
          data,
          {
            key: groupKey(c.groupName),
            name: c.groupName,
            level: worst(members.map((m) => m.level)),
            position: position++,
            description: null,
          },
          { id: null, members: members.map((m) => componentIdOf(data, `official:${m.key}`)) },
        ),
      );
    }
    out.push(
      component(
        data,
        { key: `official:${c.key}`, name: c.name, level: c.level, position: position++, description: null },
        { id: c.groupName ? componentIdOf(data, groupKey(c.groupName)) : null },
      ),
    );
  }
  return out;
}

const INCIDENT_STATES: ReadonlySet<string> = new Set(STATUSPAGE_INCIDENT_STATUSES);
const MAINTENANCE_STATES: ReadonlySet<string> = new Set(STATUSPAGE_MAINTENANCE_STATUSES);

/** A state in Statuspage's words; an unseen upstream state becomes the open or closed word of its kind. */
type StatuspageState = (typeof STATUSPAGE_INCIDENT_STATUSES)[number] | (typeof STATUSPAGE_MAINTENANCE_STATUSES)[number];
const isWordOf = (words: ReadonlySet<string>, state: string): state is StatuspageState => words.has(state);

function stateWord(incident: IncidentRow, state: IncidentState | MaintenanceState): StatuspageState {
  if (isWordOf(incident.kind === 'incident' ? INCIDENT_STATES : MAINTENANCE_STATES, state)) return state;
  if (incident.kind === 'incident') return isOpen(incident) ? 'investigating' : 'resolved';
  return isOpen(incident) ? 'in_progress' : incident.resolvedAt === null ? 'scheduled' : 'completed';
}

function incidentJson(
  data: ProviderData,
  incident: IncidentRow,
  site: StatuspageSite,
  listed: readonly StatuspageComponent[],
): StatuspageIncident {
  const slug = data.provider.slug;
  const id = idOf('incident', slug, incident.origin, incident.key);
  const status = stateWord(incident, incident.state);
  const detected = incident.origin === 'detected';
  const updates =
    incident.updates.length > 0
      ? incident.updates
      : [{ state: incident.state, rawState: incident.rawState, body: incident.title, at: incident.startedAt }];
  const byName = new Map(listed.map((c) => [c.name, c]));
  const components = incident.components.flatMap((c) => byName.get(c.name) ?? []);
  const monitoring = updates.filter((u) => u.state === 'monitoring').at(-1);
  const impact =
    incident.impact === 'unknown' ? (incident.kind === 'maintenance' ? 'maintenance' : 'none') : incident.impact;
  return {
    id,
    name: detected ? `${incident.title} (detected by us)` : incident.title,
    status,
    created_at: toIso(incident.startedAt),
    updated_at: toIso(Math.max(incident.updatedAt, updates[0]!.at)),
    monitoring_at: monitoring ? toIso(monitoring.at) : null,
    resolved_at: iso(incident.resolvedAt),
    impact,
    shortlink: incident.url && incident.url.startsWith('https://') ? incident.url : `${site.siteUrl}/${slug}#incidents`,
    started_at: toIso(incident.startedAt),
    page_id: pageIdOf(data),
    incident_updates: updates.map((u, index) => ({
      id: idOf('update', id, String(u.at), String(updates.length - index)),
      status: stateWord(incident, u.state),
      body: u.body,
      incident_id: id,
      created_at: toIso(u.at),
      updated_at: toIso(u.at),
      display_at: toIso(u.at),
      affected_components: components.map((c) => ({ code: c.id, name: c.name })),
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components,
    reminder_intervals: null,
    ...(incident.kind === 'maintenance'
      ? { scheduled_for: iso(incident.scheduledFor), scheduled_until: iso(incident.scheduledUntil) }
      : {}),
  };
}

/** Statuspage lists the 50 most recent of each. */
export const STATUSPAGE_LIST_LIMIT = 50;

export type IncidentSelection = 'all' | 'unresolved';
export type MaintenanceSelection = 'all' | 'upcoming' | 'active';

const newestFirst = (a: IncidentRow, b: IncidentRow) => b.startedAt - a.startedAt || b.id - a.id;

/** Incidents (official and detected), newest first: all of the last 30 days (at most 50) or the unresolved. */
export function statuspageIncidents(
  data: ProviderData,
  site: StatuspageSite,
  which: IncidentSelection,
): StatuspageIncident[] {
  const listed = statuspageComponents(data);
  return data.incidents
    .filter((i) => i.kind === 'incident' && (which === 'all' || isOpen(i)))
    .sort(newestFirst)
    .slice(0, STATUSPAGE_LIST_LIMIT)
    .map((i) => incidentJson(data, i, site, listed));
}

/** Maintenances, newest first: all, those not yet begun (`scheduled`), or those under way. */
export function statuspageMaintenances(
  data: ProviderData,
  site: StatuspageSite,
  which: MaintenanceSelection,
): StatuspageIncident[] {
  const wanted = (i: IncidentRow) =>
    which === 'all' ||
    (which === 'active' ? isOpen(i) : i.unlistedAt === null && i.state === 'scheduled' && i.resolvedAt === null);
  const listed = statuspageComponents(data);
  return data.incidents
    .filter((i) => i.kind === 'maintenance' && wanted(i))
    .sort(newestFirst)
    .slice(0, STATUSPAGE_LIST_LIMIT)
    .map((i) => incidentJson(data, i, site, listed));
}

export function statuspageSummary(data: ProviderData, site: StatuspageSite): StatuspageSummary {
  return {
    page: statuspagePage(data, site),
    components: statuspageComponents(data),
    incidents: statuspageIncidents(data, site, 'unresolved'),
    scheduled_maintenances: [
      ...statuspageMaintenances(data, site, 'active'),
      ...statuspageMaintenances(data, site, 'upcoming'),
    ],
    status: statuspageStatus(data),
  };
}

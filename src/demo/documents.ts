// Upstream documents for the demo world, built from the recorded ones in test/fixtures: times moved to the present,
// components renamed to the catalog's, states set per scenario. Each builder returns what a real page would serve.
import { readFileSync } from 'node:fs';
import type { Provider } from '../catalog/schema.ts';
import { MINUTE_MS } from '../time.ts';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

export const fixtureText = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const fixtureJson = <T = Record<string, unknown>>(name: string): T => JSON.parse(fixtureText(name)) as T;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { [key: string]: Json };

/** A catalog component's name (the catalog lists names, or names with a scope). */
export const nameOf = (component: string | { name: string }): string =>
  typeof component === 'string' ? component : component.name;

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;

function isoStrings(value: Json, out: number[] = []): number[] {
  if (typeof value === 'string' && ISO.test(value)) out.push(Date.parse(value));
  else if (Array.isArray(value)) for (const item of value) isoStrings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) isoStrings(item, out);
  return out;
}

function shiftIso(value: Json, deltaMs: number): Json {
  if (typeof value === 'string' && ISO.test(value)) return new Date(Date.parse(value) + deltaMs).toISOString();
  if (Array.isArray(value)) return value.map((item) => shiftIso(item, deltaMs));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftIso(v, deltaMs)]));
  return value;
}

/** Moves every ISO time of a recorded document so that its latest one is `ageMs` before `now`. */
export function toPresent<T extends Json>(doc: T, now: number, ageMs = 5 * MINUTE_MS): T {
  const times = isoStrings(doc);
  if (times.length === 0) return doc;
  return shiftIso(doc, now - ageMs - Math.max(...times)) as T;
}

/** The same for a feed: Atom `<published>`/`<updated>` and RSS `<pubDate>`, in their own notation. */
export function feedToPresent(xml: string, now: number, ageMs = 5 * MINUTE_MS): string {
  const tag = /<(published|updated|pubDate|lastBuildDate)>([^<]+)<\/\1>/g;
  const times = [...xml.matchAll(tag)].map((m) => Date.parse(m[2]!)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return xml;
  const delta = now - ageMs - Math.max(...times);
  return xml.replace(tag, (whole, name: string, text: string) => {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return whole;
    const moved = new Date(at + delta);
    const rss = name === 'pubDate' || name === 'lastBuildDate';
    return `<${name}>${rss ? moved.toUTCString() : moved.toISOString()}</${name}>`;
  });
}

/** Statuspage levels by our words, as Statuspage spells them. */
export type ComponentState =
  'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';

/** A Statuspage summary for `provider`: the recorded Anthropic page with the catalog's components in their states. */
export function statuspageSummary(
  provider: Provider,
  now: number,
  options: { states?: Record<string, ComponentState>; maintenances?: Doc[]; indicator?: string } = {},
): Doc {
  const recorded = toPresent(fixtureJson<Doc>('statuspage-summary-anthropic.json'), now, 60 * MINUTE_MS);
  const template = (recorded.components as Doc[])[0]!;
  const components = provider.components.map(nameOf).map((name, position) => ({
    ...template,
    id: `${provider.slug}-${position}`,
    name,
    position: position + 1,
    status: options.states?.[name] ?? 'operational',
    group: false,
    group_id: null,
  }));
  const indicator = options.indicator ?? 'none';
  return {
    ...recorded,
    page: { ...(recorded.page as Doc), id: provider.slug, name: provider.name },
    components,
    incidents: [],
    scheduled_maintenances: options.maintenances ?? [],
    status: { indicator, description: indicator === 'none' ? 'All Systems Operational' : 'Service Under Maintenance' },
  };
}

/** The recorded in-progress maintenance, moved onto one component with its own words. */
export function maintenanceOf(component: { id: string; name: string }, title: string, body: string, now: number): Doc {
  const recorded = fixtureJson<{ scheduled_maintenances: Doc[] }>('statuspage-scheduled-maintenances-active.json');
  const item = recorded.scheduled_maintenances[0]!;
  const started = new Date(now - 25 * MINUTE_MS).toISOString();
  const until = new Date(now + 95 * MINUTE_MS).toISOString();
  const updates = (item.incident_updates as Doc[]).slice(0, 1).map((u) => ({
    ...u,
    body,
    created_at: started,
    display_at: started,
    updated_at: started,
  }));
  return {
    ...item,
    name: title,
    created_at: started,
    started_at: started,
    updated_at: started,
    scheduled_for: started,
    scheduled_until: until,
    incident_updates: updates,
    components: [{ ...((item.components as Doc[])[0] ?? {}), id: component.id, name: component.name }],
  };
}

/** The recorded open Statuspage incident, moved onto one component (in partial outage) from `startedAt` on. */
export function incidentOf(
  component: { id: string; name: string },
  title: string,
  body: string,
  startedAt: number,
): Doc {
  const recorded = fixtureJson<{ incidents: Doc[] }>('statuspage-incidents-anthropic.json');
  const item = recorded.incidents.find((i) => i.status === 'identified')!;
  const started = new Date(startedAt).toISOString();
  const updates = (item.incident_updates as Doc[]).slice(-1).map((u) => ({
    ...u,
    status: 'investigating',
    body,
    created_at: started,
    display_at: started,
    updated_at: started,
  }));
  const template = (item.components as Doc[])[0]!;
  return {
    ...item,
    id: `${component.id}-incident`,
    name: title,
    status: 'investigating',
    created_at: started,
    started_at: started,
    updated_at: started,
    incident_updates: updates,
    components: [{ ...template, id: component.id, name: component.name, status: 'partial_outage' }],
  };
}

/** The recorded Anthropic incident history with its open incident left out (only closed ones remain). */
export function statuspageClosedIncidents(now: number): Doc {
  const recorded = toPresent(fixtureJson<Doc>('statuspage-incidents-anthropic.json'), now, 3 * 24 * 60 * MINUTE_MS);
  return { ...recorded, incidents: (recorded.incidents as Doc[]).filter((i) => i.status !== 'identified') };
}

/** incident.io (OpenAI): the recorded summary with an open incident, and its history with that incident still open. */
export function incidentioWithIncident(now: number): { summary: Doc; incidents: Doc } {
  const summary = toPresent(fixtureJson<Doc>('incidentio-summary-incident-openai.json'), now, 20 * MINUTE_MS);
  const history = toPresent(fixtureJson<Doc>('incidentio-incidents-openai.json'), now, 20 * MINUTE_MS);
  const openIds = new Set((summary.incidents as Doc[]).map((i) => i.id));
  const incidents = (history.incidents as Doc[]).map((i) =>
    openIds.has(i.id)
      ? {
          ...i,
          status: 'investigating',
          resolved_at: null,
          incident_updates: ((i.incident_updates as Doc[] | undefined) ?? []).filter((u) => u.status !== 'resolved'),
        }
      : i,
  );
  return { summary, incidents: { ...history, incidents } };
}

/** Instatus: the recorded summary, components and history of an operational page. */
export function instatusOperational(now: number): { summary: Doc; components: Doc; history: string } {
  const summary = fixtureJson<Doc>('instatus-summary.json');
  const components = fixtureJson<{ components: Doc[] }>('instatus-components-v2.json');
  const calm = (node: Doc): Doc => ({
    ...node,
    status: 'OPERATIONAL',
    children: ((node.children as Doc[] | undefined) ?? []).map(calm),
  });
  return {
    summary: {
      ...summary,
      page: { ...(summary.page as Doc), status: 'UP' },
      activeIncidents: [],
      activeMaintenances: [],
    },
    components: { components: components.components.map(calm) },
    history: feedToPresent(fixtureText('instatus-history-perplexity.atom'), now, 5 * 24 * 60 * MINUTE_MS),
  };
}

/** Better Stack: the recorded index with every resource operational, renamed to the catalog's components. */
export function betterstackOperational(provider: Provider, now: number): Doc {
  const recorded = toPresent(fixtureJson<Doc>('betterstack-index-huggingface.json'), now, 2 * 24 * 60 * MINUTE_MS);
  const data = recorded.data as Doc;
  let resource = 0;
  const included = (recorded.included as Doc[]).flatMap((item) => {
    if (item.type === 'status_report' || item.type === 'status_update') return [];
    if (item.type !== 'status_page_resource') return [item];
    const component = provider.components[resource];
    resource += 1;
    if (component === undefined) return [];
    return [
      { ...item, attributes: { ...(item.attributes as Doc), public_name: nameOf(component), status: 'operational' } },
    ];
  });
  return {
    ...recorded,
    data: {
      ...data,
      attributes: { ...(data.attributes as Doc), aggregate_state: 'operational' },
      relationships: { ...(data.relationships as Doc), status_reports: { data: [] } },
    },
    included,
  };
}

/** Google Cloud incidents as recorded (one open Vertex Gemini incident, one closed of another product). */
export const gcpIncidents = (now: number): Json =>
  toPresent(fixtureJson<Json>('gcp-incidents.json'), now, 30 * MINUTE_MS);

/** An RSS feed with no entries (Azure's recorded one), titled for the provider. */
export const emptyFeed = (title: string, now: number): string =>
  feedToPresent(fixtureText('feed-azure-empty.rss'), now).replace(
    '<title>Azure Status</title>',
    `<title>${title}</title>`,
  );

/** Recorded invalid-key answers of provider APIs. */
const RECORDED_REJECTIONS: Record<string, string> = {
  anthropic: 'anthropic-401.json',
  assemblyai: 'assemblyai-401.json',
  cohere: 'cohere-401.json',
  deepgram: 'deepgram-401-projects.json',
  deepseek: 'deepseek-401.json',
  elevenlabs: 'elevenlabs-401.json',
  'google-gemini': 'google-gemini-400-invalid-key.json',
  groq: 'groq-401.json',
  mistral: 'mistral-401.json',
  openai: 'openai-401-invalid-key.json',
  openrouter: 'openrouter-401-missing-key.json',
  xai: 'xai-400-invalid-key.json',
};

/** The body a provider's API sends to our fake key: recorded where we have it, else built from the catalog's
 * signature. */
export function rejectionBody(provider: Provider): string {
  const file = RECORDED_REJECTIONS[provider.slug];
  if (file) return fixtureText(`errors/${file}`);
  const expect = provider.probe?.expect;
  if (expect?.path !== undefined) {
    const build = (steps: string[]): Json =>
      steps.length === 0
        ? (expect.equals ?? 'invalid')
        : steps[0] === '*'
          ? [build(steps.slice(1))]
          : { [steps[0]!]: build(steps.slice(1)) };
    return JSON.stringify(build(expect.path.split('.')));
  }
  return JSON.stringify({ error: { message: expect?.contains ?? 'Invalid API key' } });
}

/** Moves every unix-seconds time (`…_seconds`, `date`, `timestamp`) so that the latest is `ageMs` before `now`. */
export function secondsToPresent<T extends Json>(doc: T, now: number, ageMs = 5 * MINUTE_MS): T {
  const isTime = (key: string, value: Json) =>
    (key.endsWith('_seconds') || key === 'date' || key === 'timestamp') && Number(value) > 1e9;
  const times: number[] = [];
  const collect = (value: Json): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (isTime(k, v)) times.push(Number(v));
        else collect(v);
      }
  };
  collect(doc);
  if (times.length === 0) return doc;
  const delta = Math.round((now - ageMs) / 1000) - Math.max(...times);
  const shift = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(shift);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (!isTime(k, v)) return [k, shift(v)];
        const moved = Number(v) + delta;
        return [k, typeof v === 'string' ? String(moved) : moved];
      }),
    );
  };
  return shift(doc) as T;
}

/** Flashduty (DeepSeek): the recorded page with the catalog's components, no open change, and its history. */
export function flashdutyOperational(provider: Provider, now: number): { active: Doc; history: Doc } {
  const recorded = fixtureJson<{ data: Doc }>('flashduty-summary-active-deepseek.json');
  const page = recorded.data.page as Doc;
  // API components stand alone; the others sit in the page's one section, as on DeepSeek's page.
  const section = (page.sections as Doc[])[0]!.section_id!;
  const components = provider.components.map(nameOf).map((name, index) => ({
    component_id: `${provider.slug}-${index}`,
    name,
    ...(/api/i.test(name) ? {} : { section_id: section }),
  }));
  const history = secondsToPresent(
    fixtureJson<Doc>('flashduty-change-list-deepseek.json'),
    now,
    2 * 24 * 60 * MINUTE_MS,
  );
  for (const item of (history.data as { items: Doc[] }).items)
    item.affected_components = [{ ...components[0]!, status: 'full_outage' }];
  return { active: { data: { page: { ...page, components }, active_changes: [] } }, history };
}

/** Datadog Status Pages (OpenRouter): the recorded config.json, every component operational, its history resolved. */
export function datadogOperational(provider: Provider, now: number): Doc {
  const recorded = toPresent(fixtureJson<Doc>('datadog-config-openrouter.json'), now, 2 * 24 * 60 * MINUTE_MS);
  const names = provider.components.map(nameOf);
  const groups = recorded.components as Doc[];
  const gateway = groups[0]!;
  const leaf = (name: string, index: number): Doc => ({
    id: `${provider.slug}-${index}`,
    name,
    position: index,
    status: 'operational',
    type: 'Component',
  });
  return {
    ...recorded,
    name: provider.name,
    components: [
      { ...gateway, components: names.map(leaf).filter((c) => /api/i.test(c.name as string)) },
      ...names.map(leaf).filter((c) => !/api/i.test(c.name as string)),
    ],
    incidents: (recorded.incidents as Doc[]).filter((i) => i.resolved === true),
  };
}

/** AWS Health currentevents (Bedrock): the recorded events, resolved, as AWS serves them: UTF-16 with a BOM. */
export function awshealthEvents(now: number): Buffer {
  const text = readFileSync(new URL('awshealth-currentevents.json', FIXTURES)).subarray(2).toString('utf16le');
  const events = secondsToPresent(JSON.parse(text) as Json, now, 3 * 60 * MINUTE_MS) as Doc[];
  for (const event of events) {
    const log = event.event_log as Doc[];
    if (event.status === '0') continue;
    event.status = '0';
    log.push({
      ...log.at(-1)!,
      message: 'The issue has been resolved and the service is operating normally.',
      status: 0,
    });
    log.at(-1)!.timestamp = Number(log.at(-2)!.timestamp) + 40 * 60;
  }
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(events), 'utf16le')]);
}

/** Mistral's feed: one item per update sharing a guid; its open incident left out, so the page is calm. */
export const mistralFeed = (now: number): string =>
  feedToPresent(
    fixtureText('feed-mistral.rss').replace(/<item>(?:(?!<\/item>)[\s\S])*?9a1f03c2[\s\S]*?<\/item>\s*/g, ''),
    now,
    2 * 24 * 60 * MINUTE_MS,
  );

/** Better Stack's /feed: the recorded history of resolved reports. */
export const betterstackFeed = (now: number): string =>
  feedToPresent(fixtureText('feed-betterstack-together.rss'), now, 4 * 24 * 60 * MINUTE_MS);

/** A Better Stack index with one open report on its first resource, `state` on both. */
export function betterstackWithReport(
  provider: Provider,
  now: number,
  title: string,
  body: string,
  startedAt: number,
  state: string,
): Doc {
  const index = betterstackOperational(provider, now);
  const included = index.included as Doc[];
  const first = included.find((i) => i.type === 'status_page_resource')!;
  first.attributes = { ...(first.attributes as Doc), status: state };
  const at = new Date(startedAt).toISOString();
  const data = index.data as Doc;
  return {
    ...index,
    data: {
      ...data,
      attributes: { ...(data.attributes as Doc), aggregate_state: state },
      relationships: {
        ...(data.relationships as Doc),
        status_reports: { data: [{ id: '90001', type: 'status_report' }] },
      },
    },
    included: [
      ...included,
      {
        id: '90001',
        type: 'status_report',
        attributes: {
          title,
          report_type: 'manual',
          starts_at: at,
          ends_at: null,
          aggregate_state: state,
          affected_resources: [{ status_page_resource_id: first.id!, status: state }],
        },
        relationships: { status_updates: { data: [{ id: '90002', type: 'status_update' }] } },
      },
      { id: '90002', type: 'status_update', attributes: { message: body, published_at: at } },
    ],
  };
}

/** incident.io's components.json: the summary's components and the catalog's that summary.json leaves out. */
export function incidentioComponents(provider: Provider, summary: Doc): Doc {
  const listed = (summary.components as Doc[] | null) ?? [];
  const names = new Set(listed.map((c) => c.name));
  const missing = provider.components
    .map(nameOf)
    .filter((name) => !names.has(name))
    .map((name, index) => ({
      id: `${provider.slug}-more-${index}`,
      name,
      status: 'operational',
      position: 100 + index,
    }));
  return { page: summary.page ?? null, components: [...listed, ...missing] };
}

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

/** The recorded Amazon Bedrock RSS feed, its latest entry three days old (over, as far as the feed tells). */
export const bedrockFeed = (now: number): string =>
  feedToPresent(fixtureText('feed-aws-bedrock.rss'), now, 3 * 24 * 60 * MINUTE_MS);

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

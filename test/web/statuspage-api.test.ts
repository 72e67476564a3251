// Statuspage-compatible API: every document in Statuspage's shapes, read back by our own Statuspage reader with the
// same level as /api/v1; unknown never reads as operational; CORS, ETag and 304 like our other JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { MAIN_DOCUMENT, type Level } from '../../src/domain.ts';
import { readStatuspageDocument } from '../../src/sources/adapters/statuspage.ts';
import { STATUSPAGE_DOCUMENTS } from '../../src/web/api/statuspage.ts';
import {
  COMPONENT_STATUS_OF,
  INDICATOR_OF,
  StatuspageComponentsDocument,
  StatuspageIncidentsDocument,
  StatuspageMaintenancesDocument,
  StatuspageStatusDocument,
  StatuspageSummary,
} from '../../src/web/api/statuspage-bodies.ts';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { fixture } from '../helpers/upstream.ts';
import { incident, seedScenario } from '../helpers/seed.ts';
import { HOUR_MS, MINUTE_MS } from '../../src/time.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await seedScenario(h.store, T0);
}, 60_000);
afterAll(() => h.close());

/** Two official maintenances of OpenAI: one under way, one tomorrow. */
async function seedMaintenances(store: Harness['store']): Promise<void> {
  await store.incidents.upsert(
    'openai',
    'official',
    [
      incident('mnt-now', {
        kind: 'maintenance',
        title: 'Database upgrade',
        state: 'in_progress',
        rawState: 'in_progress',
        impact: 'maintenance',
        rawImpact: 'maintenance',
        startedAt: T0 - 10 * MINUTE_MS,
        scheduledFor: T0 - 10 * MINUTE_MS,
        scheduledUntil: T0 + HOUR_MS,
      }),
      incident('mnt-later', {
        kind: 'maintenance',
        title: 'Network work',
        state: 'scheduled',
        rawState: 'scheduled',
        impact: 'maintenance',
        rawImpact: 'maintenance',
        startedAt: T0 + 24 * HOUR_MS,
        scheduledFor: T0 + 24 * HOUR_MS,
        scheduledUntil: T0 + 26 * HOUR_MS,
      }),
    ],
    T0 - MINUTE_MS,
  );
}

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

const SCHEMAS: Record<string, z.ZodType> = {
  'summary.json': StatuspageSummary,
  'status.json': StatuspageStatusDocument,
  'components.json': StatuspageComponentsDocument,
  'incidents.json': StatuspageIncidentsDocument,
  'incidents/unresolved.json': StatuspageIncidentsDocument,
  'scheduled-maintenances.json': StatuspageMaintenancesDocument,
  'scheduled-maintenances/upcoming.json': StatuspageMaintenancesDocument,
  'scheduled-maintenances/active.json': StatuspageMaintenancesDocument,
};

/** What our own poller makes of a document, as if the provider's status page were this site. */
const readBack = (slug: string, document: string, body: string) =>
  readStatuspageDocument(document, body, { format: 'statuspage', url: `${h.config.siteUrl}/${slug}` });

/** The level a Statuspage client reads for a level of ours: the same, but `unknown` (Statuspage has no word). */
const readAs = (level: Level): Level => (level === 'unknown' ? 'degraded' : level);

describe('Statuspage-compatible API', () => {
  it('serves every document of every provider in its Statuspage shape, readable from any origin', async () => {
    expect(Object.keys(STATUSPAGE_DOCUMENTS).sort()).toEqual(Object.keys(SCHEMAS).sort());
    for (const provider of h.catalog.providers) {
      for (const [document, schema] of Object.entries(SCHEMAS)) {
        const res = await get(`/${provider.slug}/api/v2/${document}`);
        expect(res.statusCode, `${provider.slug} ${document}`).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.headers['access-control-allow-origin']).toBe('*');
        const parsed = schema.safeParse(res.json());
        expect(parsed.success, `${provider.slug} ${document}: ${parsed.error?.message}`).toBe(true);
      }
    }
  }, 120_000);

  it('reads back through our Statuspage reader with the level of /api/v1, for every provider', async () => {
    const levels = new Set<Level>();
    for (const provider of h.catalog.providers) {
      const ours = (await get(`/api/v1/providers/${provider.slug}`)).json<{ level: Level }>();
      levels.add(ours.level);
      const summary = await get(`/${provider.slug}/api/v2/summary.json`);
      const reading = readBack(provider.slug, MAIN_DOCUMENT, summary.body);
      expect(reading.pageLevel, provider.slug).toBe(readAs(ours.level));
      expect(reading.components?.find((c) => c.name === 'API')?.level, provider.slug).toBe(readAs(ours.level));
      const status = (await get(`/${provider.slug}/api/v2/status.json`)).json();
      expect(status.status.indicator).toBe(INDICATOR_OF[ours.level]);
    }
    // The scenario covers an outage, a healthy provider and providers we know nothing of.
    expect([...levels]).toEqual(expect.arrayContaining(['major_outage', 'operational', 'unknown']));
  });

  it('never tells a Statuspage client "operational" when we cannot tell, and says why', async () => {
    expect((await get('/api/v1/providers/mistral')).json().level).toBe('unknown');
    const summary = StatuspageSummary.parse((await get('/mistral/api/v2/summary.json')).json());
    expect(summary.status.indicator).not.toBe('none');
    expect(summary.status.description).toMatch(/^Status unknown: \S/);
    const api = summary.components.find((c) => c.name === 'API')!;
    expect(api.status).toBe(COMPONENT_STATUS_OF.unknown);
    expect(api.status).not.toBe('operational');
    expect(api.description).toMatch(/^Unknown: no fresh reading\./);
    expect(Object.values(INDICATOR_OF).filter((i) => i === 'none')).toHaveLength(1);
  });

  it('lists the API, the live probe and the official components with their groups', async () => {
    const summary = StatuspageSummary.parse((await get('/anthropic/api/v2/summary.json')).json());
    expect(summary.page).toMatchObject({
      name: 'Anthropic',
      url: `${h.config.siteUrl}/anthropic`,
      time_zone: 'Etc/UTC',
    });
    expect(summary.status).toEqual({ indicator: 'critical', description: 'Major System Outage' });
    const byName = new Map(summary.components.map((c) => [c.name, c]));
    expect(byName.get('API')!.status).toBe('major_outage');
    expect(byName.get('Live probe')).toBeDefined();
    expect(byName.get('Claude API (api.anthropic.com)')!.status).toBe('major_outage');
    expect(byName.get('Claude Code')!.status).toBe('degraded_performance');
    const openai = StatuspageComponentsDocument.parse((await get('/openai/api/v2/components.json')).json());
    const group = openai.components.find((c) => c.group)!;
    expect(group.name).toBe('APIs');
    const members = openai.components.filter((c) => c.group_id === group.id).map((c) => c.name);
    expect(members).toEqual(['Chat Completions', 'Responses']);
    expect(group.components).toEqual(openai.components.filter((c) => c.group_id === group.id).map((c) => c.id));
    // Our reader drops the group and keeps its name on the members, as with any Statuspage page.
    const reading = readBack('openai', 'components', JSON.stringify(openai));
    expect(reading.components?.find((c) => c.name === 'Responses')?.groupName).toBe('APIs');
  });

  it('carries official and detected incidents with their updates; unresolved lists only the open ones', async () => {
    const all = StatuspageIncidentsDocument.parse((await get('/anthropic/api/v2/incidents.json')).json());
    expect(all.incidents.map((i) => [i.name, i.status])).toEqual([
      ['API answers 503 to our probe (detected by us)', 'investigating'],
      ['Elevated errors on the Claude API', 'investigating'],
      ['Rate limits applied wrongly', 'resolved'],
    ]);
    const open = all.incidents[1]!;
    expect(open.shortlink).toBe('https://status.claude.com/incidents/open1');
    expect(open.incident_updates.map((u) => [u.status, u.body])).toEqual([
      ['identified', 'The issue has been identified and a fix is being rolled out.'],
      ['investigating', 'We are investigating elevated 500 errors on the API.'],
    ]);
    expect(open.components.map((c) => c.name)).toEqual(['Claude API (api.anthropic.com)']);
    expect(all.incidents[0]!.incident_updates).toHaveLength(1);
    expect(all.incidents[2]!.resolved_at).toBe(new Date(T0 - 7 * 24 * HOUR_MS + 45 * MINUTE_MS).toISOString());

    const unresolved = StatuspageIncidentsDocument.parse(
      (await get('/anthropic/api/v2/incidents/unresolved.json')).json(),
    );
    expect(unresolved.incidents.map((i) => i.id)).toEqual(all.incidents.slice(0, 2).map((i) => i.id));

    const read = readBack('anthropic', 'incidents', JSON.stringify(all));
    expect(read.incidents!.map((i) => [i.title, i.state, i.impact, i.updates.length])).toEqual([
      ['API answers 503 to our probe (detected by us)', 'investigating', 'major', 1],
      ['Elevated errors on the Claude API', 'investigating', 'major', 2],
      ['Rate limits applied wrongly', 'resolved', 'minor', 2],
    ]);
    // Ids are stable across renders and databases: derived from the source's keys.
    const again = StatuspageIncidentsDocument.parse((await get('/anthropic/api/v2/incidents.json')).json());
    expect(again.incidents.map((i) => i.id)).toEqual(all.incidents.map((i) => i.id));
  });

  it('splits maintenances into upcoming and active, and the summary carries both', async () => {
    await seedMaintenances(h.store);
    h.clock.now += 2000;
    const names = async (path: string) =>
      StatuspageMaintenancesDocument.parse((await get(`/openai/api/v2/${path}`)).json()).scheduled_maintenances.map(
        (m) => [m.name, m.status],
      );
    expect(await names('scheduled-maintenances/active.json')).toEqual([['Database upgrade', 'in_progress']]);
    expect(await names('scheduled-maintenances/upcoming.json')).toEqual([['Network work', 'scheduled']]);
    expect(await names('scheduled-maintenances.json')).toEqual([
      ['Network work', 'scheduled'],
      ['Database upgrade', 'in_progress'],
    ]);
    const summary = StatuspageSummary.parse((await get('/openai/api/v2/summary.json')).json());
    expect(summary.scheduled_maintenances.map((m) => m.name)).toEqual(['Database upgrade', 'Network work']);
    // A maintenance under way is our level "maintenance", and a Statuspage client reads it so.
    expect((await get('/api/v1/providers/openai')).json().level).toBe('maintenance');
    expect(summary.status.indicator).toBe('maintenance');
    expect(readBack('openai', MAIN_DOCUMENT, JSON.stringify(summary)).pageLevel).toBe('maintenance');
    const upcoming = summary.scheduled_maintenances[1]!;
    expect(upcoming.scheduled_for).toBe(new Date(T0 + 24 * HOUR_MS).toISOString());
    const read = readBack('openai', 'maintenances', (await get('/openai/api/v2/scheduled-maintenances.json')).body);
    expect(read.incidents!.map((i) => [i.kind, i.state])).toEqual([
      ['maintenance', 'scheduled'],
      ['maintenance', 'in_progress'],
    ]);
  });

  it('has every field of the recorded Statuspage documents, object by object', async () => {
    const keys = (o: object | undefined) => Object.keys(o ?? {}).sort();
    const recorded = JSON.parse(fixture('statuspage-summary-anthropic-incident.json'));
    const ours = (await get('/anthropic/api/v2/summary.json')).json();
    expect(keys(ours)).toEqual(keys(recorded));
    expect(keys(ours.page)).toEqual(keys(recorded.page));
    expect(keys(ours.status)).toEqual(keys(recorded.status));
    expect(keys(ours.components[0])).toEqual(expect.arrayContaining(keys(recorded.components[0])));
    const [incident, update] = [ours.incidents[0], ours.incidents[0].incident_updates[0]];
    expect(keys(incident)).toEqual(expect.arrayContaining(keys(recorded.incidents[0])));
    expect(keys(update)).toEqual(expect.arrayContaining(keys(recorded.incidents[0].incident_updates[0])));
    await seedMaintenances(h.store);
    h.clock.now += 2000;
    const maintenance = JSON.parse(fixture('statuspage-scheduled-maintenances-active.json')).scheduled_maintenances[0];
    const active = (await get('/openai/api/v2/scheduled-maintenances/active.json')).json().scheduled_maintenances[0];
    expect(keys(active)).toEqual(expect.arrayContaining(keys(maintenance)));
  });

  it('is cached like our other JSON: ETag, 304, Cache-Control; an unknown provider is a JSON 404', async () => {
    const first = await get('/anthropic/api/v2/summary.json');
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toContain('max-age=');
    const again = await get('/anthropic/api/v2/summary.json', { 'if-none-match': first.headers.etag as string });
    expect(again.statusCode).toBe(304);
    const missing = await get('/nope/api/v2/summary.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().error.message).toContain('We do not track a provider called "nope"');
  });
});

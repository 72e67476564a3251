// End to end: fake status pages of every format on 127.0.0.1 → the real poll job → SQLite → pages and JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { catalogWith, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 6, 16, 0);
const feed = (body: string) => ({ type: 'application/rss+xml', body });

let h: Harness;
let rig: PollRig;
const ups: Record<string, Upstream> = {};

beforeAll(async () => {
  ups.anthropic = await startUpstream({
    '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic-incident.json')),
    '/api/v2/incidents.json': json(fixture('statuspage-incidents-anthropic.json')),
    '/api/v2/scheduled-maintenances.json': json(fixture('statuspage-scheduled-maintenances-upcoming.json')),
  });
  ups.openai = await startUpstream({
    '/api/v2/summary.json': json(fixture('incidentio-summary-incident-openai.json')),
    '/api/v2/incidents.json': { status: 404, type: 'text/html', body: '<html>Not Found</html>' },
  });
  ups.perplexity = await startUpstream({
    '/summary.json': json(fixture('instatus-summary.json')),
    '/v2/components.json': json(fixture('instatus-components-v2.json')),
    '/history.atom': { type: 'application/atom+xml', body: fixture('instatus-history-perplexity.atom') },
  });
  ups.hf = await startUpstream({
    '/index.json': json(fixture('betterstack-index-huggingface.json'), { type: 'application/vnd.api+json' }),
  });
  ups.aws = await startUpstream({ '/rss/bedrock.rss': feed(fixture('feed-aws-bedrock.rss')) });
  ups.gcp = await startUpstream({ '/incidents.json': json(fixture('gcp-incidents.json')) });
  const catalog = catalogWith([
    providerLike('anthropic', { format: 'statuspage', url: ups.anthropic.url, pageUrl: 'https://status.claude.com' }),
    providerLike('openai', { format: 'incidentio', url: ups.openai.url }, 'openai'),
    providerLike('perplexity', { format: 'instatus', url: ups.perplexity.url }, 'perplexity'),
    providerLike('hugging-face', { format: 'betterstack', url: ups.hf.url }, 'hugging-face'),
    providerLike('aws-bedrock', { format: 'feed', url: `${ups.aws.url}/rss/bedrock.rss` }, 'aws-bedrock'),
    providerLike(
      'google-gemini',
      {
        format: 'gcp',
        url: `${ups.gcp.url}/incidents.json`,
        pageUrl: 'https://status.cloud.google.com',
        products: ['Z0FZJAMvEB4j3NbCJs6B'],
      },
      'google-gemini',
    ),
    providerLike('writesonic', null, 'writesonic'),
  ]);
  h = await createHarness({ catalog, now: NOW, env: { ALLOW_PRIVATE_UPSTREAMS: 'true', POLL_INTERVAL_SECONDS: '60' } });
  rig = pollRig(h);
  await rig.job.runCycle();
});
afterAll(async () => {
  await rig.close();
  await h.close();
  await Promise.all(Object.values(ups).map((u) => u.close()));
});

const page = async (slug: string) => (await h.app.inject({ url: `/${slug}` })).body;
const api = async (slug: string) => (await h.app.inject({ url: `/api/v1/providers/${slug}` })).json();

describe('one poll of every format', () => {
  it('records one check per document, the main one first', () => {
    const outcomes = (slug: string) =>
      h.store
        .sqlite!.prepare('SELECT document, outcome FROM source_checks WHERE provider_slug = ? ORDER BY id')
        .all(slug);
    expect(outcomes('anthropic')).toEqual([
      { document: MAIN_DOCUMENT, outcome: 'ok' },
      { document: 'incidents', outcome: 'ok' },
      { document: 'maintenances', outcome: 'ok' },
    ]);
    expect(outcomes('openai')).toEqual([
      { document: MAIN_DOCUMENT, outcome: 'ok' },
      { document: 'incidents', outcome: 'http' },
      { document: 'components', outcome: 'http' },
    ]);
    expect(outcomes('writesonic')).toEqual([]);
  });

  it('Statuspage: components, open incident + timeline, resolved history, upcoming maintenance, headline', async () => {
    const body = await page('anthropic');
    const text = textOf(body);
    expect(text).toMatch(/Claude API \(api\.anthropic\.com\) Partial Outage/);
    expect(text).toMatch(/Claude Code Degraded/);
    expect(body).toContain('href="https://stspg.io/q4m8v2n7d1xk"');
    expect(text).toContain('Elevated errors on Claude Opus 4.7');
    // Every update with its state and time, newest first.
    expect(text).toMatch(/Identified · [^·]+ UTC[^·]+Investigating · /);
    expect(text).toContain('Affected: Claude API (api.anthropic.com), Claude Code');
    expect(text).toContain('Elevated errors on claude.ai');
    expect(text).toContain('Website CDN provider change');
    const j = await api('anthropic');
    expect(j.level).toBe('partial_outage');
    expect(j.official).toMatchObject({
      state: 'fresh',
      lastOkAt: new Date(NOW).toISOString(),
      lastFailure: null,
      url: 'https://status.claude.com',
    });
    const resolved = j.incidents.find((i: { title: string }) => i.title === 'Elevated errors on claude.ai');
    expect(resolved).toMatchObject({
      state: 'resolved',
      open: false,
      resolvedAt: '2026-10-03T10:31:07.540Z',
      impact: 'minor',
    });
    expect(resolved.durationMs).toBeGreaterThan(0);
    const maintenance = j.incidents.find((i: { kind: string }) => i.kind === 'maintenance');
    expect(maintenance).toMatchObject({ state: 'scheduled', open: false, scheduledFor: '2026-10-13T05:00:00.000Z' });
  });

  it('incident.io: 1 full_outage component of 3 is a partial outage; failed incidents.json loses nothing', async () => {
    const j = await api('openai');
    expect(j.components.map((c: { name: string; level: string }) => [c.name, c.level])).toEqual([
      ['Images', 'operational'],
      ['Chat Completions', 'major_outage'],
      ['Codex API', 'degraded'],
    ]);
    expect(j.level).toBe('partial_outage');
    expect(j.incidents[0]).toMatchObject({
      title: 'Increased error rates for ChatGPT and the API',
      open: true,
      components: [],
    });
    expect(j.official.state).toBe('fresh');
  });

  it('Instatus: grouped components, active incident and maintenance, the history timeline joined', async () => {
    const j = await api('perplexity');
    expect(j.components.map((c: { name: string; group: string | null }) => [c.name, c.group])).toEqual([
      ['Sonar API', 'API'],
      ['Search API', 'API'],
      ['Website', null],
      ['Comet', null],
    ]);
    const text = textOf(await page('perplexity'));
    expect(text).toContain("We're facing an issue with our API");
    expect(text).toContain('Database maintenance');
  });

  it('Better Stack: sections as groups, the open report with its updates', async () => {
    const body = await page('hugging-face');
    expect(body).toMatch(/<caption class="group-name">Inference<\/caption>/);
    const j = await api('hugging-face');
    expect(j.incidents[0]).toMatchObject({
      title: 'Elevated error rates on Inference Providers',
      open: true,
      components: ['Inference Providers'],
    });
    expect(j.incidents[0].updates).toHaveLength(2);
    expect(j.level).toBe('degraded');
  });

  it('feeds and GCP: incidents only, said so', async () => {
    const aws = await api('aws-bedrock');
    expect(aws.incidents.filter((i: { open: boolean }) => i.open).map((i: { title: string }) => i.title)).toEqual([
      'Increased Error Rates',
    ]);
    expect(textOf(await page('aws-bedrock'))).toContain('The official source lists incidents only, not components.');
    const gcp = await api('google-gemini');
    expect(gcp.incidents).toHaveLength(1);
    expect(gcp.incidents[0]).toMatchObject({
      open: true,
      impact: 'major',
      url: 'https://status.cloud.google.com/incidents/Xq3uZ8bN1rT5wY7eK2mC',
    });
    expect(gcp.level).toBe('partial_outage');
  });

  it('polling the same documents again changes nothing but the check log', async () => {
    const snapshot = () => [
      h.store.sqlite!.prepare('SELECT * FROM incidents ORDER BY id').all(),
      h.store.sqlite!.prepare('SELECT * FROM incident_updates ORDER BY id').all(),
      h.store.sqlite!.prepare('SELECT * FROM incident_components ORDER BY incident_id, component_key').all(),
      h.store.sqlite!.prepare('SELECT id, name, level, changed_at FROM components ORDER BY id').all(),
      h.store.sqlite!.prepare('SELECT * FROM component_changes ORDER BY id').all(),
      h.store.sqlite!.prepare('SELECT * FROM page_levels ORDER BY provider_slug').all(),
    ];
    const before = JSON.stringify(snapshot());
    h.clock.now = NOW + 60_000;
    await rig.job.runCycle();
    expect(JSON.stringify(snapshot())).toBe(before);
    expect((await h.store.checks.summary('anthropic', MAIN_DOCUMENT)).lastOkAt).toBe(NOW + 60_000);
  });
});

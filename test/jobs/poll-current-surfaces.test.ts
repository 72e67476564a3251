// End to end for the current status surfaces: Flashduty, Datadog config.json, AWS Health UTF-16 events, a feed with
// one item per update, an incident.io page without maintenances, Better Stack with /feed → poll job → pages and JSON.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { catalogWith, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 6, 16, 0);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const DEEPSEEK = '/api/status-page/6410630422455';
const awsBytes = readFileSync(new URL('../fixtures/awshealth-currentevents.json', import.meta.url));

let h: Harness;
let rig: PollRig;
const ups: Record<string, Upstream> = {};

beforeAll(async () => {
  ups.deepseek = await startUpstream({
    [`${DEEPSEEK}/summary/active`]: json(fixture('flashduty-summary-active-deepseek.json')),
    [`${DEEPSEEK}/change/list`]: json(fixture('flashduty-change-list-deepseek.json')),
  });
  ups.openrouter = await startUpstream({ '/config.json': json(fixture('datadog-config-openrouter.json')) });
  ups.aws = await startUpstream({ '/public/currentevents': { type: 'application/json', body: awsBytes } });
  // The same events in UTF-16 without a byte-order mark (and no charset): told apart by its zero bytes.
  ups.awsBare = await startUpstream({
    '/public/currentevents': { type: 'application/json', body: awsBytes.subarray(2) },
  });
  ups.mistral = await startUpstream({
    '/feed.rss': { type: 'application/rss+xml', body: fixture('feed-mistral.rss') },
  });
  const summary = JSON.parse(fixture('incidentio-summary-openai.json'));
  ups.groq = await startUpstream({
    '/api/v2/summary.json': json(summary),
    '/api/v2/incidents.json': json({ page: summary.page }),
    '/api/v2/components.json': json(fixture('incidentio-components-openai.json')),
  });
  ups.together = await startUpstream({
    '/index.json': json(fixture('betterstack-index-huggingface.json'), { type: 'application/vnd.api+json' }),
    '/feed': { type: 'application/rss+xml', body: fixture('feed-betterstack-together.rss') },
  });
  const catalog = catalogWith([
    providerLike(
      'deepseek',
      { format: 'flashduty', url: `${ups.deepseek.url}${DEEPSEEK}`, pageUrl: 'https://status.deepseek.com' },
      'deepseek',
    ),
    providerLike('openrouter', { format: 'datadog', url: ups.openrouter.url }, 'openrouter'),
    ...[
      ['aws-bedrock', ups.aws],
      ['aws-bare', ups.awsBare],
    ].map(([slug, up]) =>
      providerLike(
        slug as string,
        { format: 'awshealth', url: `${(up as Upstream).url}/public/currentevents`, products: ['bedrock'] },
        'aws-bedrock',
      ),
    ),
    providerLike('mistral', { format: 'feed', url: `${ups.mistral.url}/feed.rss` }, 'mistral'),
    providerLike('groq', { format: 'incidentio', url: ups.groq.url }, 'groq'),
    providerLike('together-ai', { format: 'betterstack', url: ups.together.url }, 'together-ai'),
  ]);
  h = await createHarness({ catalog, now: NOW, env: { ALLOW_PRIVATE_UPSTREAMS: 'true', POLL_INTERVAL_SECONDS: '60' } });
  rig = pollRig(h);
  await rig.job.runCycle();
});
afterAll(async () => {
  await rig?.close();
  await h?.close();
  await Promise.all(Object.values(ups).map((u) => u.close()));
});

type Incident = {
  title: string;
  open: boolean;
  state: string;
  startedAt: string;
  resolvedAt: string | null;
  components: string[];
  updates: unknown[];
};
const api = async (slug: string) => (await h.app.inject({ url: `/api/v1/providers/${slug}` })).json();
const levels = (j: { components: { name: string; level: string }[] }) => j.components.map((c) => [c.name, c.level]);
const incident = (j: { incidents: Incident[] }, title: string) => j.incidents.find((i) => i.title === title)!;
/** Every stored incident, older than the pages' window too, with its times as epoch ms. */
const stored = async (slug: string, title: string) =>
  (await h.store.incidents.listRecent(slug, 0)).find((i) => i.title === title)!;
const outcomes = (slug: string) =>
  h.store.sqlite!.prepare('SELECT document, outcome FROM source_checks WHERE provider_slug = ? ORDER BY id').all(slug);

describe('one poll of each current surface', () => {
  it('Flashduty: components lit by the open change, its timeline, the history with unix-second times', async () => {
    expect(outcomes('deepseek')).toEqual([
      { document: MAIN_DOCUMENT, outcome: 'ok' },
      { document: 'history', outcome: 'ok' },
    ]);
    const j = await api('deepseek');
    expect(j.official.state).toBe('fresh');
    expect(levels(j)).toEqual([
      ['DeepSeek V4 Pro API服务(API Service)', 'partial_outage'],
      ['DeepSeek V4.1 Flash API服务(API Service)', 'operational'],
      ['对话服务(Chat Service)', 'degraded'],
      ['上传文件服务(File Upload Service)', 'operational'],
      ['搜索服务(Search Service)', 'operational'],
    ]);
    expect(incident(j, 'DeepSeek V4 Pro API 响应缓慢 (Slow API responses)')).toMatchObject({
      open: true,
      state: 'identified',
      startedAt: iso(1790883605),
      resolvedAt: null,
    });
    expect(incident(j, 'API 服务异常 (API errors)')).toMatchObject({
      open: false,
      startedAt: iso(1790700000),
      resolvedAt: iso(1790704500),
    });
    expect(j.level).toBe('partial_outage');
  });

  it('Datadog config.json: grouped components with their API paths, the open incident and its timeline', async () => {
    const j = await api('openrouter');
    expect(levels(j)).toEqual([
      ['Chat (/api/v1/chat/completions)', 'degraded'],
      ['Video (/api/v1/videos)', 'operational'],
      ['Web & Application Services', 'operational'],
    ]);
    const open = incident(j, 'Elevated errors on chat completions');
    expect(open).toMatchObject({ open: true, state: 'identified', startedAt: '2026-09-13T20:00:00.000Z' });
    expect(open.updates).toHaveLength(2);
    expect(await stored('openrouter', 'Degraded video generation API')).toMatchObject({
      state: 'resolved',
      startedAt: Date.parse('2026-09-04T18:27:00Z'),
      resolvedAt: Date.parse('2026-09-04T21:12:00Z'),
    });
    expect(textOf((await h.app.inject({ url: '/openrouter' })).body)).toContain('Elevated errors on chat completions');
  });

  it('AWS Health: UTF-16 with or without a BOM, each region its own component, real start and end', async () => {
    for (const slug of ['aws-bedrock', 'aws-bare']) {
      expect(outcomes(slug)).toEqual([{ document: MAIN_DOCUMENT, outcome: 'ok' }]);
      const j = await api(slug);
      expect(levels(j)).toEqual([
        ['Amazon Bedrock eu-central-1 (Frankfurt)', 'operational'],
        ['Amazon Bedrock us-east-1 (N. Virginia)', 'degraded'],
      ]);
      expect(j.incidents).toHaveLength(2);
      expect(incident(j, 'Increased Error Rates')).toMatchObject({ open: true, startedAt: iso(1790883600) });
      expect(incident(j, 'Increased Latency')).toMatchObject({
        open: false,
        startedAt: iso(1790860000),
        resolvedAt: iso(1790864500),
      });
      expect(j.level).toBe('degraded');
    }
  });

  it('a feed with one item per update: one incident per guid, with every update and the newest state', async () => {
    const j = await api('mistral');
    expect(j.incidents.map((i: Incident) => [i.title, i.open, i.state, i.updates.length])).toEqual([
      ['Chat Completions API Degraded', true, 'identified', 2],
    ]);
    expect([...incident(j, 'Chat Completions API Degraded').components].sort()).toEqual([
      'Agents API',
      'Chat Completions API',
    ]);
    const audio = await stored('mistral', 'Audio API Degraded');
    expect(audio).toMatchObject({
      state: 'resolved',
      startedAt: Date.parse('2026-07-26T02:46:53Z'),
      resolvedAt: Date.parse('2026-07-26T02:47:40Z'),
    });
    expect(audio.updates.map((u) => u.state)).toEqual(['resolved', 'investigating']);
    expect((await h.store.incidents.listRecent('mistral', 0)).length).toBe(2);
  });

  it('incident.io without maintenances or an incidents key: components.json adds what summary.json omits', async () => {
    expect(outcomes('groq')).toEqual([
      { document: MAIN_DOCUMENT, outcome: 'ok' },
      { document: 'incidents', outcome: 'ok' },
      { document: 'components', outcome: 'ok' },
    ]);
    const j = await api('groq');
    expect(j.components.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['Images', 'Codex API', 'Chat Completions', 'Embeddings', 'Moderations']),
    );
    expect(j.components).toHaveLength(7);
    expect(j.incidents).toEqual([]);
    expect(j.official.state).toBe('fresh');
  });

  it('Better Stack: the open report from index.json, the history from /feed', async () => {
    expect(outcomes('together-ai')).toEqual([
      { document: MAIN_DOCUMENT, outcome: 'ok' },
      { document: 'history', outcome: 'ok' },
    ]);
    const j = await api('together-ai');
    expect(incident(j, 'Elevated error rates on Inference Providers').open).toBe(true);
    expect(await stored('together-ai', 'Elevated latency on serverless inference')).toMatchObject({
      state: 'resolved',
      startedAt: Date.parse('2026-09-01T14:05:00Z'),
    });
    expect(await stored('together-ai', 'Fine-tuning jobs delayed')).toMatchObject({ state: 'resolved' });
  });

  it('a second poll of the same documents changes nothing but the check log', async () => {
    const snapshot = () =>
      JSON.stringify([
        h.store.sqlite!.prepare('SELECT * FROM incidents ORDER BY id').all(),
        h.store.sqlite!.prepare('SELECT * FROM incident_updates ORDER BY id').all(),
        h.store.sqlite!.prepare('SELECT id, name, level, changed_at, retired_at FROM components ORDER BY id').all(),
      ]);
    const before = snapshot();
    h.clock.now = NOW + 60_000;
    await rig.job.runCycle();
    expect(snapshot()).toBe(before);
  });
});

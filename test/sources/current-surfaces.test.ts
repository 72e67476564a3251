// Flashduty, Datadog and AWS Health adapters, folded feeds, Better Stack's /feed and incident.io's components.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StatusPage } from '../../src/catalog/schema.ts';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { SourceError } from '../../src/sources/adapter.ts';
import { ADAPTERS } from '../../src/sources/adapters/index.ts';
import { mergeReadings } from '../../src/sources/merge.ts';
import { fixture } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 6, 16, 0);
const read = (p: StatusPage, document: string, body: string, now = NOW) =>
  ADAPTERS[p.format].read(document, body, p, now);
const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof SourceError ? `${error.kind}: ${error.message}` : `other: ${(error as Error).message}`;
  }
  return 'none';
};
const s = (seconds: number) => seconds * 1000;

describe('flashduty adapter', () => {
  const page: StatusPage = {
    format: 'flashduty',
    url: 'https://statuspage.flashduty.com/api/status-page/6410630422455',
    pageUrl: 'https://status.deepseek.com',
  };

  it('asks for summary/active and 90 days of change/list, in unix seconds', () => {
    const docs = ADAPTERS.flashduty.documents(page, NOW);
    expect(docs.map((d) => [d.name, d.url])).toEqual([
      [MAIN_DOCUMENT, 'https://statuspage.flashduty.com/api/status-page/6410630422455/summary/active'],
      [
        'history',
        'https://statuspage.flashduty.com/api/status-page/6410630422455/change/list?start_at_seconds=' +
          `${NOW / 1000 - 90 * 86400}&end_at_seconds=${NOW / 1000}`,
      ],
    ]);
    expect(ADAPTERS.flashduty.url).toBe('base');
  });

  it('reads components with levels from the open changes, incidents and maintenances with seconds as times', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('flashduty-summary-active-deepseek.json'));
    expect(r.listsAllOpen).toBe(true);
    expect(r.components!.map((c) => [c.name, c.groupName, c.level, c.rawStatus])).toEqual([
      // Standalone components (no section) are ungrouped, as on the page.
      ['DeepSeek V4 Pro API服务(API Service)', null, 'partial_outage', 'partial_outage'],
      ['DeepSeek V4.1 Flash API服务(API Service)', null, 'operational', null],
      ['对话服务(Chat Service)', '网页与应用(Web & App)', 'degraded', 'degraded'],
      // A scheduled maintenance does not light its component before it starts.
      ['上传文件服务(File Upload Service)', '网页与应用(Web & App)', 'operational', null],
      ['搜索服务(Search Service)', '网页与应用(Web & App)', 'operational', null],
    ]);
    const [incident, maintenance] = r.incidents!;
    expect(incident).toMatchObject({
      key: '90017',
      kind: 'incident',
      state: 'identified',
      impact: 'major',
      rawImpact: 'partial_outage',
      startedAt: s(1790883605),
      resolvedAt: null,
      components: [
        { key: 'c-v4pro', name: 'DeepSeek V4 Pro API服务(API Service)' },
        { key: 'c-chat', name: '对话服务(Chat Service)' },
      ],
    });
    expect(incident!.updates.map((u) => [u.state, u.at])).toEqual([
      ['identified', s(1790885405)],
      ['investigating', s(1790883605)],
    ]);
    expect(maintenance).toMatchObject({
      kind: 'maintenance',
      state: 'scheduled',
      scheduledFor: s(1790920000),
      scheduledUntil: s(1790927200),
      updates: [{ body: 'Planned maintenance of the file service.', at: s(1790920000) }],
    });
  });

  it('reads the history with real ends, and an ongoing maintenance or full outage at its level', () => {
    const h = read(page, 'history', fixture('flashduty-change-list-deepseek.json'));
    expect(h.incidents).toEqual([
      expect.objectContaining({
        key: '90011',
        state: 'resolved',
        impact: 'critical',
        startedAt: s(1790700000),
        resolvedAt: s(1790704500),
      }),
    ]);
    const doc = JSON.parse(fixture('flashduty-summary-active-deepseek.json'));
    doc.data.active_changes[1].status = 'ongoing';
    doc.data.active_changes[0].affected_components[0].status = 'full_outage';
    const r = read(page, MAIN_DOCUMENT, JSON.stringify(doc));
    expect(r.components!.map((c) => c.level)).toEqual([
      'major_outage',
      'operational',
      'degraded',
      'maintenance',
      'operational',
    ]);
    expect(r.incidents![1]).toMatchObject({ state: 'in_progress', rawState: 'ongoing' });
  });

  it('keeps an unseen impact word as unknown with the raw kept; an open change naming nothing is unknown', () => {
    const doc = JSON.parse(fixture('flashduty-summary-active-deepseek.json'));
    doc.data.active_changes[0].affected_components[0].status = 'brownout';
    expect(read(page, MAIN_DOCUMENT, JSON.stringify(doc)).components![0]).toMatchObject({
      level: 'unknown',
      rawStatus: 'brownout',
    });
    doc.data.active_changes[0].affected_components = null;
    expect(read(page, MAIN_DOCUMENT, JSON.stringify(doc)).components!.map((c) => c.level)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('a page answered without its component list keeps the last components and still reads the changes, named', () => {
    const doc = JSON.parse(fixture('flashduty-summary-active-deepseek.json'));
    delete doc.data.page.components;
    const r = read(page, MAIN_DOCUMENT, JSON.stringify(doc));
    expect('components' in r).toBe(false);
    expect(r.incidents!.map((i) => [i.key, i.components.map((c) => c.name)])).toEqual([
      ['90017', ['DeepSeek V4 Pro API服务(API Service)', '对话服务(Chat Service)']],
      ['90018', ['上传文件服务(File Upload Service)']],
    ]);
  });

  it('refuses another page, an error envelope, and an HTML shell', () => {
    const doc = JSON.parse(fixture('flashduty-summary-active-deepseek.json'));
    doc.data.page.page_id = 1;
    expect(failure(() => read(page, MAIN_DOCUMENT, JSON.stringify(doc)))).toBe(
      'schema: summary/active describes page 1, not page 6410630422455',
    );
    expect(failure(() => read(page, MAIN_DOCUMENT, '{"error":{"code":"NotFound"}}'))).toMatch(/^schema: .*NotFound/);
    expect(failure(() => read(page, MAIN_DOCUMENT, '<!doctype html><html></html>'))).toMatch(/^parse: /);
  });
});

describe('datadog adapter', () => {
  const page: StatusPage = { format: 'datadog', url: 'https://status.openrouter.ai' };

  it('reads config.json: grouped components, incidents with timelines, links on the page', () => {
    expect(ADAPTERS.datadog.documents(page, NOW).map((d) => d.url)).toEqual([
      'https://status.openrouter.ai/config.json',
    ]);
    const r = read(page, MAIN_DOCUMENT, fixture('datadog-config-openrouter.json'));
    expect(r.components!.map((c) => [c.name, c.groupName, c.level])).toEqual([
      ['Chat (/api/v1/chat/completions)', 'API - Gateway', 'degraded'],
      ['Video (/api/v1/videos)', 'API - Gateway', 'operational'],
      ['Web & Application Services', null, 'operational'],
    ]);
    const [open, video, bare] = r.incidents!;
    expect(open).toMatchObject({
      key: 'open-1',
      state: 'identified',
      impact: 'minor',
      rawImpact: 'degraded',
      startedAt: Date.parse('2026-09-13T20:00:00Z'),
      resolvedAt: null,
      url: 'https://status.openrouter.ai/incidents/open-1',
      components: [{ key: 'c-chat', name: 'Chat (/api/v1/chat/completions)' }],
    });
    expect(open!.updates.map((u) => [u.key, u.state, u.body])).toEqual([
      ['u2', 'identified', 'A provider is rate limiting us.'],
      ['u1', 'investigating', 'Looking.'],
    ]);
    expect(video).toMatchObject({
      state: 'resolved',
      startedAt: Date.parse('2026-09-04T18:27:00Z'),
      resolvedAt: Date.parse('2026-09-04T21:12:00Z'),
    });
    expect(bare).toMatchObject({ state: 'resolved', updates: [], resolvedAt: Date.parse('2026-08-28T05:00:00Z') });
  });

  it('keeps an unseen status raw, and refuses a document that is neither', () => {
    const doc = JSON.parse(fixture('datadog-config-openrouter.json'));
    doc.components[1].status = 'smouldering';
    expect(read(page, MAIN_DOCUMENT, JSON.stringify(doc)).components![2]).toMatchObject({
      level: 'unknown',
      rawStatus: 'smouldering',
    });
    expect(failure(() => read(page, MAIN_DOCUMENT, '{}'))).toBe(
      'schema: config.json has neither components nor incidents',
    );
    expect(failure(() => read(page, MAIN_DOCUMENT, '<Error><Code>AccessDenied</Code></Error>'))).toMatch(/^parse/);
  });
});

describe('awshealth adapter', () => {
  const page: StatusPage = {
    format: 'awshealth',
    url: 'https://health.aws.amazon.com/public/currentevents',
    pageUrl: 'https://health.aws.amazon.com/health/status',
    products: ['bedrock'],
  };
  const utf16 = readFileSync(new URL('../fixtures/awshealth-currentevents.json', import.meta.url));
  const body = new TextDecoder('utf-16le').decode(utf16.subarray(2));

  it('the recorded document is UTF-16 with a byte-order mark', () => {
    expect([...utf16.subarray(0, 2)]).toEqual([0xff, 0xfe]);
  });

  it('every region of the service its own component; other services left out', () => {
    const r = read(page, MAIN_DOCUMENT, body);
    expect(r.components!.map((c) => [c.key, c.name, c.level, c.rawStatus])).toEqual([
      ['bedrock-eu-central-1', 'Amazon Bedrock eu-central-1 (Frankfurt)', 'operational', '0'],
      ['bedrock-us-east-1', 'Amazon Bedrock us-east-1 (N. Virginia)', 'degraded', '2'],
    ]);
    expect(r.incidents).toHaveLength(2);
  });

  it('real start and end times from the event log, the worst code as the impact', () => {
    const [open, closed] = read(page, MAIN_DOCUMENT, body).incidents!;
    expect(open).toMatchObject({
      title: 'Increased Error Rates',
      state: 'unknown',
      impact: 'minor',
      startedAt: s(1790883600),
      resolvedAt: null,
      url: 'https://health.aws.amazon.com/health/status',
      components: [{ key: 'bedrock-us-east-1', name: 'Amazon Bedrock us-east-1 (N. Virginia)' }],
    });
    expect(open!.updates.map((u) => u.at)).toEqual([s(1790885400), s(1790883600)]);
    expect(closed).toMatchObject({
      state: 'resolved',
      impact: 'major',
      rawImpact: '3',
      startedAt: s(1790860000),
      resolvedAt: s(1790864500),
    });
    // 75 minutes, not the minute a per-region RSS would floor it to.
    expect(closed!.resolvedAt! - closed!.startedAt).toBe(75 * 60_000);
  });

  it('an unseen status code is unknown with the raw kept; no products is a clear error', () => {
    const events = JSON.parse(body);
    events[0].status = '7';
    expect(read(page, MAIN_DOCUMENT, JSON.stringify(events)).components![1]).toMatchObject({
      level: 'unknown',
      rawStatus: '7',
    });
    expect(failure(() => read({ ...page, products: undefined }, MAIN_DOCUMENT, body))).toMatch(
      /^schema: an awshealth source needs "products"/,
    );
    expect(read(page, MAIN_DOCUMENT, '[]')).toEqual({ components: [], incidents: [], listsAllOpen: true });
  });
});

describe('feeds with one item per update', () => {
  const mistral: StatusPage = { format: 'feed', url: 'https://status.mistral.ai/feed.rss' };

  it('folds the items sharing a guid into one incident with every update, the newest words on top', () => {
    const r = read(mistral, MAIN_DOCUMENT, fixture('feed-mistral.rss'));
    expect(r.incidents).toHaveLength(2);
    const [chat, audio] = r.incidents!;
    expect(chat).toMatchObject({
      key: '9a1f03c2',
      title: 'Chat Completions API Degraded',
      state: 'identified',
      rawState: 'Identified',
      startedAt: Date.parse('2026-07-26T08:55:00Z'),
      resolvedAt: null,
      url: 'https://status.mistral.ai/incident/9a1f03c2',
      components: [
        { key: 'Chat Completions API', name: 'Chat Completions API' },
        { key: 'Agents API', name: 'Agents API' },
      ],
    });
    expect(chat!.updates.map((u) => [u.state, u.body])).toEqual([
      ['identified', 'We identified the cause of elevated error rates and are rolling out a fix.'],
      ['investigating', 'Requests to the Chat Completions API fail with elevated error rates.'],
    ]);
    expect(audio).toMatchObject({
      state: 'resolved',
      startedAt: Date.parse('2026-07-26T02:46:53Z'),
      resolvedAt: Date.parse('2026-07-26T02:47:40Z'),
      components: [{ key: 'Audio API', name: 'Audio API' }],
    });
  });

  it("an unseen status word (xAI's ACTIVE) tells no lifecycle: the entry is read as a plain one", () => {
    const xai: StatusPage = { format: 'feed', url: 'https://status.x.ai/feed.xml' };
    const item = (id: string, word: string, date: string) =>
      `<item><title>[API] Elevated latency</title><link>https://status.x.ai/api/${id}</link>` +
      `<description><![CDATA[<h3>Status: ${word}</h3><p>Severity: degraded</p>]]></description>` +
      `<pubDate>${date}</pubDate></item>`;
    const r = read(
      xai,
      MAIN_DOCUMENT,
      `<rss version="2.0"><channel>${item('INC1', 'ACTIVE', 'Sat, 03 Oct 2026 10:00:00 GMT')}` +
        `${item('INC2', 'RESOLVED', 'Mon, 05 Oct 2026 10:00:00 GMT')}</channel></rss>`,
    );
    expect(r.incidents!.map((i) => [i.key, i.state, i.unlistedAt ?? null])).toEqual([
      ['INC1', 'unknown', NOW],
      ['INC2', 'resolved', null],
    ]);
  });

  it('Azure: only the items that name a configured product, each its own incident', () => {
    const azure: StatusPage = {
      format: 'feed',
      url: 'https://rssfeed.azure.status.microsoft/en-us/status/feed/',
      products: ['Azure OpenAI', 'AI Foundry'],
    };
    const r = read(azure, MAIN_DOCUMENT, fixture('feed-azure-openai.rss'));
    expect(r.incidents!.map((i) => [i.key, i.title])).toEqual([
      ['QK2T-7Y8', 'Azure OpenAI Service - West US - Degraded availability'],
    ]);
    const all = read({ ...azure, products: undefined }, MAIN_DOCUMENT, fixture('feed-azure-openai.rss'));
    expect(all.incidents!.map((i) => i.key)).toEqual(['QK2T-7Y8', 'ZZ9X-111']);
  });
});

describe('Better Stack /feed and incident.io components.json', () => {
  it('Better Stack reads its history from /feed beside index.json', () => {
    const page: StatusPage = { format: 'betterstack', url: 'https://status.together.ai' };
    expect(ADAPTERS.betterstack.documents(page, NOW).map((d) => [d.name, d.url])).toEqual([
      [MAIN_DOCUMENT, 'https://status.together.ai/index.json'],
      ['history', 'https://status.together.ai/feed'],
    ]);
    const r = read(page, 'history', fixture('feed-betterstack-together.rss'));
    expect(r.incidents!.map((i) => [i.key, i.state, i.startedAt])).toEqual([
      ['612345', 'resolved', Date.parse('2026-09-01T14:05:00Z')],
      ['611002', 'resolved', Date.parse('2026-08-28T09:30:00Z')],
    ]);
  });

  it('incident.io: components.json adds the components summary.json omits, always fetched in full', () => {
    const page: StatusPage = { format: 'incidentio', url: 'https://status.openai.com' };
    const docs = ADAPTERS.incidentio.documents(page, NOW);
    expect(docs.map((d) => [d.name, d.url, d.conditional ?? true])).toEqual([
      [MAIN_DOCUMENT, 'https://status.openai.com/api/v2/summary.json', true],
      ['incidents', 'https://status.openai.com/api/v2/incidents.json', true],
      ['components', 'https://status.openai.com/api/v2/components.json', false],
    ]);
    const merged = mergeReadings([
      read(page, MAIN_DOCUMENT, fixture('incidentio-summary-openai.json')),
      read(page, 'incidents', '{"page":{}}'),
      read(page, 'components', fixture('incidentio-components-openai.json')),
    ]);
    expect(merged.components!.map((c) => [c.name, c.level])).toEqual([
      ['Images', 'operational'],
      ['Codex Web', 'operational'],
      ['Codex in ChatGPT Desktop', 'operational'],
      ['Codex API', 'operational'],
      ['Chat Completions', 'operational'],
      ['Embeddings', 'operational'],
      ['Moderations', 'degraded'],
    ]);
    expect(merged.incidents).toEqual([]);
  });
});

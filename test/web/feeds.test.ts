// Atom feeds: well-formed Atom 1.0 with the elements RFC 4287 requires, official incidents with every update and our
// own detections, per provider and for all, linked from the pages and served from the render cache.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Element } from '@xmldom/xmldom';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { incident, seedScenario } from '../helpers/seed.ts';
import { childText, children, parseXml } from '../helpers/xml.ts';

const ATOM = 'http://www.w3.org/2005/Atom';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

/** Parses an Atom document and checks what RFC 4287 requires of the feed and of every entry. */
function readFeed(body: string) {
  const doc = parseXml(body);
  const feed = doc.documentElement!;
  expect(feed.namespaceURI).toBe(ATOM);
  expect(feed.localName).toBe('feed');
  for (const name of ['id', 'title', 'updated']) expect(children(feed, ATOM, name)).toHaveLength(1);
  expect(childText(feed, ATOM, 'updated')).toMatch(RFC3339);
  expect(children(children(feed, ATOM, 'author')[0]!, ATOM, 'name')).toHaveLength(1);
  const self = children(feed, ATOM, 'link').find((l) => l.getAttribute('rel') === 'self');
  const entries = children(feed, ATOM, 'entry').map((entry: Element) => {
    for (const name of ['id', 'title', 'updated']) expect(children(entry, ATOM, name)).toHaveLength(1);
    expect(childText(entry, ATOM, 'updated')).toMatch(RFC3339);
    const links = children(entry, ATOM, 'link');
    const alternate = links.find((l) => l.getAttribute('rel') === 'alternate');
    expect(alternate).toBeDefined();
    return {
      id: childText(entry, ATOM, 'id')!,
      title: childText(entry, ATOM, 'title')!,
      updated: childText(entry, ATOM, 'updated')!,
      content: childText(entry, ATOM, 'content') ?? '',
      category: children(entry, ATOM, 'category')[0]?.getAttribute('term'),
      alternate: alternate!.getAttribute('href'),
      related: links.find((l) => l.getAttribute('rel') === 'related')?.getAttribute('href') ?? null,
    };
  });
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  return {
    feed,
    self: self?.getAttribute('href'),
    id: childText(feed, ATOM, 'id'),
    updated: childText(feed, ATOM, 'updated'),
    entries,
  };
}

describe('provider feed', () => {
  it('is Atom with one entry per official update and one per detection, newest first', async () => {
    await seedScenario(h.store, T0);
    const res = await get('/anthropic/feed.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers['cache-control']).toMatch(/max-age=60/);
    const feed = readFeed(res.body);
    expect(feed.self).toBe(`${h.config.siteUrl}/anthropic/feed.atom`);
    expect(feed.entries.map((e) => e.title)).toEqual([
      'Anthropic: Elevated errors on the Claude API (Identified)',
      'Anthropic: API answers 503 to our probe (Investigating; detected by our probes)',
      'Anthropic: Elevated errors on the Claude API (Investigating)',
      'Anthropic: Rate limits applied wrongly (Resolved)',
      'Anthropic: Rate limits applied wrongly (Investigating)',
    ]);
    expect(feed.updated).toBe(new Date(T0 - 20 * 60_000).toISOString());
    const [identified, detected] = feed.entries;
    expect(identified!.content).toContain('a fix is being rolled out');
    expect(identified!.content).toContain('Affected: Claude API (api.anthropic.com).');
    expect(identified!.related).toBe('https://status.claude.com/incidents/open1');
    expect(identified!.alternate).toBe(`${h.config.siteUrl}/anthropic#incidents`);
    expect(identified!.category).toBe('official');
    expect(detected!.category).toBe('detected');
    expect(detected!.related).toBeNull();
  });

  it('keeps entry ids stable when a later update arrives', async () => {
    await seedScenario(h.store, T0);
    const before = readFeed((await get('/anthropic/feed.atom')).body).entries.map((e) => e.id);
    h.clock.now = T0 + 10 * 60_000;
    await h.store.incidents.upsert(
      'anthropic',
      'official',
      [
        incident('open1', {
          title: 'Elevated errors on the Claude API',
          state: 'monitoring',
          startedAt: T0 - 50 * 60_000,
          updates: [
            {
              key: 'u3',
              state: 'monitoring',
              rawState: 'monitoring',
              body: 'A fix has been deployed.',
              at: T0 + 5 * 60_000,
            },
          ],
        }),
      ],
      T0 + 5 * 60_000,
    );
    const after = readFeed((await get('/anthropic/feed.atom')).body);
    expect(after.entries[0]!.title).toBe('Anthropic: Elevated errors on the Claude API (Monitoring)');
    expect(after.entries.slice(1).map((e) => e.id)).toEqual(before);
  });

  it('is a valid empty feed for a provider with no incidents, and 404 for an unknown provider', async () => {
    const feed = readFeed((await get('/openai/feed.atom')).body);
    expect(feed.entries).toEqual([]);
    expect(feed.updated).toBe(new Date(T0).toISOString());
    const missing = await get('/nope/feed.atom');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('We do not track a provider called');
  });

  it('stays well-formed with hostile titles and bodies, control characters included', async () => {
    const hostile = 'Bad <b>&amp; "quotes"\u0001\u0008 ]]> end';
    await h.store.incidents.upsert(
      'openai',
      'official',
      [
        incident('x', {
          title: hostile,
          startedAt: T0 - 60_000,
          url: 'javascript:alert(1)',
          updates: [
            { key: 'u', state: 'investigating', rawState: null, body: `${hostile}</content><script>`, at: T0 - 60_000 },
          ],
        }),
      ],
      T0,
    );
    const feed = readFeed((await get('/openai/feed.atom')).body);
    expect(feed.entries[0]!.title).toBe('OpenAI: Bad <b>&amp; "quotes" ]]> end (Investigating)');
    expect(feed.entries[0]!.content).toContain('</content><script>');
    expect(feed.entries[0]!.related).toBeNull();
  });
});

describe('all-providers feed', () => {
  it("merges every provider's entries newest first", async () => {
    await seedScenario(h.store, T0);
    await h.store.incidents.upsert(
      'openai',
      'official',
      [
        incident('o1', {
          title: 'Degraded ChatGPT login',
          startedAt: T0 - 30 * 60_000,
          updates: [
            { key: 'u', state: 'investigating', rawState: null, body: 'Looking into it.', at: T0 - 30 * 60_000 },
          ],
        }),
      ],
      T0,
    );
    const res = await get('/feed.atom');
    expect(res.statusCode).toBe(200);
    const feed = readFeed(res.body);
    expect(feed.self).toBe(`${h.config.siteUrl}/feed.atom`);
    expect(feed.entries.map((e) => e.title).slice(0, 3)).toEqual([
      'Anthropic: Elevated errors on the Claude API (Identified)',
      'OpenAI: Degraded ChatGPT login (Investigating)',
      'Anthropic: API answers 503 to our probe (Investigating; detected by our probes)',
    ]);
    const times = feed.entries.map((e) => e.updated);
    expect(times).toEqual([...times].sort().reverse());
  });
});

describe('feed links and caching', () => {
  it('is linked with rel="alternate" from the pages', async () => {
    const link = (path: string) =>
      `<link rel="alternate" type="application/atom+xml" title="Anthropic incidents" ` +
      `href="${h.config.siteUrl}${path}">`;
    expect((await get('/anthropic')).body).toContain(link('/anthropic/feed.atom'));
    expect((await get('/anthropic/error/auth-error')).body).toContain(link('/anthropic/feed.atom'));
    expect((await get('/')).body).toContain(
      `type="application/atom+xml" title="Incidents of all AI API providers" href="${h.config.siteUrl}/feed.atom"`,
    );
  });

  it('is rendered once per data version and answers 304 to its ETag', async () => {
    await seedScenario(h.store, T0);
    const first = await get('/anthropic/feed.atom');
    const again = await get('/anthropic/feed.atom', { 'if-none-match': first.headers.etag as string });
    expect(again.statusCode).toBe(304);
    h.clock.now = T0 + 2000;
    await h.store.incidents.upsert(
      'anthropic',
      'detected',
      [incident('probe-auth-2', { title: 'Probe timeouts', startedAt: T0 + 1000 })],
      T0 + 1000,
    );
    const changed = await get('/anthropic/feed.atom', { 'if-none-match': first.headers.etag as string });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('Probe timeouts');
  });
});

describe('feeds while nothing changes', () => {
  it('keep <updated> and the ETag across renders apart in time, empty feeds included', async () => {
    await seedScenario(h.store, T0);
    const urls = ['/openai/feed.atom', '/mistral/feed.atom', '/anthropic/feed.atom', '/feed.atom'];
    const before = await Promise.all(urls.map((url) => get(url)));
    expect(readFeed(before[0]!.body).entries).toEqual([]);
    expect(readFeed(before[1]!.body).entries).toEqual([]);
    // Past the render cache's refresh and stale times: every feed is rendered again.
    h.clock.now += 10 * 60_000;
    for (const [i, url] of urls.entries()) {
      const after = await get(url);
      expect(readFeed(after.body).updated, url).toBe(readFeed(before[i]!.body).updated);
      expect(after.headers.etag, url).toBe(before[i]!.headers.etag);
      const again = await get(url, { 'if-none-match': before[i]!.headers.etag as string });
      expect(again.statusCode, url).toBe(304);
    }
    // An empty feed is dated when we began tracking the provider, not when it was rendered.
    expect(readFeed(before[0]!.body).updated).toBe(new Date(T0).toISOString());
  });
});

// Hostile text from the catalog or an upstream comes out escaped on every page; only https links are rendered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { T0, catalogWith, createHarness, realCatalog, type Harness } from '../helpers/app.ts';
import { confirmLevel } from '../../src/status/damping.ts';

const EVIL = '<script>alert(1)</script>';
const ATTR = '"><img src=x onerror=alert(2)>';
let h: Harness;

beforeAll(async () => {
  const openai = realCatalog().providerBySlug.get('openai')!;
  const evil = {
    ...openai,
    slug: 'evil',
    name: EVIL,
    aliases: [ATTR],
    description: `${ATTR} ${EVIL}`,
    components: [
      { name: EVIL, scope: 'api' as const },
      { name: ATTR, scope: 'product' as const },
    ],
    resources: [{ label: EVIL, url: 'https://docs.example.com/?q="><script>' }],
  };
  h = await createHarness({ catalog: catalogWith([evil, ...realCatalog().providers.slice(1, 3)]) });
  const at = T0 - 30_000;
  await h.store.checks.record({
    providerSlug: 'evil',
    document: MAIN_DOCUMENT,
    startedAt: at,
    durationMs: 5,
    outcome: 'ok',
    httpStatus: 200,
    detail: null,
  });
  await h.store.components.applySnapshot(
    'evil',
    [
      {
        key: 'x',
        name: EVIL,
        groupName: ATTR,
        position: 0,
        level: 'degraded',
        rawStatus: EVIL,
        onlyShowIfDegraded: false,
      },
    ],
    at,
    confirmLevel,
  );
  await h.store.incidents.upsert(
    'evil',
    'official',
    [
      {
        key: 'i',
        kind: 'incident',
        title: EVIL,
        state: 'investigating',
        rawState: EVIL,
        impact: 'minor',
        rawImpact: null,
        url: 'javascript:alert(3)',
        startedAt: at,
        resolvedAt: null,
        scheduledFor: null,
        scheduledUntil: null,
        updates: [{ key: 'u', state: 'investigating', rawState: null, body: `${ATTR}\n${EVIL}`, at }],
        components: [{ key: 'x', name: ATTR }],
      },
    ],
    at,
  );
});
afterAll(() => h.close());

const PAGES = ['/', '/?q=%3Cscript%3E', '/evil', '/evil/error/auth-error', '/no%3Cscript%3Ealert(1)%3C%2Fscript%3E'];

describe('escaping', () => {
  it.each(PAGES)('%s contains no injected element, attribute or script URL', async (url) => {
    const res = await h.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBeLessThan(500);
    // JSON-LD blocks are data; their text may hold no "<", so nothing inside can close them.
    const jsonLd = /<script type="application\/ld\+json">[^<]*<\/script>/g;
    // Our one script is a file of our own, by a fixed address: nothing of the request reaches its tag.
    const own = /<script src="\/assets\/local-time\.js\?v=[0-9a-f]{12}" defer><\/script>/g;
    expect(res.body.match(own)).toHaveLength(1);
    expect(res.body.replace(jsonLd, '').replace(own, '')).not.toContain('<script');
    expect(res.body).not.toMatch(/<img/);
    expect(res.body).not.toMatch(/<[^>]*\sonerror=/i);
    expect(res.body).not.toMatch(/href="javascript:/i);
    expect(res.body).not.toContain('href="https://docs.example.com/?q="><script>');
  });

  it('renders the hostile names as text', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/evil' });
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('does not link an incident whose URL is not https', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/evil' });
    expect(res.body).toMatch(/<h3>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h3>/);
  });

  it('keeps hostile names inside JSON-LD as data, intact once parsed', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/evil/error/auth-error' });
    const blocks = [...res.body.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((m) =>
      JSON.parse(m[1]!),
    );
    const crumbs = blocks.find((b) => b['@type'] === 'BreadcrumbList');
    expect(crumbs.itemListElement[1].name).toBe(EVIL);
  });

  it('keeps the JSON API as JSON, with the text intact', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/providers/evil' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json().name).toBe(EVIL);
  });
});

// Pages and JSON API over a real store: the list, a dashboard, 404s and 500s, caching and security headers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { MAIN_DOCUMENT, type SnapshotIncident } from '../../src/domain.ts';
import { T0, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { confirmLevel } from '../../src/status/damping.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

/**
 * Anthropic's page as read a minute ago: API down on a page of three components, one open and one resolved incident.
 */
async function seedAnthropic(): Promise<void> {
  const at = T0 - 60_000;
  await h.store.checks.record({
    providerSlug: 'anthropic',
    document: MAIN_DOCUMENT,
    startedAt: at,
    durationMs: 120,
    outcome: 'ok',
    httpStatus: 200,
    detail: null,
  });
  await h.store.components.applySnapshot(
    'anthropic',
    [
      {
        key: 'a',
        name: 'claude.ai',
        groupName: null,
        position: 0,
        level: 'operational',
        rawStatus: 'operational',
        onlyShowIfDegraded: false,
      },
      {
        key: 'b',
        name: 'Claude API (api.anthropic.com)',
        groupName: null,
        position: 1,
        level: 'major_outage',
        rawStatus: 'major_outage',
        onlyShowIfDegraded: false,
      },
      {
        key: 'c',
        name: 'Claude Code',
        groupName: null,
        position: 2,
        level: 'operational',
        rawStatus: 'operational',
        onlyShowIfDegraded: false,
      },
    ],
    at,
    confirmLevel,
  );
  const incident = (key: string, over: Partial<SnapshotIncident>): SnapshotIncident => ({
    key,
    kind: 'incident',
    title: 'x',
    state: 'investigating',
    rawState: 'investigating',
    impact: 'major',
    rawImpact: 'major',
    url: `https://status.claude.com/incidents/${key}`,
    startedAt: at,
    resolvedAt: null,
    scheduledFor: null,
    scheduledUntil: null,
    updates: [],
    components: [],
    ...over,
  });
  await h.store.incidents.upsert(
    'anthropic',
    'official',
    [
      incident('open1', {
        title: 'Elevated errors on the API',
        startedAt: T0 - 50 * 60_000,
        updates: [
          {
            key: 'u1',
            state: 'investigating',
            rawState: 'investigating',
            body: 'We are investigating elevated 500 errors.',
            at: T0 - 50 * 60_000,
          },
        ],
        components: [{ key: 'b', name: 'Claude API (api.anthropic.com)' }],
      }),
      incident('old1', {
        title: 'Rate limits applied wrongly',
        state: 'resolved',
        startedAt: Date.UTC(2026, 10, 15, 9, 5),
        resolvedAt: Date.UTC(2026, 10, 15, 9, 50),
        updates: [
          {
            key: 'r2',
            state: 'resolved',
            rawState: 'resolved',
            body: 'This incident has been resolved.',
            at: Date.UTC(2026, 10, 15, 9, 50),
          },
          {
            key: 'r1',
            state: 'investigating',
            rawState: 'investigating',
            body: 'Legitimate requests were rejected with 429.',
            at: Date.UTC(2026, 10, 15, 9, 5),
          },
        ],
      }),
      incident('ancient', {
        title: 'Long ago',
        state: 'resolved',
        startedAt: T0 - 40 * 86_400_000,
        resolvedAt: T0 - 40 * 86_400_000 + 3_600_000,
      }),
    ],
    at,
  );
}

describe('home page', () => {
  it('lists every provider as Unknown with its reason when nothing has been checked', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    for (const p of h.catalog.providers) expect(res.body).toContain(`href="/${p.slug}"`);
    expect(text).toContain(`Unknown: ${h.catalog.providers.length}`);
    expect(text).not.toMatch(/Operational|Outage/);
    expect(text).toContain('No fresh data. The status page has not been checked yet.');
    expect(text).toContain('No fresh data. No probe results yet.');
  });

  it('puts the worst status first', async () => {
    await seedAnthropic();
    const res = await get('/');
    const order = [...res.body.matchAll(/<td class="name"><a href="\/([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(order[0]).toBe('anthropic');
    expect(textOf(res.body)).toContain('Major Outage: 1');
  });

  it('filters by name or alias without JavaScript', async () => {
    const res = await get('/?q=claude');
    const rows = [...res.body.matchAll(/<td class="name"><a href="\/([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['anthropic']);
    expect(res.body).toContain('value="claude"');
    expect(textOf((await get('/?q=zzzz')).body)).toContain('No provider matches “zzzz”.');
  });

  it('answers 400 with a clear message for a bad filter', async () => {
    const res = await get(`/?q=${'x'.repeat(101)}`);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Invalid query: q: at most 100 characters.');
    expect((await get('/?q=a&q=b')).statusCode).toBe(400);
    expect(textOf((await get('/?colour=red')).body)).toContain('unknown field(s) colour');
  });
});

describe('provider dashboard', () => {
  it('shows the headline with reasons, components, incidents with real times and durations, error pages', async () => {
    await seedAnthropic();
    const res = await get('/anthropic');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    // Its only API component is down, so the API is; Claude Code, a product, is shown apart.
    expect(text).toMatch(/Current status Major Outage for the Anthropic API/);
    expect(text).toMatch(/Official status page: Major Outage · read 1 min ago/);
    // Products apart, in one short line; the incident that drives the level under it, with its latest update.
    expect(text).toMatch(/Products: Operational( |$)/);
    expect(text).toMatch(/Major Elevated errors on the API since 22 Nov 2026, 11:10 UTC \(50 min ago\) \w+ \(/);
    expect(text).toContain('The status page lists Claude API (api.anthropic.com) as Major Outage.');
    expect(text).toContain(
      'Open incident (major impact, investigating): Elevated errors on the API, since 22 Nov 2026, 11:10 UTC.',
    );
    expect(text).toContain('15 Nov 2026, 09:05 UTC (7 d 2 h ago) · Lasted 45 min');
    expect(text).toContain('Ongoing for 50 min.');
    expect(text).toContain('Affected: Claude API (api.anthropic.com)');
    expect(text).toContain('Legitimate requests were rejected with 429.');
    expect(text).not.toContain('Long ago');
    expect(res.body).toContain('<time datetime="2026-11-15T09:05:00.000Z">');
    expect(res.body).toContain('href="/anthropic/error/auth-error"');
    expect(res.body).toContain('href="https://status.claude.com/incidents/old1"');
  });

  it('shows the catalog components as not read yet before the first poll', async () => {
    const text = textOf((await get('/openai')).body);
    expect(text).toContain('Not read from the official status page yet: these are the components it usually lists.');
    expect(text).toMatch(/Chat Completions Unknown/);
    expect(text).toContain('Official status page: No good reading yet Live probe: No results yet');
    const writesonic = textOf((await get('/writesonic')).body);
    expect(writesonic).toContain('Official status page: None for this provider');
    expect(writesonic).toContain('We read no official status page for this provider.');
    expect(writesonic).toContain('There is no official status page to read component status from.');
  });
});

describe('not found and errors', () => {
  it('answers unknown providers and error types with a 404 page', async () => {
    for (const url of ['/no-such-provider', '/openai/error/no-such-error', '/openai/nothing/here']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('text/html');
      expect(textOf(res.body)).toContain('Page not found');
    }
    expect(textOf((await get('/no-such-provider')).body)).toContain(
      'We do not track a provider called "no-such-provider".',
    );
    // A shortened or mistyped slug names the providers it may have meant.
    const short = await get('/fireworks');
    expect(short.statusCode).toBe(404);
    expect(textOf(short.body)).toContain(
      'We do not track a provider called "fireworks". Did you mean Fireworks AI (/fireworks-ai)?',
    );
  });

  it('answers 404 as JSON under /api/', async () => {
    const res = await get('/api/v1/providers/nope');
    expect(res.statusCode).toBe(404);
    const message = 'We do not track a provider called "nope".';
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: message,
      error: { status: 404, message },
    });
    expect((await get('/api/v2/whatever')).json().error.status).toBe(404);
  });

  it('hides internals on a 500', async () => {
    h.store.sqlite!.close();
    const res = await get('/deepseek');
    expect(res.statusCode).toBe(500);
    expect(textOf(res.body)).toContain('Something went wrong on our side.');
    expect(res.body).not.toMatch(/database|sqlite|stack|at .*\.ts/i);
    const api = await get('/api/v1/providers/deepseek');
    expect(api.statusCode).toBe(500);
    const message = 'Something went wrong on our side. The error has been logged; please try again later.';
    expect(api.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: message,
      error: { status: 500, message },
    });
  });
});

describe('JSON API', () => {
  it('gives one provider with the documented fields', async () => {
    await seedAnthropic();
    const body = (await get('/api/v1/providers/anthropic')).json();
    expect(body).toMatchObject({
      slug: 'anthropic',
      name: 'Anthropic',
      level: 'major_outage',
      label: 'Major Outage',
      checkedAt: '2026-11-22T11:59:00.000Z',
      api: { level: 'major_outage', label: 'Major Outage' },
      products: { level: 'operational', label: 'Operational' },
    });
    expect(body.reasons[0]).toEqual({
      signal: 'official',
      level: 'major_outage',
      text: expect.stringContaining('Claude API'),
      at: '2026-11-22T11:59:00.000Z',
    });
    expect(body.components).toHaveLength(3);
    expect(body.components[1]).toMatchObject({
      name: 'Claude API (api.anthropic.com)',
      scope: 'api',
      scopeBasis: 'catalog',
      level: 'major_outage',
      source: 'official',
    });
    expect(body.incidents.map((i: { title: string }) => i.title)).toEqual([
      'Elevated errors on the API',
      'Rate limits applied wrongly',
    ]);
    expect(body.incidents[1]).toMatchObject({
      state: 'resolved',
      durationMs: 45 * 60_000,
      resolvedAt: '2026-11-15T09:50:00.000Z',
    });
    expect(body.reports).toMatchObject({ recent: 0, spike: false, windowMinutes: 30 });
    expect(body.probes).toMatchObject({ configured: true, last: null, count24h: 0 });
    expect(body.signals.official.state).toBe('fresh');
  });

  it('lists every provider with the same view model', async () => {
    const body = (await get('/api/v1/providers')).json();
    expect(body.providers).toHaveLength(h.catalog.providers.length);
    for (const p of body.providers) {
      expect(p.level).toBe('unknown');
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining([
          'level',
          'label',
          'reasons',
          'checkedAt',
          'components',
          'incidents',
          'reports',
          'probes',
        ]),
      );
    }
  });

  it("gives each provider's evidence as the catalog holds it, and the provider page a line of it", async () => {
    const body = (await get('/api/v1/providers')).json<{ providers: { slug: string; evidence: unknown[] }[] }>();
    expect(body.providers.length).toBeGreaterThanOrEqual(40);
    for (const p of body.providers) expect(p.evidence, p.slug).toEqual(h.catalog.providerBySlug.get(p.slug)!.evidence);
    const deepgram = h.catalog.providerBySlug.get('deepgram')!;
    expect((await get('/api/v1/providers/deepgram')).json().evidence).toEqual(deepgram.evidence);
    const page = (await get('/deepgram')).body;
    // Grouped by the day they were seen: each day once.
    expect(textOf(page)).toContain('Sources verified: status.deepgram.com/…/summary.json , github.com/…/services.ts (');
    expect(page).toContain('services.ts</a> (<time datetime="2026-12-06">6 Dec 2026</time>) · <a');
    expect(page).toContain(
      '<a href="https://api.deepgram.com/v1/projects" rel="noopener external">api.deepgram.com/…/projects</a> ' +
        '(<time datetime="2026-08-18">18 Aug 2026</time>)',
    );
  });
});

describe('caching and headers', () => {
  it('serves pages with an ETag, answers 304, compresses, and re-renders when the data changes', async () => {
    const first = await get('/anthropic');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toContain('stale-while-revalidate');
    expect((await get('/anthropic', { 'if-none-match': etag })).statusCode).toBe(304);
    const gz = await get('/anthropic', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(first.body);

    await seedAnthropic();
    h.clock.now += 1500;
    const changed = await get('/anthropic', { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(textOf(changed.body)).toContain('Major Outage');
  });

  it('sends a strict CSP and security headers on pages, 404s and 500s', async () => {
    for (const url of ['/', '/openai/error/auth-error', '/missing']) {
      const res = await get(url);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('serves the stylesheet fingerprinted with a long cache lifetime', async () => {
    const page = await get('/');
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page.body)![1]!;
    expect(href).toMatch(/^\/assets\/site\.css\?v=[0-9a-f]{12}$/);
    const css = await get(href);
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.body).toContain('prefers-color-scheme: dark');
  });

  it('answers /healthz', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok', providers: h.catalog.providers.length });
  });
});

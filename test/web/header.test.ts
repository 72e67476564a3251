// The site header on every page: its links (with "Get alerts" for the page's provider), and times that read UTC
// without JavaScript, turned into local time by our one small script under a CSP that allows only our own scripts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/app.ts';
import { recordOfficial } from '../helpers/signals.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await recordOfficial(h.store, 'openai', h.clock.now);
});
afterAll(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });
const header = (html: string) => /<header class="site-header">[\s\S]*?<\/header>/.exec(html)?.[0] ?? 'no header';

describe('the header', () => {
  it.each([
    ['/', '/subscribe'],
    ['/errors', '/subscribe'],
    ['/diagnose', '/subscribe'],
    ['/openai', '/openai/subscribe'],
    ['/openai/error/auth-error', '/openai/subscribe'],
    ['/openai/is-it-down', '/openai/subscribe'],
    ['/openai/history', '/openai/subscribe'],
    ['/anthropic', '/anthropic/subscribe'],
  ])('of %s links every section and "Get alerts" to %s', async (path, alerts) => {
    const res = await get(path);
    expect(res.statusCode).toBe(200);
    const nav = header(res.body);
    for (const href of ['/', '/errors', '/diagnose', '/accountability', '/methodology', '/api'])
      expect(nav).toContain(`href="${href}"`);
    expect(nav).toContain(`<a class="alerts" href="${alerts}">Get alerts</a>`);
    expect((await get(alerts)).statusCode).toBe(200);
  });
});

describe('times', () => {
  it('read UTC in the HTML, and the only script is our own file, allowed by a CSP without inline script', async () => {
    const res = await get('/openai');
    expect(res.body).toContain(
      '<time datetime="2026-11-22T11:59:40.000Z" title="22 Nov 2026, 11:59 UTC">20 s ago</time>',
    );
    const scripts = [...res.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    const own = scripts.filter((tag) => !tag.includes('application/ld+json'));
    expect(own).toEqual([expect.stringMatching(/^<script src="\/assets\/local-time\.js\?v=[0-9a-f]{12}" defer>$/)]);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');

    const src = /src="([^"]+)"/.exec(own[0]!)![1]!;
    const script = await get(src);
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain("querySelectorAll('time[datetime]')");
    expect(script.body.length).toBeLessThan(2048);
  });
});

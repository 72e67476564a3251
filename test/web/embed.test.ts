// The embed: at most 5 KB, no script, framable by any site, while every other page keeps frame-ancestors 'none'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await seedScenario(h.store, T0);
}, 60_000);
afterAll(() => h.close());

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

const directives = (csp: string) => new Map(csp.split(';').map((d) => [d.trim().split(' ')[0]!, d.trim()]));

describe('embed', () => {
  it("shows the level, the reason, the signal's age and a link that leaves the frame, in under 5 KB", async () => {
    const res = await get('/anthropic/embed');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.rawPayload.length).toBeLessThanOrEqual(5 * 1024);
    const text = textOf(res.body);
    expect(text).toContain('Anthropic Major Outage');
    const summary = (await get('/api/v1/providers/anthropic')).json().summary as string;
    expect(text).toContain(summary);
    expect(text).toMatch(/Last good reading (just now|\d+ min ago)/);
    expect(res.body).toContain(`href="${h.config.siteUrl}/anthropic" target="_top"`);
    expect(res.body).not.toMatch(/<script|\sstyle=|\son\w+=/i);
    const sheet = /<link rel="stylesheet" href="([^"]+)">/.exec(res.body)![1]!;
    const css = await get(sheet);
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.rawPayload.length + css.rawPayload.length).toBeLessThanOrEqual(5 * 1024);
  });

  it('says so when there is no reading yet', async () => {
    const text = textOf((await get('/mistral/embed')).body);
    expect(text).toContain('Mistral AI Unknown');
    expect(text).toContain('No reading yet');
  });

  it("may be framed by any site, with the site's CSP otherwise unchanged", async () => {
    const embed = await get('/openai/embed');
    const page = await get('/openai');
    const embedCsp = directives(embed.headers['content-security-policy'] as string);
    const pageCsp = directives(page.headers['content-security-policy'] as string);
    expect(embedCsp.get('frame-ancestors')).toBe('frame-ancestors *');
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(pageCsp.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBeDefined();
    for (const [name, value] of pageCsp) if (name !== 'frame-ancestors') expect(embedCsp.get(name)).toBe(value);
    expect(embedCsp.get('script-src')).toBe("script-src 'self'");
  });

  it("keeps frame-ancestors 'none' on every other page, JSON, feed and error", async () => {
    for (const url of [
      '/',
      '/anthropic',
      '/anthropic/history',
      '/subscribe',
      '/anthropic/subscribe',
      '/api',
      '/api/v1/providers/anthropic',
      '/anthropic/api/v2/summary.json',
      '/anthropic/shields.json',
      '/anthropic/feed.atom',
      '/nope/embed',
      '/no/such/page',
    ]) {
      const res = await get(url);
      expect(directives(res.headers['content-security-policy'] as string).get('frame-ancestors'), url).toBe(
        "frame-ancestors 'none'",
      );
    }
  });
});

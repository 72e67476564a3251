// Shields.io endpoint JSON: every provider's and every error's answer validates against Shields' endpoint schema and
// says what /api/v1 says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEVEL_LABELS, type Level } from '../../src/domain.ts';
import { errorTypesFor } from '../../src/catalog/load.ts';
import { ShieldsEndpoint } from '../../src/web/machine/shields.ts';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await seedScenario(h.store, T0);
}, 60_000);
afterAll(() => h.close());

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

describe("Shields' endpoint schema, as written in zod", () => {
  it('takes what Shields documents and refuses what it refuses', () => {
    expect(ShieldsEndpoint.safeParse({ schemaVersion: 1, label: '', message: 'up' }).success).toBe(true);
    expect(ShieldsEndpoint.safeParse({ schemaVersion: 2, label: 'a', message: 'up' }).success).toBe(false);
    expect(ShieldsEndpoint.safeParse({ schemaVersion: 1, label: 'a', message: '' }).success).toBe(false);
    expect(ShieldsEndpoint.safeParse({ schemaVersion: 1, message: 'up' }).success).toBe(false);
    expect(ShieldsEndpoint.safeParse({ schemaVersion: 1, label: 'a', message: 'up', extra: 1 }).success).toBe(false);
    const bothLogos = { schemaVersion: 1, label: 'a', message: 'up', namedLogo: 'x', logoSvg: '<svg/>' };
    expect(ShieldsEndpoint.safeParse(bothLogos).success).toBe(false);
  });
});

describe('Shields endpoint JSON', () => {
  it("gives every provider's level with its badge colour, cacheable for Shields' minimum", async () => {
    const seen = new Set<Level>();
    for (const provider of h.catalog.providers) {
      const res = await get(`/${provider.slug}/shields.json`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const badge = ShieldsEndpoint.parse(res.json());
      const level = (await get(`/api/v1/providers/${provider.slug}`)).json().level as Level;
      seen.add(level);
      expect(badge).toMatchObject({ schemaVersion: 1, label: provider.name, message: LEVEL_LABELS[level] });
      expect(badge.color).toMatch(/^[0-9a-f]{6}$/);
      expect(badge.cacheSeconds).toBeGreaterThanOrEqual(300);
    }
    expect([...seen]).toEqual(expect.arrayContaining(['major_outage', 'operational', 'unknown']));
    expect((await get('/anthropic/shields.json')).json().color).toBe('b3141b');
  });

  it("gives every error type's verdict as the JSON API does", async () => {
    for (const provider of h.catalog.providers) {
      for (const error of errorTypesFor(h.catalog, provider)) {
        const res = await get(`/${provider.slug}/error/${error.slug}/shields.json`);
        expect(res.statusCode, `${provider.slug}/${error.slug}`).toBe(200);
        const badge = ShieldsEndpoint.parse(res.json());
        const api = (await get(`/api/v1/providers/${provider.slug}/errors/${error.slug}`)).json();
        expect(badge.message).toBe(api.verdictLabel);
        expect(badge.label).toBe(`${provider.name} ${error.title}`);
      }
    }
  }, 120_000);

  it('answers 404 in JSON for an unknown provider or error, and 304 while nothing changed', async () => {
    const missing = await get('/nope/shields.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('"nope"');
    const noError = await get('/openai/error/no-such-error/shields.json');
    expect(noError.statusCode).toBe(404);
    expect(noError.json().error.message).toContain('no-such-error');
    const first = await get('/openai/shields.json');
    expect((await get('/openai/shields.json', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
  });
});

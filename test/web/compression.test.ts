// Every text answer is compressed when asked (br or gzip, Vary: Accept-Encoding): assets, every kind of page, forms,
// problems, JSON, feeds, badges, the Statuspage and Shields endpoints, the embed.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTextType } from '../../src/web/http/compression.ts';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';

let h: Harness;
let css: string;
let script: string;
beforeAll(async () => {
  h = await createHarness();
  await seedScenario(h.store, T0);
  const home = (await h.app.inject({ method: 'GET', url: '/' })).body;
  css = /<link rel="stylesheet" href="([^"]+)">/.exec(home)![1]!;
  script = /<script src="([^"]+)"/.exec(home)![1]!;
}, 60_000);
afterAll(() => h.close());

const get = (url: string, encoding?: string) =>
  h.app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

const decode = (encoding: string | undefined, raw: Buffer): string => {
  if (encoding === 'br') return brotliDecompressSync(raw).toString();
  if (encoding === 'gzip') return gunzipSync(raw).toString();
  return raw.toString();
};

const FAMILIES: [string, () => string, number][] = [
  ['stylesheet', () => css, 200],
  ['script', () => script, 200],
  ['icon (SVG)', () => '/assets/icon.svg', 200],
  ['home page', () => '/', 200],
  ['provider page', () => '/anthropic', 200],
  ['error page', () => '/openai/error/auth-error', 200],
  ['history page', () => '/anthropic/history', 200],
  ['subscribe form', () => '/subscribe', 200],
  ["a provider's subscribe form", () => '/anthropic/subscribe', 200],
  ['diagnose form', () => '/diagnose', 200],
  ['not-found page', () => '/no/such/page', 404],
  ['JSON API', () => '/api/v1/providers/anthropic', 200],
  ['JSON problem', () => '/api/v1/providers/nope', 404],
  ['OpenAPI document', () => '/api/v1/openapi.json', 200],
  ['health JSON', () => '/healthz', 200],
  ['provider feed', () => '/anthropic/feed.atom', 200],
  ['empty feed', () => '/openai/feed.atom', 200],
  ['all feed', () => '/feed.atom', 200],
  ['SVG badge', () => '/anthropic/badge.svg', 200],
  ['sitemap', () => '/sitemap.xml', 200],
  ['robots.txt', () => '/robots.txt', 200],
  ['Statuspage summary', () => '/anthropic/api/v2/summary.json', 200],
  ['Statuspage status', () => '/openai/api/v2/status.json', 200],
  ['Shields endpoint', () => '/openai/shields.json', 200],
  ['embed', () => '/anthropic/embed', 200],
];

describe('compression', () => {
  it.each(FAMILIES)('%s: br and gzip when asked, identity otherwise, the same text', async (_name, url, status) => {
    const plain = await get(url());
    expect(plain.statusCode).toBe(status);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    for (const encoding of ['br', 'gzip']) {
      const res = await get(url(), encoding);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-encoding'], `${url()} ${encoding}`).toBe(encoding);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['content-type']).toBe(plain.headers['content-type']);
      expect(decode(encoding, res.rawPayload)).toBe(plain.body);
      if (res.headers['content-length'] !== undefined)
        expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    }
  });

  it('sends the stylesheet at under a quarter of its size with brotli', async () => {
    const plain = await get(css);
    const br = await get(css, 'br');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
  });

  it('compresses text types only', () => {
    const text = ['text/css', 'application/json; charset=utf-8', 'application/problem+json', 'image/svg+xml'];
    expect(text.every(isTextType)).toBe(true);
    expect(['image/png', 'image/x-icon', 'application/octet-stream'].some(isTextType)).toBe(false);
  });
});

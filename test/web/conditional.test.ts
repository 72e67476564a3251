// Conditional requests and content codings as clients really send them: weak and listed ETags, `*`, and
// Accept-Encoding tokens in any case with q-values.
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/app.ts';

let h: Harness;
let etag: string;
let plain: string;
beforeAll(async () => {
  h = await createHarness();
  const first = await h.app.inject({ url: '/anthropic' });
  etag = first.headers.etag as string;
  plain = first.body;
});
afterAll(async () => {
  await h.close();
});

const get = (headers: Record<string, string>, url = '/anthropic') => h.app.inject({ url, headers });

describe('If-None-Match', () => {
  it.each([
    ['the strong tag', () => etag],
    ['the weak form W/"…"', () => `W/${etag}`],
    ['the weak form in lower case', () => `w/${etag}`],
    ['a list holding it', () => `"other", ${etag}, "third"`],
    ['a list holding its weak form without spaces', () => `"other",W/${etag}`],
    ['*', () => '*'],
  ])('%s: 304 with the ETag and no body', async (_name, header) => {
    const r = await get({ 'if-none-match': header() });
    expect(r.statusCode).toBe(304);
    expect(r.headers.etag).toBe(etag);
    expect(r.body).toBe('');
  });

  it.each([
    ['another tag', '"not-it"'],
    ['a list without it', '"a", W/"b"'],
  ])('%s: 200', async (_name, header) => {
    const r = await get({ 'if-none-match': header });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(plain);
  });

  it('JSON twins answer the same way', async () => {
    const first = await get({}, '/api/v1/providers/anthropic');
    const r = await get({ 'if-none-match': `W/${first.headers.etag as string}` }, '/api/v1/providers/anthropic');
    expect(r.statusCode).toBe(304);
  });
});

describe('Accept-Encoding', () => {
  const decoded = (r: Awaited<ReturnType<typeof get>>) => {
    const raw = r.rawPayload;
    if (r.headers['content-encoding'] === 'br') return brotliDecompressSync(raw).toString();
    if (r.headers['content-encoding'] === 'gzip') return gunzipSync(raw).toString();
    return raw.toString();
  };

  it.each([
    ['GZIP', 'gzip'],
    ['Gzip, Deflate', 'gzip'],
    ['BR', 'br'],
    ['Br;Q=0.8', 'br'],
    ['gzip, br', 'br'],
    ['br;q=0.1, gzip;q=0.9', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.000, br;q=0', undefined],
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity', undefined],
    ['deflate', undefined],
  ])('%j is served as %s', async (header, coding) => {
    const r = await get({ 'accept-encoding': header });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe(coding);
    expect(r.headers.vary).toContain('accept-encoding');
    expect(decoded(r)).toBe(plain);
  });
});

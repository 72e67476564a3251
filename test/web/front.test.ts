// The front: a page the app has just served and found current is answered again from memory, byte for byte and header
// for header as the app answers it, for at most FRONT_MS; then the app checks its data again.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONT_MS } from '../../src/web/http/front.ts';
import { createRenderCache, PAGE_MIN_AGE_MS } from '../../src/web/http/render-cache.ts';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';

/** What the render cache was asked: a render or a hit each time the app, not the front, served a cached page. */
const asked = { renders: 0, hits: 0 };
const total = () => asked.renders + asked.hits;

let h: Harness;
let site: string;
beforeAll(async () => {
  const cache = createRenderCache({
    recorder: { render: () => (asked.renders += 1), cacheHit: () => (asked.hits += 1) },
  });
  h = await createHarness({ cache });
  await seedScenario(h.store, T0);
  site = await h.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(() => h.close());

type Answer = { status: number; headers: Record<string, string>; body: Buffer };

async function get(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const res = await request(`${site}${path}`, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  const kept = Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name))
      .map(([name, value]) => [name, String(value)]),
  );
  return { status: res.statusCode, headers: kept, body } satisfies Answer;
}

describe('the front', () => {
  it('answers a page again with exactly what the app sent, without asking the app', async () => {
    h.clock.now = T0 + 10 * 60_000;
    const before = total();
    const fromApp = await get('/anthropic');
    expect(fromApp.status).toBe(200);
    expect(total()).toBe(before + 1);
    for (let i = 0; i < 5; i += 1) {
      const again = await get('/anthropic');
      expect(again.status).toBe(200);
      expect(again.headers).toEqual(fromApp.headers);
      expect(again.body.equals(fromApp.body)).toBe(true);
    }
    expect(total()).toBe(before + 1);
    expect(fromApp.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(fromApp.headers['x-content-type-options']).toBe('nosniff');
    expect(fromApp.headers['content-length']).toBe(String(fromApp.body.length));
  });

  it('answers each encoding, 304 and HEAD as the app does', async () => {
    h.clock.now = T0 + 20 * 60_000;
    const plain = await get('/openai');
    const br = await get('/openai', { 'accept-encoding': 'gzip, deflate, br' });
    const gzip = await get('/openai', { 'accept-encoding': 'gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    for (const answer of [br, gzip]) {
      expect(answer.headers['vary']).toBe('accept-encoding');
      expect(answer.headers['content-length']).toBe(String(answer.body.length));
    }
    const notModified = await get('/openai', { 'if-none-match': plain.headers['etag']! });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers['etag']).toBe(plain.headers['etag']);
    expect(notModified.headers['content-security-policy']).toBe(plain.headers['content-security-policy']);
    const head = await get('/openai', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(plain.body.length));
  });

  it("keeps a route's own headers: the embed may be framed, the page may not", async () => {
    h.clock.now = T0 + 30 * 60_000;
    for (let i = 0; i < 2; i += 1) {
      const embed = await get('/openai/embed');
      expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
      expect(embed.headers['x-frame-options']).toBeUndefined();
      expect(embed.headers['cross-origin-resource-policy']).toBe('cross-origin');
      const page = await get('/openai');
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it("shows a change once FRONT_MS passed since the app's last look, as the app would", async () => {
    const rendered = T0 + 40 * 60_000;
    h.clock.now = rendered;
    const first = await get('/mistral');
    // The app looks again just before the page's minimum age and finds it current.
    h.clock.now = rendered + PAGE_MIN_AGE_MS - 10;
    expect((await get('/mistral')).headers['etag']).toBe(first.headers['etag']);
    h.store.versions.bump('mistral');
    // Past the page's minimum age the app would render the change, but the front answers what the app just found.
    h.clock.now = rendered + PAGE_MIN_AGE_MS - 10 + FRONT_MS - 1;
    const before = total();
    expect((await get('/mistral')).headers['etag']).toBe(first.headers['etag']);
    expect(total()).toBe(before);
    h.clock.now = rendered + PAGE_MIN_AGE_MS - 10 + FRONT_MS;
    const renders = asked.renders;
    await get('/mistral');
    expect(asked.renders).toBe(renders + 1);
  });

  it('leaves to the app what it did not answer, a request with a body, and another method', async () => {
    h.clock.now = T0 + 50 * 60_000;
    await get('/anthropic/history');
    const before = total();
    await get('/anthropic/history?x=1');
    expect(total()).toBe(before + 1);
    const withBody = await request(`${site}/anthropic/history`, { method: 'GET', body: 'x' });
    await withBody.body.dump();
    const post = await request(`${site}/anthropic/history`, { method: 'POST', body: '' });
    expect(post.statusCode).toBe(405);
    await post.body.dump();
    expect(total()).toBe(before + 2);
  });
});

describe('the front at LOG_LEVEL=debug', () => {
  it('leaves every request to the app, so each is logged', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => lines.push(line) };
    const logged = await createHarness({ logger: { level: 'debug', stream } });
    try {
      const url = await logged.app.listen({ port: 0, host: '127.0.0.1' });
      for (let i = 0; i < 3; i += 1) await (await request(`${url}/anthropic`)).body.dump();
      const completed = lines.filter((line) => line.includes('"request completed"') && line.includes('/anthropic'));
      expect(completed).toHaveLength(3);
    } finally {
      await logged.close();
    }
  });
});

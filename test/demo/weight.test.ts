// Page weight in a realistic world: the demo after 30 minutes of DeepSeek's probe failing every 2 s. Every page family
// of every scenario stays within 25 KB of identity HTML, and the auth-error pages within twice the seed's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypesFor, loadCatalog } from '../../src/catalog/load.ts';
import { SCENARIOS } from '../../src/demo/world.ts';
import { openStore } from '../../src/store/index.ts';
import { MINUTE_MS, SECOND_MS } from '../../src/time.ts';
import { textOf } from '../helpers/app.ts';
import { startDemo, type Demo } from '../helpers/demo.ts';

const MAX_BYTES = 25 * 1024;
/** Twice the longest seed auth page (363 words). */
const MAX_AUTH_WORDS = 2 * 363;
const FAILING_MS = 30 * MINUTE_MS;
const PROBE_EVERY_MS = 2 * SECOND_MS;

let demo: Demo;
const catalog = loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });

beforeAll(async () => {
  demo = await startDemo();
  await demo.settled();
  // The 30 minutes of failures the world would take half an hour to make: a 503 or a timeout every 2 s.
  const store = await openStore(demo.databasePath);
  const now = Date.now();
  for (let at = now - FAILING_MS, n = 0; at < now; at += PROBE_EVERY_MS, n += 1) {
    const timeout = n % 3 === 0;
    await store.probes.record('deepseek', {
      at,
      outcome: timeout ? 'timeout' : 'unexpected_status',
      httpStatus: timeout ? null : 503,
      latencyMs: timeout ? null : 40,
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      ttfbMs: null,
      detail: timeout ? null : '{"error":{"message":"Service Unavailable"}}',
    });
  }
  await store.close();
  // The server sees them once its next probe changes DeepSeek's data version.
  const until = Date.now() + 60_000;
  for (;;) {
    const summary = /Last 24 hours: (\d+) probes/.exec(textOf(await (await fetch(`${demo.origin}/deepseek`)).text()));
    if (summary && Number(summary[1]) >= FAILING_MS / PROBE_EVERY_MS) break;
    if (Date.now() > until) throw new Error(`DeepSeek's page never showed the recorded failures: ${summary?.[0]}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 120_000);

afterAll(async () => {
  await demo?.close();
});

const pagesOf = (slug: string) => {
  const provider = catalog.providerBySlug.get(slug)!;
  return [
    `/${slug}`,
    `/${slug}/is-it-down`,
    ...errorTypesFor(catalog, provider).map((e) => `/${slug}/error/${e.slug}`),
  ];
};

const identity = async (path: string) => {
  const response = await fetch(`${demo.origin}${path}`, { headers: { 'accept-encoding': 'identity' } });
  expect(response.status, path).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};

/** Words a reader sees: the body's text without closed details' contents, hidden fields, scripts and styles. */
const visibleWords = (html: string) =>
  textOf(
    html
      .replace(/<head>[\s\S]*?<\/head>/, '')
      .replace(/<details(?![^>]*\sopen)[^>]*>\s*(<summary[\s\S]*?<\/summary>)[\s\S]*?<\/details>/g, '$1')
      .replace(/<div class="hp"[\s\S]*?<\/div>/g, ''),
  )
    .split(/\s+/)
    .filter(Boolean).length;

describe('after 30 minutes of failing probes', () => {
  it.each(SCENARIOS.map((s) => s.slug))('every page family of %s stays within 25 KB', async (slug) => {
    const heavy: string[] = [];
    for (const path of pagesOf(slug)) {
      const body = await identity(path);
      if (body.length > MAX_BYTES) heavy.push(`${path}: ${body.length} bytes`);
    }
    expect(heavy).toEqual([]);
  });

  it.each(SCENARIOS.map((s) => s.slug))('the history page of %s stays within 25 KB', async (slug) => {
    expect((await identity(`/${slug}/history`)).length).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('the home page stays within 25 KB', async () => {
    expect((await identity('/')).length).toBeLessThanOrEqual(MAX_BYTES);
  });

  it.each(SCENARIOS.map((s) => s.slug))('the auth-error page of %s says at most twice the seed', async (slug) => {
    const words = visibleWords((await identity(`/${slug}/error/auth-error`)).toString('utf8'));
    expect(words).toBeGreaterThan(100);
    expect(words).toBeLessThanOrEqual(MAX_AUTH_WORDS);
  });
});

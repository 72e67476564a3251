// Several providers at once, over a real store and the real app: two in trouble are not flagged, three are, on the
// home page, the JSON list and each of their pages, which follow the others through the render cache; our own
// probes failing everywhere is said as ours and never drawn as a group.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORRELATION_WINDOW_MS } from '../../src/status/correlation.ts';
import { MINUTE_MS, SECOND_MS } from '../../src/time.ts';
import { T0, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { incident } from '../helpers/seed.ts';
import { recordOfficial, recordProbes } from '../helpers/signals.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const get = async (url: string) => {
  const res = await h.app.inject({ method: 'GET', url });
  expect(res.statusCode, url).toBe(200);
  return res;
};
/** The page's text, with no space before punctuation that follows a link or a time. */
const text = async (url: string) => textOf((await get(url)).body).replace(/ ([,:])/g, '$1');

/** The provider's page read just now, with an open incident of major impact that started `ago` before T0. */
async function inTrouble(slug: string, ago: number): Promise<void> {
  await recordOfficial(h.store, slug, h.clock.now);
  await h.store.incidents.upsert(
    slug,
    'official',
    [incident(`${slug}-1`, { title: 'Elevated error rates on the API', startedAt: T0 - ago })],
    h.clock.now,
  );
}

async function recovers(slug: string): Promise<void> {
  const at = h.clock.now - MINUTE_MS;
  await h.store.incidents.upsert(
    slug,
    'official',
    [
      incident(`${slug}-1`, {
        title: 'Elevated error rates on the API',
        startedAt: T0,
        state: 'resolved',
        resolvedAt: at,
      }),
    ],
    h.clock.now,
  );
}

const pagesOf = (slug: string) => [`/${slug}`, `/${slug}/error/auth-error`, `/${slug}/is-it-down`];
const correlated = async () => (await get('/api/v1/providers')).json().correlated;

describe('several providers at once', () => {
  it('does not flag two providers in trouble together', async () => {
    await inTrouble('openai', 2 * MINUTE_MS);
    await inTrouble('anthropic', 3 * MINUTE_MS);
    expect(await correlated()).toEqual([]);
    expect(await text('/')).not.toContain('providers at once');
    for (const path of pagesOf('openai')) expect(await text(path), path).not.toContain('Not only');
  });

  it('flags three: the home page, the JSON list and each of their pages name and link the others', async () => {
    await inTrouble('openai', 2 * MINUTE_MS);
    await inTrouble('anthropic', 9 * MINUTE_MS);
    await inTrouble('groq', 5 * MINUTE_MS);
    await recordOfficial(h.store, 'cohere', h.clock.now);
    expect(await correlated()).toEqual([
      { since: new Date(T0 - 9 * MINUTE_MS).toISOString(), providers: ['anthropic', 'groq', 'openai'] },
    ]);
    const home = (await get('/')).body;
    expect(await text('/')).toContain(
      '3 providers at once: Anthropic, Groq and OpenAI turned degraded or worse between 11:51 UTC and 11:58 UTC: ' +
        'a shared cloud or network is the likely cause.',
    );
    for (const slug of ['anthropic', 'groq', 'openai']) expect(home).toContain(`<a href="/${slug}">`);
    for (const path of pagesOf('groq')) {
      const res = await get(path);
      expect(await text(path), path).toContain(
        'Not only Groq: Anthropic and OpenAI also turned degraded or worse between 11:51 UTC and 11:58 UTC: ' +
          'a shared cloud or network is the likely cause.',
      );
      expect(res.body, path).toContain('<a href="/anthropic">Anthropic</a> and <a href="/openai">OpenAI</a>');
      expect(res.body, path).toContain('<time datetime="2026-11-22T11:51:00.000Z">11:51 UTC</time>');
    }
    for (const path of pagesOf('cohere')) expect(await text(path), path).not.toContain('Not only');
  });

  it('needs the three starts within the window', async () => {
    await inTrouble('openai', 0);
    await inTrouble('anthropic', 7 * MINUTE_MS);
    await inTrouble('groq', CORRELATION_WINDOW_MS + SECOND_MS);
    expect(await correlated()).toEqual([]);
  });

  it("follows the others on a provider's cached page: a third in trouble, then one recovering", async () => {
    await inTrouble('openai', 2 * MINUTE_MS);
    await inTrouble('anthropic', 3 * MINUTE_MS);
    expect(await text('/openai')).not.toContain('Not only');
    await inTrouble('groq', 4 * MINUTE_MS);
    h.clock.now += 2 * SECOND_MS;
    expect(await text('/openai')).toContain('Not only OpenAI: Groq and Anthropic also turned degraded or worse');
    expect(await text('/openai/error/auth-error')).toContain('Not only OpenAI: Groq and Anthropic');
    await recovers('groq');
    h.clock.now += 2 * SECOND_MS;
    expect(await text('/openai')).not.toContain('Not only');
    expect(await correlated()).toEqual([]);
  });

  it('reads again, after a while, an unchanged provider whose signals aged: a stale page ends its group', async () => {
    await inTrouble('openai', 2 * MINUTE_MS);
    await inTrouble('anthropic', 3 * MINUTE_MS);
    await inTrouble('groq', 4 * MINUTE_MS);
    expect(await text('/openai')).toContain('Not only OpenAI');
    // Ten minutes on, only OpenAI's page was read again: the others' readings went stale without any new data.
    h.clock.now += 10 * MINUTE_MS;
    await recordOfficial(h.store, 'openai', h.clock.now);
    expect(await text('/openai')).toContain('Partial Outage');
    expect(await text('/openai')).not.toContain('Not only');
  });

  it('says our own probes are at fault, and draws no group, while most probed providers fail the same way', async () => {
    for (const slug of ['openai', 'anthropic', 'groq']) {
      await inTrouble(slug, 2 * MINUTE_MS);
      await recordProbes(h.store, slug, h.clock.now, h.config.probeIntervalMs, 'failing');
    }
    await recordProbes(h.store, 'cohere', h.clock.now, h.config.probeIntervalMs, 'healthy');
    const list = (await get('/api/v1/providers')).json();
    expect(list.correlated).toEqual([]);
    expect(list.localFault).toMatchObject({ outcome: 'timeout', affected: 3, probed: 4 });
    const home = await text('/');
    expect(home).toContain('Our probes of 3 of 4 providers fail the same way (requests time out)');
    expect(home).toContain('the fault is most likely on our side, not the providers’.');
    expect(home).not.toContain('providers at once');
    for (const path of pagesOf('openai')) expect(await text(path), path).not.toContain('Not only');
  });
});

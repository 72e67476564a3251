// Every provider × applicable error type: its page renders every block with that provider's own content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypesFor } from '../../src/catalog/load.ts';
import { fillText, placeholderValues } from '../../src/web/blocks/text.ts';
import { createHarness, T0, textOf, type Harness } from '../helpers/app.ts';
import { recordIncident, recordOfficial, recordProbes } from '../helpers/signals.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });
const BLOCKS = [
  'Current status',
  "What We're Seeing Right Now",
  'How to Fix It',
  'What is this error?',
  'Error Signatures',
  'Frequently Asked Questions',
  'Related Pages',
];

/** Text without spaces or backticks: code spans render as elements, which add spaces around them. */
const squash = (text: string) => text.replace(/[\s`]+/g, '');
const pairs = () =>
  h.catalog.providers.flatMap((p) => errorTypesFor(h.catalog, p).map((e) => [p.slug, e.slug] as const));

describe('every provider and applicable error type', () => {
  it('covers all eleven error types, with some types hidden where they do not apply', () => {
    expect(h.catalog.errorTypes).toHaveLength(11);
    expect(h.catalog.errorTypes[0]!.slug).toBe('auth-error');
    expect(pairs().length).toBeGreaterThan(200);
    expect(errorTypesFor(h.catalog, h.catalog.providerBySlug.get('anthropic')!).map((e) => e.slug)).toContain(
      'overloaded',
    );
    expect(errorTypesFor(h.catalog, h.catalog.providerBySlug.get('replicate')!).map((e) => e.slug)).not.toContain(
      'overloaded',
    );
  });

  it('renders each page: every block, own title, signatures, causes and fixes, no unfilled placeholder', async () => {
    for (const [slug, error] of pairs()) {
      const provider = h.catalog.providerBySlug.get(slug)!;
      const type = h.catalog.errorTypeBySlug.get(error)!;
      const values = placeholderValues(provider);
      const res = await get(`/${slug}/error/${error}`);
      expect(res.statusCode, `${slug}/${error}`).toBe(200);
      const headings = [...res.body.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => textOf(m[1]!));
      for (const block of BLOCKS)
        expect(
          headings.some((h2) => h2.includes(block)),
          `${slug}/${error}: ${block}`,
        ).toBe(true);
      const text = textOf(res.body);
      expect(text, `${slug}/${error}`).toContain(`${provider.name}: ${type.title}`);
      expect(text, `${slug}/${error}`).not.toMatch(/\{(name|apiKeyEnv|keysUrl|authHeader|keyPrefix|apiBase)\}/);
      const override = provider.errors[error];
      const squashed = squash(text);
      for (const s of override?.signatures ?? []) expect(text, `${slug}/${error}`).toContain(s.label);
      for (const c of [...(override?.causes ?? []), ...(override?.fixes ?? [])])
        expect(squashed, `${slug}/${error}`).toContain(squash(fillText(c, values)));
      for (const header of override?.headers ?? []) expect(text, `${slug}/${error}`).toContain(header.name);
      expect(res.body).toContain(`href="/${slug}/is-it-down"`);
      expect(res.body).toContain(`href="/errors/${error}"`);
    }
  });

  it('answers 404 for a type that does not apply to the provider', async () => {
    const res = await get('/replicate/error/overloaded');
    expect([res.statusCode, textOf(res.body)]).toEqual([
      404,
      expect.stringContaining('We have no page for the error "overloaded" of Replicate'),
    ]);
  });

  it('lists every applicable error page, and the is-it-down page, on the provider dashboard', async () => {
    const res = await get('/groq');
    for (const e of errorTypesFor(h.catalog, h.catalog.providerBySlug.get('groq')!))
      expect(res.body).toContain(`href="/groq/error/${e.slug}"`);
    expect(res.body).toContain('href="/groq/is-it-down"');
    expect(res.body).toContain('href="/diagnose?provider=groq"');
  });
});

describe('blocks that read right for each type', () => {
  it('shows the rate-limit headers of the provider before the generic ones', async () => {
    const html = (await get('/openai/error/rate-limit')).body;
    const text = textOf(/<section[^>]*id="signatures"[\s\S]*?<\/section>/.exec(html)![0]);
    expect(text).toContain("OpenAI's own answers and response headers");
    expect(text.indexOf('x-ratelimit-remaining-tokens')).toBeLessThan(text.indexOf('retry-after'));
  });

  it('marks "Right now" the waiting case that fits the verdict', async () => {
    // Later than the pages rendered above, so the render cache renders them again with the new data.
    const at = T0 + 60_000;
    h.clock.now = at;
    await recordOfficial(h.store, 'anthropic', at);
    await recordProbes(h.store, 'anthropic', at, h.config.probeIntervalMs, 'healthy');
    await recordIncident(h.store, 'anthropic', at, 'Elevated errors on Claude Opus');
    const overloaded = textOf((await get('/anthropic/error/overloaded')).body);
    expect(overloaded).toContain("Likely on the provider's side");
    expect(overloaded).toContain('Anthropic reports an open incident: Elevated errors on Claude Opus');
    expect(overloaded).toMatch(
      /Right now: Yes, most likely, while Anthropic's side shows the trouble above\. Yes: overload clears/,
    );
    const quota = textOf((await get('/anthropic/error/quota-exceeded')).body);
    expect(quota).toContain('Likely on your side');
    expect(quota).toContain("your account's credit, spending limit or plan");
    expect(quota).toMatch(/Right now: Waiting will not bring back credit/);
  });
});

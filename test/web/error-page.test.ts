// The auth-error page of every seed provider: every block of the seed pages, in order, with provider-specific content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';

const SEED_PROVIDERS = ['openai', 'anthropic', 'deepseek', 'writesonic', 'sensetime-sensechat'];

/**
 * Block headings, in order: the answer, what the community reports right now (the seed's second block), what to do,
 * what the error is and its causes, signatures, FAQ. Signals, components and incidents are the answer's lines and
 * the dashboard's blocks, said once.
 */
const BLOCKS = [
  'Current status',
  "What We're Seeing Right Now",
  'How to Fix It',
  'What is this error?',
  'Error Signatures',
  'Frequently Asked Questions',
  'Related Pages',
];

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });

describe('auth-error page', () => {
  it.each(SEED_PROVIDERS)('%s has every seed block, answer and fixes first', async (slug) => {
    const res = await get(`/${slug}/error/auth-error`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const headings = [...res.body.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => textOf(m[1]!));
    const positions = BLOCKS.map((block) => headings.findIndex((h2) => h2.includes(block)));
    expect(
      positions.every((p) => p >= 0),
      `missing blocks in ${headings.join(' | ')}`,
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it.each(SEED_PROVIDERS)('%s has its own title, back link and related pages', async (slug) => {
    const provider = h.catalog.providerBySlug.get(slug)!;
    const res = await get(`/${slug}/error/auth-error`);
    const text = textOf(res.body);
    expect(text).toContain(`${provider.name}: Authentication Failed / Invalid API Key`);
    expect(res.body).toContain(`<a href="/${slug}">← View full ${provider.name.replace(/&/g, '&amp;')} status</a>`);
    expect(res.body).toContain(`href="/${slug}"`);
    expect(res.body).toMatch(/<a href="\/"[^>]*>All providers<\/a>/);
  });

  it.each(SEED_PROVIDERS)("%s names its own key variable and header, never another provider's", async (slug) => {
    const provider = h.catalog.providerBySlug.get(slug)!;
    const text = textOf((await get(`/${slug}/error/auth-error`)).body);
    expect(text).toContain(provider.apiKeyEnv);
    expect(text).toContain(provider.auth.header);
    expect(text).not.toMatch(/[A-Z]+_API_KEY, [A-Z]+_API_KEY/);
    const fix = textOf(
      /<section[^>]*id="fix"[\s\S]*?<\/section>/.exec((await get(`/${slug}/error/auth-error`)).body)![0],
    );
    expect(fix.split(provider.apiKeyEnv).length - 1).toBeGreaterThanOrEqual(3);
    const anthropicKey = slug === 'anthropic' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
    expect(text).not.toContain(anthropicKey);
  });

  it("shows the provider's own recorded rejection body first, verbatim", async () => {
    const openai = await get('/openai/error/auth-error');
    const anthropic = await get('/anthropic/error/auth-error');
    const deepseek = await get('/deepseek/error/auth-error');
    const firstCode = (html: string) =>
      textOf(/<section[^>]*id="signatures"[\s\S]*?<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html)![1]!);
    expect(firstCode(openai.body)).toContain('"code": "invalid_api_key"');
    expect(firstCode(anthropic.body)).toContain('"type": "authentication_error"');
    expect(firstCode(anthropic.body)).toContain('invalid x-api-key');
    expect(firstCode(deepseek.body)).toContain('Authentication Fails');
    expect(textOf(anthropic.body)).toContain('x-api-key: $ANTHROPIC_API_KEY');
  });

  it("numbers the fixes and links the provider's key page", async () => {
    const res = await get('/deepseek/error/auth-error');
    const fix = /<section[^>]*id="fix"[\s\S]*?<\/section>/.exec(res.body)![0];
    expect(fix).toContain('<ol');
    expect(textOf(fix)).toContain('DEEPSEEK_API_KEY');
    const keys = h.catalog.providerBySlug.get('deepseek')!.keysUrl;
    expect(res.body).toContain(`href="${keys}"`);
  });

  it('with no data reads Unknown, says why, and gives "never" as the last check', async () => {
    const text = textOf((await get('/anthropic/error/auth-error')).body);
    expect(text).toMatch(/Current status Unknown for the Anthropic API/);
    expect(text).toMatch(/Official status page: No good reading yet Live probe: No results yet Community/);
    expect(text).toContain('We have no fresh evidence about Anthropic right now');
    expect(text).toContain('No reports of authentication errors in the last 30 minutes.');
    expect(text).not.toMatch(/Operational|Major Outage/);
  });
});

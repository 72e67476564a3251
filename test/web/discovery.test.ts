// For search engines and sharing: a sitemap whose every entry answers 200, robots.txt, and per-page canonical URLs,
// titles, descriptions, OpenGraph and Twitter tags, hreflang alternates and JSON-LD that parses and is typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorTypesFor } from '../../src/catalog/load.ts';
import { jsonForScript } from '../../src/web/http/structured-data.ts';
import { sitemapUrls, type PageFamily } from '../../src/web/machine/sitemap.ts';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';
import { children, parseXml } from '../helpers/xml.ts';

const SITE = 'https://status.example.com';
const SITEMAP = 'http://www.sitemaps.org/schemas/sitemap/0.9';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ env: { SITE_URL: SITE } });
  await seedScenario(h.store, T0);
});
afterAll(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });

async function sitemapLocs(): Promise<string[]> {
  const res = await get('/sitemap.xml');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
  const urlset = parseXml(res.body).documentElement!;
  expect(urlset.namespaceURI).toBe(SITEMAP);
  return children(urlset, SITEMAP, 'url').map((url) => children(url, SITEMAP, 'loc')[0]!.textContent!);
}

/** Attribute values of the head's <meta>/<link> tags, by a key attribute. */
function head(html: string) {
  const decode = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const tags = [...html.matchAll(/<(meta|link)\s([^>]*)>/g)].map((m) =>
    Object.fromEntries([...m[2]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], decode(a[2]!)])),
  );
  const meta = (key: string) => tags.find((t) => t.name === key || t.property === key)?.content;
  const links = (rel: string) => tags.filter((t) => t.rel === rel);
  const jsonLd = [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((m) =>
    JSON.parse(m[1]!),
  );
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
  return { title: title === undefined ? undefined : decode(title), meta, links, jsonLd };
}

describe('sitemap.xml', () => {
  it('lists home, API page, dashboards, error, is-it-down, history pages, guides and /subscribe, all answering 200', async () => {
    const locs = await sitemapLocs();
    const expected = [
      `${SITE}/`,
      `${SITE}/api`,
      ...h.catalog.providers.map((p) => `${SITE}/${p.slug}`),
      ...h.catalog.providers.flatMap((p) =>
        errorTypesFor(h.catalog, p).map((e) => `${SITE}/${p.slug}/error/${e.slug}`),
      ),
      ...h.catalog.providers.map((p) => `${SITE}/${p.slug}/is-it-down`),
      ...h.catalog.providers.map((p) => `${SITE}/${p.slug}/history`),
      `${SITE}/errors`,
      ...h.catalog.errorTypes.map((e) => `${SITE}/errors/${e.slug}`),
      `${SITE}/diagnose`,
      `${SITE}/methodology`,
      `${SITE}/accountability`,
      `${SITE}/subscribe`,
    ];
    expect(locs).toEqual(expected);
    for (const loc of locs) {
      const res = await get(loc.slice(SITE.length));
      expect(res.statusCode, loc).toBe(200);
      expect(res.headers['content-type'], loc).toBe('text/html; charset=utf-8');
    }
  });

  it('takes a new page family as one more function, without duplicates', () => {
    const extra: PageFamily = (catalog) => catalog.providers.slice(0, 2).map((p) => `/${p.slug}/is-it-down`);
    const urls = sitemapUrls(h.catalog, SITE, [() => ['/'], () => ['/'], extra]);
    expect(urls).toEqual([`${SITE}/`, `${SITE}/openai/is-it-down`, `${SITE}/anthropic/is-it-down`]);
  });
});

describe('robots.txt', () => {
  it('allows the pages, keeps crawlers off the JSON API and points at the sitemap', async () => {
    const res = await get('/robots.txt');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.split('\n')).toEqual([
      'User-agent: *',
      'Allow: /',
      'Disallow: /api/v1/',
      '',
      `Sitemap: ${SITE}/sitemap.xml`,
      '',
    ]);
  });
});

describe('page meta data', () => {
  it('gives each sitemap page its own title, description, a canonical URL from SITE_URL and sharing tags', async () => {
    const titles = new Set<string>();
    const descriptions = new Set<string>();
    for (const loc of await sitemapLocs()) {
      const page = head((await get(loc.slice(SITE.length))).body);
      expect(
        page.links('canonical').map((l) => l.href),
        loc,
      ).toEqual([loc]);
      expect(
        page
          .links('alternate')
          .filter((l) => l.hreflang)
          .map((l) => [l.hreflang, l.href]),
      ).toEqual([
        ['en', loc],
        ['x-default', loc],
      ]);
      const description = page.meta('description')!;
      expect(description.length, loc).toBeGreaterThan(50);
      expect(description.length, loc).toBeLessThanOrEqual(200);
      expect(page.meta('og:title')).toBe(page.title);
      expect(page.meta('og:description')).toBe(description);
      expect(page.meta('og:url')).toBe(loc);
      expect(page.meta('og:type')).toBe('website');
      expect(page.meta('twitter:card')).toBe('summary');
      // Twitter reads the title and description from the OpenGraph tags: they are not repeated.
      expect(page.meta('twitter:title')).toBeUndefined();
      titles.add(page.title!);
      descriptions.add(description);
    }
    const count = (await sitemapLocs()).length;
    expect(titles.size).toBe(count);
    expect(descriptions.size).toBe(count);
  });

  it('marks answers that are not pages as noindex, without a canonical URL', async () => {
    const page = head((await get('/nope')).body);
    expect(page.meta('robots')).toBe('noindex');
    expect(page.links('canonical')).toEqual([]);
  });
});

describe('JSON-LD', () => {
  it('gives an error page its BreadcrumbList and FAQPage', async () => {
    const blocks = head((await get('/anthropic/error/auth-error')).body).jsonLd;
    expect(blocks.map((b) => [b['@context'], b['@type']])).toEqual([
      ['https://schema.org', 'BreadcrumbList'],
      ['https://schema.org', 'FAQPage'],
    ]);
    expect(blocks[0].itemListElement).toEqual([
      { '@type': 'ListItem', position: 1, name: 'All providers', item: `${SITE}/` },
      { '@type': 'ListItem', position: 2, name: 'Anthropic', item: `${SITE}/anthropic` },
      { '@type': 'ListItem', position: 3, name: 'Authentication error', item: `${SITE}/anthropic/error/auth-error` },
    ]);
    const faq = blocks[1].mainEntity;
    expect(faq.length).toBeGreaterThan(2);
    for (const q of faq) {
      expect(q['@type']).toBe('Question');
      expect(q.name).toMatch(/\?$/);
      expect(q.acceptedAnswer['@type']).toBe('Answer');
      expect(q.acceptedAnswer.text).not.toContain('`');
      expect(q.acceptedAnswer.text.length).toBeGreaterThan(20);
    }
  });

  it('gives a dashboard its BreadcrumbList and no FAQ; the home page has none', async () => {
    expect(head((await get('/anthropic')).body).jsonLd.map((b) => b['@type'])).toEqual(['BreadcrumbList']);
    expect(head((await get('/')).body).jsonLd).toEqual([]);
  });

  it('escapes what could close the script element, and parses back to the same data', () => {
    const value = { name: '</script><script>alert(1)</script> & <!-- \u2028 \u2029' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

// For search engines: sitemap.xml over every page and robots.txt pointing at it.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { robotsTxt, sitemapUrls } from './sitemap.ts';
import { machineTemplate } from '../http/render.ts';

/** The page list changes only with the catalog, which is read at boot. */
const CATALOG_VERSION = 0;
const DISCOVERY_CACHE_CONTROL = 'public, max-age=3600';

const sitemap = machineTemplate<{ urls: ReturnType<typeof sitemapUrls> }>('sitemap');

export async function discovery(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, pages } = deps;

  app.get('/sitemap.xml', async (request, reply) =>
    pages.serveAs(
      request,
      reply,
      'sitemap',
      CATALOG_VERSION,
      { contentType: 'application/xml; charset=utf-8', cacheControl: DISCOVERY_CACHE_CONTROL },
      () => pages.text(sitemap, { urls: sitemapUrls(catalog, config.siteUrl) }),
    ),
  );

  app.get('/robots.txt', async (request, reply) =>
    pages.serveAs(
      request,
      reply,
      'robots',
      CATALOG_VERSION,
      { contentType: 'text/plain; charset=utf-8', cacheControl: DISCOVERY_CACHE_CONTROL },
      () => robotsTxt(config.siteUrl),
    ),
  );
}

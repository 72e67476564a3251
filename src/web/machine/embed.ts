// The no-JavaScript embed (/<provider>/embed): a small card any site may frame, while every other page refuses framing.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { compactHtml } from '../http/render.ts';
import { trackedProvider } from '../http/problems.ts';
import { embedPath, embedView } from './embed-view.ts';

const HTML = {
  contentType: 'text/html; charset=utf-8',
  cacheControl: 'public, max-age=60, stale-while-revalidate=60',
};

/** The site's CSP with framing allowed from anywhere: the one change the embed needs. */
export function framableCsp(csp: string): string {
  const directives = csp.split(';').map((d) => d.trim());
  if (!directives.some((d) => d.startsWith('frame-ancestors ')))
    throw new Error('the site CSP has no frame-ancestors to relax');
  return directives.map((d) => (d.startsWith('frame-ancestors ') ? 'frame-ancestors *' : d)).join(';');
}

export function registerEmbedRoutes(
  app: FastifyInstance,
  deps: WebDeps,
  options: { stylesheet: string; siteCsp: string },
): void {
  const { catalog, config, assessor, store, pages, now } = deps;
  const site = { siteUrl: config.siteUrl, siteName: config.siteName };
  const csp = framableCsp(options.siteCsp);

  app.get<{ Params: { provider: string } }>(embedPath(':provider'), async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    reply
      .header('content-security-policy', csp)
      .header('cross-origin-resource-policy', 'cross-origin')
      .removeHeader('x-frame-options');
    return pages.serveAs(request, reply, `embed:${provider.slug}`, store.versions.of(provider.slug), HTML, async () => {
      const view = embedView(await assessor.of(provider, now()), site, options.stylesheet);
      return compactHtml(await pages.text('machine/embed', view));
    });
  });
}

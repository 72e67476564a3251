// Atom feeds: incidents and their updates, official and detected by us, per provider and for all providers.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.ts';
import { trackedProvider } from '../problems.ts';
import { allFeedPath, allProvidersFeedView, providerFeedPath, providerFeedView } from '../view-models/feed.ts';

const ATOM = {
  contentType: 'application/atom+xml; charset=utf-8',
  cacheControl: 'public, max-age=60, stale-while-revalidate=300',
};

export function registerFeedRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, config, assessor, store, pages, now } = deps;
  const site = { siteUrl: config.siteUrl, siteName: config.siteName };

  app.get(allFeedPath, async (request, reply) =>
    pages.serveAs(request, reply, `feed:${allFeedPath}`, store.versions.global(), ATOM, async () => {
      const at = now();
      return pages.text('machine/atom', allProvidersFeedView(await assessor.all(at), site, at));
    }),
  );

  app.get<{ Params: { provider: string } }>(providerFeedPath(':provider'), async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    return pages.serveAs(
      request,
      reply,
      `feed:${providerFeedPath(provider.slug)}`,
      store.versions.of(provider.slug),
      ATOM,
      async () => pages.text('machine/atom', providerFeedView(await assessor.of(provider, now()), site)),
    );
  });
}

// Atom feeds: incidents and their updates, official and detected by us, per provider and for all providers.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { trackedProvider } from '../http/problems.ts';
import { allFeedPath, allProvidersFeedView, providerFeedPath, providerFeedView } from './feed.ts';
import { machineTemplate } from '../http/render.ts';

const ATOM = {
  contentType: 'application/atom+xml; charset=utf-8',
  cacheControl: 'public, max-age=60, stale-while-revalidate=300',
};

const atom = machineTemplate<ReturnType<typeof providerFeedView>>('atom');

export async function feeds(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, assessor, store, pages, now } = deps;
  const site = { siteUrl: config.siteUrl, siteName: config.siteName };
  /** When we began tracking the providers (the earliest of them, for all): what an empty feed is dated. */
  const trackedSince = async (slug: string | null, at: number) => {
    const rows = (await store.providers.list()).filter((p) => !p.hidden && (slug === null || p.slug === slug));
    return rows.length > 0 ? Math.min(...rows.map((p) => p.addedAt)) : at;
  };

  app.get(allFeedPath, async (request, reply) =>
    pages.serveAs(request, reply, `feed:${allFeedPath}`, store.versions.global(), ATOM, async () => {
      const at = now();
      const view = allProvidersFeedView(await assessor.all(at), site, await trackedSince(null, at));
      return pages.text(atom, view);
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
      async () => {
        const data = await assessor.of(provider, now());
        return pages.text(atom, providerFeedView(data, site, await trackedSince(provider.slug, data.now)));
      },
    );
  });
}

// SVG status badges for READMEs: a provider's headline, or one of its components, shields-style.
import type { FastifyInstance } from 'fastify';
import { componentLevel } from '../../status/assess.ts';
import type { WebDeps } from '../deps.ts';
import { NotFound, trackedProvider } from '../problems.ts';
import { badgeView } from '../view-models/badge.ts';
import { slugOf } from '../view-models/text.ts';

const SVG = { contentType: 'image/svg+xml', cacheControl: 'public, max-age=60, stale-while-revalidate=60' };

export const providerBadgePath = (slug: string) => `/${slug}/badge.svg`;
export const componentBadgePath = (slug: string, component: string) => `/${slug}/components/${component}/badge.svg`;

export function registerBadgeRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, assessor, store, pages, now } = deps;

  const providerOf = (slug: string) => trackedProvider(catalog, slug);

  app.get<{ Params: { provider: string } }>(providerBadgePath(':provider'), async (request, reply) => {
    const provider = providerOf(request.params.provider);
    return pages.serveAs(request, reply, `badge:${provider.slug}`, store.versions.of(provider.slug), SVG, async () =>
      pages.text('machine/badge', badgeView(provider.name, (await assessor.of(provider, now())).status.level)),
    );
  });

  app.get<{ Params: { provider: string; component: string } }>(
    componentBadgePath(':provider', ':component'),
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      const wanted = request.params.component;
      const named = (names: string[]) => names.find((name) => slugOf(name) === wanted);
      // One indexed query before the cache, so that unknown names never become cache entries.
      const stored = (await store.components.list(provider.slug)).map((c) => c.name);
      const name = named(stored.length > 0 ? stored : provider.components.map((c) => c.name));
      if (!name) throw new NotFound(`${provider.name} has no component "${wanted}".`);
      return pages.serveAs(
        request,
        reply,
        `badge:${provider.slug}/${wanted}`,
        store.versions.of(provider.slug),
        SVG,
        async () => {
          const data = await assessor.of(provider, now());
          return pages.text(
            'machine/badge',
            badgeView(`${provider.name} ${name}`, componentLevel(data.assessment, name)),
          );
        },
      );
    },
  );
}

// Status badges for READMEs: SVG of a provider's headline or one of its components, and Shields.io endpoint JSON of
// a provider's headline or one error's verdict.
import type { FastifyInstance } from 'fastify';
import { errorTypesFor } from '../../catalog/load.ts';
import { componentLevel } from '../../status/assess.ts';
import type { WebDeps } from '../http/deps.ts';
import { NotFound, trackedProvider } from '../http/problems.ts';
import { badgeView } from './badge.ts';
import { levelShield, verdictShield } from './shields.ts';
import { allowAnyOrigin } from '../api/statuspage.ts';
import { slugOf } from '../blocks/text.ts';
import { machineTemplate } from '../http/render.ts';

const BADGE_CACHE = 'public, max-age=60, stale-while-revalidate=60';
const SVG = { contentType: 'image/svg+xml', cacheControl: BADGE_CACHE };
const SHIELDS = { contentType: 'application/json; charset=utf-8', cacheControl: BADGE_CACHE };

export const providerBadgePath = (slug: string) => `/${slug}/badge.svg`;
export const componentBadgePath = (slug: string, component: string) => `/${slug}/components/${component}/badge.svg`;
export const providerShieldsPath = (slug: string) => `/${slug}/shields.json`;
export const errorShieldsPath = (slug: string, error: string) => `/${slug}/error/${error}/shields.json`;

const badge = machineTemplate<ReturnType<typeof badgeView>>('badge');

export async function badges(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, assessor, store, pages, now } = deps;

  const providerOf = (slug: string) => trackedProvider(catalog, slug);

  app.get<{ Params: { provider: string } }>(providerBadgePath(':provider'), async (request, reply) => {
    const provider = providerOf(request.params.provider);
    return pages.serveAs(request, reply, `badge:${provider.slug}`, store.versions.of(provider.slug), SVG, async () =>
      pages.text(badge, badgeView(provider.name, (await assessor.of(provider, now())).status.level)),
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
          return pages.text(badge, badgeView(`${provider.name} ${name}`, componentLevel(data.assessment, name)));
        },
      );
    },
  );

  app.get<{ Params: { provider: string } }>(providerShieldsPath(':provider'), async (request, reply) => {
    const provider = providerOf(request.params.provider);
    allowAnyOrigin(reply);
    return pages.serveAs(
      request,
      reply,
      `shields:${provider.slug}`,
      store.versions.of(provider.slug),
      SHIELDS,
      async () => JSON.stringify(levelShield(provider.name, (await assessor.of(provider, now())).status.level)),
    );
  });

  app.get<{ Params: { provider: string; error: string } }>(
    errorShieldsPath(':provider', ':error'),
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      const errorType = errorTypesFor(catalog, provider).find((e) => e.slug === request.params.error);
      if (!errorType)
        throw new NotFound(`We have no page for the error "${request.params.error}" of ${provider.name}.`);
      allowAnyOrigin(reply);
      const key = `shields:${provider.slug}/errors/${errorType.slug}`;
      return pages.serveAs(request, reply, key, store.versions.of(provider.slug), SHIELDS, async () => {
        const { verdict } = (await assessor.of(provider, now())).error(errorType);
        return JSON.stringify(verdictShield(`${provider.name} ${errorType.title}`, verdict.verdict, verdict.label));
      });
    },
  );
}

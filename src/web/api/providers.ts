// JSON API v1: the providers' view models, the same data the pages show, and its OpenAPI document.
import type { FastifyInstance } from 'fastify';
import { toIso } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { NotFound, trackedProvider } from '../http/problems.ts';
import { CATALOG_ONLY } from '../http/render.ts';
import { openApiDocument } from './openapi.ts';
import { correlationJson, errorJson, providerJson } from './bodies.ts';
import { errorTypesFor } from '../../catalog/load.ts';

export async function providersApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, assessor, store, pages, now } = deps;

  app.get('/api/v1/providers', async (request, reply) =>
    pages.serveJson(request, reply, 'api:providers', store.versions.global(), async () => {
      const at = now();
      const all = await assessor.all(at);
      return {
        generatedAt: toIso(at),
        providers: all.map((data) => providerJson(data, catalog, config.siteUrl, config.probeIntervalMs)),
        ...correlationJson(all[0]?.correlation ?? { groups: [], localFault: null }),
      };
    }),
  );

  app.get<{ Params: { provider: string } }>('/api/v1/providers/:provider', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    return pages.serveJson(
      request,
      reply,
      `api:providers/${provider.slug}`,
      store.versions.of(provider.slug),
      async () => {
        const at = now();
        return {
          generatedAt: toIso(at),
          ...providerJson(await assessor.of(provider, at), catalog, config.siteUrl, config.probeIntervalMs, true),
        };
      },
    );
  });

  app.get<{ Params: { provider: string; error: string } }>(
    '/api/v1/providers/:provider/errors/:error',
    async (request, reply) => {
      const provider = trackedProvider(catalog, request.params.provider);
      const errorType = errorTypesFor(catalog, provider).find((e) => e.slug === request.params.error);
      if (!errorType)
        throw new NotFound(`We have no page for the error "${request.params.error}" of ${provider.name}.`);
      const key = `api:providers/${provider.slug}/errors/${errorType.slug}`;
      return pages.serveJson(request, reply, key, store.versions.of(provider.slug), async () => {
        const at = now();
        const data = await assessor.of(provider, at);
        return { generatedAt: toIso(at), ...errorJson(data, errorType, config.siteUrl) };
      });
    },
  );

  app.get('/api/v1/openapi.json', async (request, reply) =>
    pages.serveJson(request, reply, 'api:openapi', CATALOG_ONLY, () => openApiDocument(config, catalog)),
  );
}

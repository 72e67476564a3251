// Cross-provider pages: `/errors`, `/errors/:error`, `/:provider/is-it-down` and `/methodology`, from the render cache.
import type { FastifyInstance } from 'fastify';
import { toIso } from '../../time.ts';
import type { WebDeps } from '../deps.ts';
import { NotFound, trackedProvider } from '../problems.ts';
import { reasonJson, regionsJson } from '../view-models/api.ts';
import { guideIndexView, guideView } from '../view-models/error-guide.ts';
import { isItDownView } from '../view-models/is-it-down.ts';
import { methodologyView } from '../view-models/methodology.ts';

/** Pages built from the catalog and configuration alone never go out of date while the process runs. */
const CATALOG_ONLY = 0;

export function registerGuideRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, config, assessor, store, pages, now } = deps;

  app.get('/errors', async (request, reply) =>
    pages.serve(request, reply, 'page:/errors', CATALOG_ONLY, () => {
      const view = guideIndexView(catalog);
      return pages.html(
        'errors',
        { title: view.title, description: view.description, path: '/errors', breadcrumbs: view.breadcrumbs },
        view,
      );
    }),
  );

  app.get<{ Params: { error: string } }>('/errors/:error', async (request, reply) => {
    const errorType = catalog.errorTypeBySlug.get(request.params.error);
    if (!errorType) throw new NotFound(`We have no guide for an error called "${request.params.error}".`);
    const path = `/errors/${errorType.slug}`;
    return pages.serve(request, reply, `page:${path}`, store.versions.global(), async () => {
      // Each provider's verdict on this error weighs the reports of its category: read the buckets too.
      const view = guideView(errorType, await assessor.all(now(), { chart: true }), catalog);
      return pages.html(
        'error-guide',
        { title: view.title, description: view.description, path, breadcrumbs: view.breadcrumbs },
        view,
      );
    });
  });

  app.get<{ Params: { provider: string } }>('/:provider/is-it-down', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const path = `/${provider.slug}/is-it-down`;
    // Alternatives come from every provider, so the page changes with any provider's data.
    return pages.serve(request, reply, `page:${path}`, store.versions.global(), async () => {
      const all = await assessor.all(now());
      const view = isItDownView(
        all.find((d) => d.provider.slug === provider.slug)!,
        all,
        catalog,
      );
      return pages.html(
        'is-it-down',
        { title: view.title, description: view.description, path, breadcrumbs: view.breadcrumbs },
        view,
      );
    });
  });

  app.get<{ Params: { provider: string } }>('/api/v1/providers/:provider/is-it-down', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    return pages.serveJson(
      request,
      reply,
      `api:providers/${provider.slug}/is-it-down`,
      store.versions.global(),
      async () => {
        const at = now();
        const all = await assessor.all(at);
        const data = all.find((d) => d.provider.slug === provider.slug)!;
        const view = isItDownView(data, all, catalog);
        return {
          generatedAt: toIso(at),
          provider: provider.slug,
          answer: view.direct.answer,
          label: view.direct.label,
          sentence: view.answer.verdict?.text ?? '',
          evidence: data.assessment.down.evidence.map(reasonJson),
          level: view.answer.level.level,
          affectedComponents: view.affected.map((c) => ({ name: c.name, level: c.status.level })),
          regions: regionsJson(data),
          alternatives: view.alternatives.map((a) => a.slug),
          html: `${config.siteUrl}/${provider.slug}/is-it-down`,
        };
      },
    );
  });

  app.get('/methodology', async (request, reply) =>
    pages.serve(request, reply, 'page:/methodology', CATALOG_ONLY, () => {
      const view = methodologyView(config, catalog);
      return pages.html(
        'methodology',
        { title: view.title, description: view.description, path: '/methodology', breadcrumbs: view.breadcrumbs },
        view,
      );
    }),
  );
}

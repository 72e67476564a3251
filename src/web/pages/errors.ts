// `/errors`: every error type we explain, with its HTTP statuses and how many providers it applies to (route and
// view model). Built from the catalog alone.
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../../catalog/load.ts';
import type { WebDeps } from '../http/deps.ts';
import { CATALOG_ONLY, pageTemplate } from '../http/render.ts';
import type { Crumb } from '../http/structured-data.ts';
import { toSegments, type Segment } from '../blocks/text.ts';

export const statusText = (statuses: readonly number[]) =>
  statuses.length > 0 ? statuses.join(', ') : 'no HTTP status';

export type GuideIndexView = {
  breadcrumbs: Crumb[];
  title: string;
  description: string;
  types: { slug: string; title: string; statuses: string; summary: Segment[]; providers: number }[];
};

export function guideIndexView(catalog: Catalog): GuideIndexView {
  return {
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: 'Error guides', path: '/errors' },
    ],
    title: 'AI API errors explained: every error type at every provider',
    description:
      `What ${catalog.errorTypes.length} kinds of AI API errors mean, how each provider spells ` +
      `them, whether they are on your side or the provider's, and how to fix them.`,
    types: catalog.errorTypes.map((e) => ({
      slug: e.slug,
      title: e.title,
      statuses: statusText(e.httpStatuses),
      summary: toSegments(e.guide.summary),
      providers: catalog.providers.filter((p) => p.errors[e.slug]?.applies !== false).length,
    })),
  };
}

const template = pageTemplate<GuideIndexView>('errors');

export async function errorsPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, pages } = deps;
  app.get('/errors', async (request, reply) =>
    pages.serve(request, reply, 'page:/errors', CATALOG_ONLY, () => {
      const view = guideIndexView(catalog);
      const meta = { title: view.title, description: view.description, path: '/errors', breadcrumbs: view.breadcrumbs };
      return pages.html(template, meta, view);
    }),
  );
}

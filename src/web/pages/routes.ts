// HTML pages: the provider list, a provider's dashboard and its error pages, each served from the render cache.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorTypesFor } from '../../catalog/load.ts';
import type { WebDeps } from '../http/deps.ts';
import { errorPageView } from './error.ts';
import { allFeedLinks } from '../machine/feed.ts';
import { homeView } from './home.ts';
import { historyBlockView } from './history.ts';
import { providerPageView } from './provider.ts';
import { NotFound, parseOr400, trackedProvider } from '../http/problems.ts';
import { ReportedQuery, reportedQueryString } from '../api/report-input.ts';

const HomeQuery = z.strictObject({ q: z.string().max(100, 'at most 100 characters').optional() });

export function registerPageRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, config, assessor, store, pages, now, formTokens, history } = deps;
  // A provider's page also names the others in trouble together with it: it changes when they do. Both numbers only
  // grow, so their sum changes whenever either does.
  const pageVersion = async (slug: string) => store.versions.of(slug) + (await assessor.correlation(now())).epoch;

  app.get('/', async (request, reply) => {
    const { q = '' } = parseOr400(HomeQuery, request.query, 'query');
    const render = async () => {
      const at = now();
      const view = homeView(await assessor.all(at), q, config.siteName);
      return pages.html(
        'home',
        { title: view.title, description: view.description, path: '/', feeds: allFeedLinks() },
        view,
      );
    };
    // Filtered lists are cheap and unbounded in number, so only the plain list is cached.
    if (q.trim() !== '')
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(await render());
    return pages.serve(request, reply, 'page:/', store.versions.global(), render);
  });

  app.get<{ Params: { provider: string } }>('/:provider', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const reported = parseOr400(ReportedQuery, request.query, 'query');
    const key = `page:/${provider.slug}${reportedQueryString(reported)}`;
    return pages.serve(request, reply, key, await pageVersion(provider.slug), async () => {
      const data = await assessor.of(provider, now());
      const view = {
        ...providerPageView(data, catalog, config.probeIntervalMs, {
          token: formTokens.issue(provider.slug, data.now),
          ...reported,
        }),
        history: historyBlockView(await history.read(provider, data.now), { compact: true }),
      };
      return pages.html(
        'provider',
        {
          title: view.title,
          description: view.description,
          path: `/${provider.slug}`,
          breadcrumbs: view.breadcrumbs,
          feeds: view.feeds,
        },
        view,
      );
    });
  });

  app.get<{ Params: { provider: string; error: string } }>('/:provider/error/:error', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const errorType = errorTypesFor(catalog, provider).find((e) => e.slug === request.params.error);
    if (!errorType) throw new NotFound(`We have no page for the error "${request.params.error}" of ${provider.name}.`);
    const path = `/${provider.slug}/error/${errorType.slug}`;
    const reported = parseOr400(ReportedQuery, request.query, 'query');
    return pages.serve(
      request,
      reply,
      `page:${path}${reportedQueryString(reported)}`,
      await pageVersion(provider.slug),
      async () => {
        const data = await assessor.of(provider, now());
        const view = errorPageView(data, errorType, catalog, {
          token: formTokens.issue(provider.slug, data.now),
          ...reported,
        });
        return pages.html(
          'error',
          {
            title: view.title,
            description: view.description,
            path,
            breadcrumbs: view.breadcrumbs,
            faq: view.faqText,
            feeds: view.feeds,
          },
          view,
        );
      },
    );
  });
}

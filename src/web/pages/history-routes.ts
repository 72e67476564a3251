// The daily history: `/:provider/history` (90 bars per subject, every incident, a day view with `?day=`) and its
// JSON twin `/api/v1/providers/:provider/history?days=N`, both from the render cache.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dayOfDate } from '../../status/history.ts';
import { HistoryQuery } from '../api/operations.ts';
import type { WebDeps } from '../http/deps.ts';
import { NotFound, parseOr400, trackedProvider } from '../http/problems.ts';
import { historyJson, historyPageView } from './history.ts';

const DayQuery = z.object({
  day: z
    .string()
    .refine((date) => dayOfDate(date) !== null, 'a calendar date written YYYY-MM-DD, e.g. 2026-11-29')
    .optional(),
});

export function registerHistoryRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, store, pages, now, history } = deps;
  const providerOf = (slug: string) => trackedProvider(catalog, slug);

  app.get<{ Params: { provider: string } }>('/api/v1/providers/:provider/history', async (request, reply) => {
    const provider = providerOf(request.params.provider);
    const { days } = parseOr400(HistoryQuery, request.query, 'query');
    const key = `api:providers/${provider.slug}/history?days=${days}`;
    return pages.serveJson(request, reply, key, store.versions.of(provider.slug), async () =>
      historyJson(await history.read(provider, now()), days),
    );
  });

  app.get<{ Params: { provider: string } }>('/:provider/history', async (request, reply) => {
    const provider = providerOf(request.params.provider);
    const { day } = parseOr400(DayQuery, request.query, 'query');
    const path = `/${provider.slug}/history`;
    return pages.serve(request, reply, `page:${path}?day=${day ?? ''}`, store.versions.of(provider.slug), async () => {
      const read = await history.read(provider, now());
      const view = historyPageView(read, day ?? null, { ackLagOf: (id) => read.ackLags.get(id) ?? null });
      if (day !== undefined && view.day === null) {
        throw new NotFound(`We show the last ${view.days} days of ${provider.name} here; ${day} is not one of them.`);
      }
      return pages.html(
        'history',
        { title: view.title, description: view.description, path, breadcrumbs: view.breadcrumbs },
        view,
      );
    });
  });
}

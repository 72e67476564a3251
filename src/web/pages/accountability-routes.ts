// `/accountability` and `GET /api/v1/accountability`: providers ranked by acknowledgement lag and API uptime.
import type { FastifyInstance } from 'fastify';
import { ACCOUNTABILITY_WINDOW_MS, type IncidentSpan } from '../../status/accountability.ts';
import type { WebDeps } from '../http/deps.ts';
import type { Uptime } from '../../assessment/history.ts';
import {
  accountabilityJson,
  accountabilityRows,
  accountabilityView,
  type AccountabilityRows,
} from './accountability.ts';

export function registerAccountabilityRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, config, store, pages, now, history } = deps;

  async function rows(at: number): Promise<AccountabilityRows> {
    const spans = new Map<string, IncidentSpan[]>();
    for (const { providerSlug, ...span } of await store.incidents.timeline(at - ACCOUNTABILITY_WINDOW_MS)) {
      spans.set(providerSlug, [...(spans.get(providerSlug) ?? []), span]);
    }
    const uptime = new Map<string, Uptime>();
    for (const p of catalog.providers) {
      uptime.set(p.slug, await history.uptime(p, at));
    }
    return accountabilityRows(catalog, spans, uptime, at);
  }

  app.get('/api/v1/accountability', async (request, reply) =>
    pages.serveJson(request, reply, 'api:accountability', store.versions.global(), async () => {
      const at = now();
      return accountabilityJson(await rows(at), config.siteUrl, at);
    }),
  );

  app.get('/accountability', async (request, reply) =>
    pages.serve(request, reply, 'page:/accountability', store.versions.global(), async () => {
      const view = accountabilityView(await rows(now()));
      return pages.html(
        'accountability',
        {
          title: view.title,
          description: view.description,
          path: '/accountability',
          breadcrumbs: view.breadcrumbs,
        },
        view,
      );
    }),
  );
}

// Liveness: answers while the process serves requests and its database answers a trivial query.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/healthz', async (_request, reply) => {
    const database = deps.store.db.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined;
    return reply
      .header('cache-control', 'no-store')
      .send({ status: database?.ok === 1 ? 'ok' : 'degraded', providers: deps.catalog.providers.length });
  });
}

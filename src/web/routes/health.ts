// Liveness (/healthz: the process serves and its database answers a trivial query) and readiness (/readyz: whether
// it should get traffic, 503 with the reasons when not).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/healthz', async (_request, reply) => {
    const database = deps.store.db.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined;
    return reply
      .header('cache-control', 'no-store')
      .send({ status: database?.ok === 1 ? 'ok' : 'degraded', providers: deps.catalog.providers.length });
  });

  app.get('/readyz', async (_request, reply) => {
    const { ready, reasons } = await deps.readiness();
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(ready ? { status: 'ready' } : { status: 'not ready', reasons });
  });
}

// Liveness and readiness: /healthz answers while the process serves requests; /readyz says whether this node reaches
// its database (503 when not, so a load balancer sends visitors elsewhere) and whether it runs the jobs.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/healthz', async (_request, reply) => {
    const database = await deps.store.ping();
    return reply
      .header('cache-control', 'no-store')
      .send({ status: database ? 'ok' : 'degraded', providers: deps.catalog.providers.length });
  });

  app.get('/readyz', async (_request, reply) => {
    const database = await deps.store.ping();
    return reply
      .code(database ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        ready: database,
        database: { engine: deps.store.engine, reachable: database, hearsOtherNodes: deps.store.hearsChanges },
        jobs: deps.jobRole(),
      });
  });
}

// Liveness (/healthz: the process serves and its database answers a trivial query) and readiness (/readyz: whether
// it should get traffic, 503 with the reasons when not), with the database engine and this node's part in the jobs
// (`leader` runs them, `standby` waits to take over, `off` with JOBS=false).
import type { FastifyInstance } from 'fastify';
import { movedNotes, PLATFORM_DOCUMENT } from '../../sources/platform.ts';
import type { WebDeps } from './deps.ts';

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: Pick<WebDeps, 'store' | 'catalog' | 'readiness' | 'jobRole'>,
): void {
  app.get('/healthz', async (_request, reply) => {
    const database = await deps.store.ping();
    return reply
      .header('cache-control', 'no-store')
      .send({ status: database ? 'ok' : 'degraded', providers: deps.catalog.providers.length });
  });

  app.get('/readyz', async (_request, reply) => {
    const { ready, reasons } = await deps.readiness();
    // A database that cannot answer is already a reason above; the notes then just stay out.
    const found = await deps.store.checks.latestOfEach(PLATFORM_DOCUMENT).catch(() => new Map());
    const sources = movedNotes(deps.catalog.providers, found);
    const node = { database: deps.store.engine, jobs: deps.jobRole(), ...(sources.length > 0 ? { sources } : {}) };
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(ready ? { status: 'ready', ...node } : { status: 'not ready', reasons, ...node });
  });
}

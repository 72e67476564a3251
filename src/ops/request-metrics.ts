// Request metrics: every answered request is recorded by its route pattern (never the raw URL), method and status.
import type { FastifyInstance } from 'fastify';
import { UNMATCHED_ROUTE, type RequestRecorder } from './recorder.ts';

export function recordRequests(app: FastifyInstance, recorder: RequestRecorder): void {
  app.addHook('onResponse', async (request, reply) => {
    recorder.request(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime);
  });
}

// Load shedding: beyond capacity (event loop lagging, or the database not answering) every request but /healthz gets
// a quick 503 with Retry-After, rendered by the problem handler, instead of a slow collapse for everyone.
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.ts';

export const PRESSURE_RETRY_AFTER_SECONDS = 5;
export const HEALTH_CHECK_INTERVAL_MS = 5000;

export type PressureOptions = {
  maxEventLoopDelayMs: number;
  /** Whether the app can serve; false sheds load like a lagging event loop. */
  healthy: () => boolean | Promise<boolean>;
  healthCheckIntervalMs?: number;
};

/** The default health check: the database answers a trivial query. */
export function databaseAnswers(store: Store): () => Promise<boolean> {
  return () => store.ping();
}

class ServiceBusy extends Error {
  readonly statusCode = 503;
}

export async function registerPressure(app: FastifyInstance, options: PressureOptions): Promise<void> {
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    healthCheck: async () => options.healthy(),
    healthCheckInterval: options.healthCheckIntervalMs ?? HEALTH_CHECK_INTERVAL_MS,
    // Liveness stays answerable under load, so an orchestrator does not restart a busy but healthy process.
    // A rejected promise goes on to the error handler, which renders the 503 page or JSON.
    pressureHandler: async (request, reply) => {
      if (request.routeOptions.url === '/healthz' || request.routeOptions.url === '/readyz') return;
      reply.header('retry-after', String(PRESSURE_RETRY_AFTER_SECONDS));
      throw new ServiceBusy('under pressure');
    },
  });
}

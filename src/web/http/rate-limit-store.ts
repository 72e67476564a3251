// The rate-limit plugin's counter store over the database, so a client's budget is one across every node.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Store } from '../../store/index.ts';

export function databaseRateLimits(store: Store, now: () => number): FastifyRateLimitStoreCtor {
  return class DatabaseRateLimits implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      const at = now();
      store.rateLimits.hit(key, timeWindow, at).then(
        (window) => callback(null, { current: window.count, ttl: Math.max(0, window.resetAt - at) }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }
    /** Every limited route shares one budget per key (the report routes limit together). */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

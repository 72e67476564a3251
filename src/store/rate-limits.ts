// Rate-limit windows in the database, so every node counts against one budget per key (a salted client hash).
import { sql } from './kysely.ts';
import { changes, type Db } from './db.ts';

export type RateWindow = { count: number; resetAt: number };

export function createRateLimitsStore(db: Db) {
  return {
    /** Counts one hit for `key` in its fixed window (a new window of `windowMs` starts when the last one ended). */
    async hit(key: string, windowMs: number, now: number): Promise<RateWindow> {
      const ended = sql<boolean>`rate_limits.reset_at <= ${now}`;
      return db
        .insertInto('rate_limits')
        .values({ key, count: 1, reset_at: now + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql`CASE WHEN ${ended} THEN 1 ELSE rate_limits.count + 1 END`,
            reset_at: sql`CASE WHEN ${ended} THEN excluded.reset_at ELSE rate_limits.reset_at END`,
          }),
        )
        .returning(['count', 'reset_at as resetAt'])
        .executeTakeFirstOrThrow();
    },
    /** Deletes windows that ended before `now`; returns how many. */
    async prune(now: number): Promise<number> {
      return changes(await db.deleteFrom('rate_limits').where('reset_at', '<=', now).executeTakeFirst());
    },
  };
}
export type RateLimitsStore = ReturnType<typeof createRateLimitsStore>;

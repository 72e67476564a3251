// Rate-limit windows in the database, so every node counts against one budget per key (a salted client hash).
import { sql } from './kysely.ts';
import { changes, type Db } from './db.ts';

export type RateWindow = { count: number; resetAt: number };

export function createRateLimitsStore(db: Db) {
  return {
    /** Counts one hit for `key` in its fixed window (a new window of `windowMs` starts when the last one ended). */
    async hit(key: string, windowMs: number, now: number): Promise<RateWindow> {
      const { rows } = await sql<RateWindow>`
        INSERT INTO rate_limits (key, count, reset_at) VALUES (${key}, 1, ${now + windowMs})
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN rate_limits.reset_at <= ${now} THEN 1 ELSE rate_limits.count + 1 END,
          reset_at = CASE WHEN rate_limits.reset_at <= ${now} THEN excluded.reset_at ELSE rate_limits.reset_at END
        RETURNING count, reset_at AS "resetAt"`.execute(db);
      return rows[0]!;
    },
    /** Deletes windows that ended before `now`; returns how many. */
    async prune(now: number): Promise<number> {
      return changes(await sql`DELETE FROM rate_limits WHERE reset_at <= ${now}`.execute(db));
    },
  };
}
export type RateLimitsStore = ReturnType<typeof createRateLimitsStore>;

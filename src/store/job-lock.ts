// The job lock: which node runs the schedules. On PostgreSQL a session advisory lock held on a dedicated connection
// (released by the server the moment that connection dies, e.g. when its process is killed); on SQLite, one process
// owns the file, so it always holds it.
import type pg from 'pg';
import { loadPg } from './db.ts';

/** Any constant unique to this program: the advisory lock that elects the node running the jobs. */
export const JOB_LOCK_KEY = 7_201_302;
/** The lock of this schema: deployments (or tests) in other schemas of one database each elect their own node. */
const LOCK_ARGS = '$1, hashtext(current_schema())';
/** A lock connection that does not answer within this is treated as lost. */
export const LOCK_CHECK_TIMEOUT_MS = 2000;

export type JobLock = {
  /** Takes the lock if free; true when this node holds it now. */
  acquire(): Promise<boolean>;
  /** Whether this node still holds it (its connection answers); false means stop the jobs at once. */
  holds(): Promise<boolean>;
  release(): Promise<void>;
  /** Calls `listener` as soon as a held lock is known lost (its connection failed), before the next check. */
  onLost(listener: () => void): void;
};

export const soleJobLock = (): JobLock => ({
  acquire: async () => true,
  holds: async () => true,
  release: async () => {},
  onLost: () => {},
});

export function createPostgresJobLock(settings: pg.ClientConfig): JobLock {
  let client: pg.Client | null = null;
  let held = false;
  const listeners: (() => void)[] = [];

  function drop(): void {
    const last = client;
    const wasHeld = held;
    client = null;
    held = false;
    if (wasHeld) for (const listener of listeners) listener();
    last?.removeAllListeners();
    last?.on('error', () => {});
    void last?.end().catch(() => {});
  }

  return {
    async acquire() {
      if (held && client) return true;
      try {
        const driver = await loadPg();
        if (!client) {
          const next = new driver.Client({ ...settings, query_timeout: LOCK_CHECK_TIMEOUT_MS });
          next.on('error', drop);
          next.on('end', drop);
          client = next;
          await next.connect();
          // The server notices a vanished holder within about 11 s (not the system's 2 h), freeing the lock.
          await next.query(
            'SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3',
          );
        }
        const { rows } = await client.query<{ held: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_ARGS}) AS held`, [
          JOB_LOCK_KEY,
        ]);
        held = rows[0]?.held === true;
        return held;
      } catch {
        drop();
        return false;
      }
    },
    async holds() {
      if (!held || !client) return false;
      try {
        await client.query('SELECT 1');
        return held;
      } catch {
        drop();
        return false;
      }
    },
    onLost(listener) {
      listeners.push(listener);
    },
    async release() {
      if (client && held) await client.query(`SELECT pg_advisory_unlock(${LOCK_ARGS})`, [JOB_LOCK_KEY]).catch(() => {});
      held = false;
      drop();
    },
  };
}

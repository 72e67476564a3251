// The WAL checkpoint job: copies the write-ahead log into the database and truncates it, so the -wal file stays small.
import type { Store } from '../store/index.ts';
import { MINUTE_MS } from '../time.ts';

export const CHECKPOINT_INTERVAL_MS = 10 * MINUTE_MS;

type Log = { debug(data: object, message: string): void; error(data: object, message: string): void };

/** One run for a schedule: a TRUNCATE checkpoint (busy readers just make it partial); never throws. */
export function checkpointTask(store: Store, log: Log): () => void {
  return () => {
    try {
      const [result] = store.db.pragma('wal_checkpoint(TRUNCATE)') as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      log.debug({ ...result }, 'checkpointed the write-ahead log');
    } catch (err) {
      log.error({ err }, 'checkpointing the write-ahead log failed');
    }
  };
}

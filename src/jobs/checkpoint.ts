// The WAL checkpoint job (SQLite only): copies the write-ahead log into the database and truncates it, so the -wal
// file stays small. PostgreSQL checkpoints itself.
import type Database from 'better-sqlite3';
import { MINUTE_MS } from '../time.ts';

export const CHECKPOINT_INTERVAL_MS = 10 * MINUTE_MS;

type Log = { debug(data: object, message: string): void; error(data: object, message: string): void };

/** One run for a schedule: a TRUNCATE checkpoint (busy readers just make it partial); never throws. */
export function checkpointTask(sqlite: Database.Database, log: Log): () => void {
  return () => {
    try {
      const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as {
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

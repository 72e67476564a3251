// Readiness: whether this process should get traffic. Not ready when its database file is gone or replaced, when the
// database refuses a tiny write, or when a schedule has not completed a cycle for several intervals.
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { sql } from '../store/kysely.ts';
import type { Db } from '../store/db.ts';
import type { Store } from '../store/index.ts';
import { formatDuration } from '../time.ts';
import { STALLED_AFTER_INTERVALS, type JobWatch } from './job-watch.ts';

/** The write check's answer is reused for this long, however often /readyz is asked. */
export const READINESS_CACHE_MS = 1000;
/** A write that waits longer than this for the lock counts as failed (the check must not hold the event loop). */
const WRITE_BUSY_TIMEOUT_MS = 200;
/** Written to the database header by the SQLite check; it also marks the file as this program's ("AIST"). */
export const APPLICATION_ID = 0x41495354;

export type Readiness = { ready: boolean; reasons: string[] };
export type ReadinessCheck = () => Promise<Readiness>;

export type ReadinessDeps = {
  /** The database file whose existence and identity are checked on every call; null when there is none. */
  databasePath: string | null;
  /** A tiny real write; throws (or rejects) when the database refuses it. */
  writeCheck: () => void | Promise<void>;
  jobs?: JobWatch;
  now: () => number;
};

/** SQLite's tiny write: the header's application_id, under a short lock wait (restored after). */
export function sqliteWriteCheck(db: Database.Database): () => void {
  return () => {
    if (!db.open) throw new Error('the connection is closed');
    const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
    try {
      db.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    } finally {
      if (db.open) db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  };
}

/** PostgreSQL's tiny write: the schema version row set to itself, giving up after a short lock wait. */
export function postgresWriteCheck(db: Db): () => Promise<void> {
  return () =>
    db.transaction().execute(async (trx) => {
      await sql.raw(`SET LOCAL lock_timeout = ${WRITE_BUSY_TIMEOUT_MS}`).execute(trx);
      await sql`UPDATE schema_version SET version = version`.execute(trx);
    });
}

/** The write check of the store's engine. */
export const writeCheckFor = (store: Store): (() => void | Promise<void>) =>
  store.sqlite ? sqliteWriteCheck(store.sqlite) : postgresWriteCheck(store.db);

/** The file the database lives in, or null for an in-memory database. */
export const databaseFile = (path: string): string | null => (path === ':memory:' || path === '' ? null : path);

type FileId = { dev: number; ino: number };

function fileId(path: string): FileId | null {
  try {
    const stat = statSync(path);
    return { dev: stat.dev, ino: stat.ino };
  } catch {
    return null;
  }
}

export function createReadiness(deps: ReadinessDeps): ReadinessCheck {
  const { databasePath, now } = deps;
  const opened = databasePath === null ? null : fileId(databasePath);
  let cached: { at: number; problem: string | null } | null = null;

  /** A stat, made on every call: a deleted file must show at once. */
  function fileProblem(): string | null {
    if (databasePath === null) return null;
    const current = fileId(databasePath);
    if (current === null) return `the database file ${databasePath} is gone: writes would be lost`;
    if (opened && (current.dev !== opened.dev || current.ino !== opened.ino))
      return `the database file ${databasePath} was replaced by another file: writes would go to the old one`;
    return null;
  }

  async function writeProblem(): Promise<string | null> {
    try {
      await deps.writeCheck();
      return null;
    } catch (error) {
      return `the database cannot be written: ${(error as Error).message}`;
    }
  }

  return async () => {
    const at = now();
    const file = fileProblem();
    if (file === null && (cached === null || at - cached.at >= READINESS_CACHE_MS || at < cached.at))
      cached = { at, problem: await writeProblem() };
    const stalled = (deps.jobs?.stalled(at, STALLED_AFTER_INTERVALS) ?? []).map(
      (job) =>
        `the ${job.name} schedule has not completed a cycle for ${formatDuration(at - job.lastRunAt)} ` +
        `(it runs every ${formatDuration(job.intervalMs)})`,
    );
    const database = file ?? cached?.problem ?? null;
    const reasons = [...(database === null ? [] : [database]), ...stalled];
    return { ready: reasons.length === 0, reasons };
  };
}

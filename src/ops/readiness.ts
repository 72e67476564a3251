// Readiness: whether this process should get traffic. Not ready when its database file is gone or replaced, when the
// database refuses a tiny write, or when a schedule has not completed a cycle for several intervals.
import { statSync } from 'node:fs';
import type { Store } from '../store/index.ts';
import { formatDuration } from '../time.ts';
import { STALLED_AFTER_INTERVALS, type JobWatch } from './job-watch.ts';

/** The write check's answer is reused for this long, however often /readyz is asked. */
export const READINESS_CACHE_MS = 1000;
/** A write that waits longer than this for the lock counts as failed (the check must not hold the event loop). */
const WRITE_BUSY_TIMEOUT_MS = 200;
/** Written to the database header by the check; it also marks the file as this program's ("AIST"). */
export const APPLICATION_ID = 0x41495354;

export type Readiness = { ready: boolean; reasons: string[] };
export type ReadinessCheck = () => Readiness;

export type ReadinessDeps = {
  store: Store;
  databasePath: string;
  jobs?: JobWatch;
  now: () => number;
};

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
  const { store, databasePath, now } = deps;
  const inMemory = databasePath === ':memory:' || databasePath === '';
  const opened = inMemory ? null : fileId(databasePath);
  let cached: { at: number; problem: string | null } | null = null;

  /** The file check is a stat, made on every call: a deleted file must show at once. */
  function fileProblem(): string | null {
    if (inMemory) return null;
    const current = fileId(databasePath);
    if (current === null) return `the database file ${databasePath} is gone: writes would be lost`;
    if (opened && (current.dev !== opened.dev || current.ino !== opened.ino))
      return `the database file ${databasePath} was replaced by another file: writes would go to the old one`;
    return null;
  }

  function writeProblem(): string | null {
    if (!store.db.open) return 'the database connection is closed';
    const busyTimeout = store.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      store.db.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
      store.db.pragma(`application_id = ${APPLICATION_ID}`);
      return null;
    } catch (error) {
      return `the database cannot be written: ${(error as Error).message}`;
    } finally {
      if (store.db.open) store.db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  return () => {
    const at = now();
    const file = fileProblem();
    if (file === null && (cached === null || at - cached.at >= READINESS_CACHE_MS || at < cached.at))
      cached = { at, problem: writeProblem() };
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

// Readiness: whether this process should get traffic. Not ready when its database file is gone or replaced, when the
// database refuses a tiny write, when its SECRET differs from the other nodes', or when a schedule has stalled.
import { createHmac } from 'node:crypto';
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

/** `reasons` in words for anyone (no file path, host or driver message); `details` for the metrics port only. */
export type Readiness = { ready: boolean; reasons: string[]; details: string[] };
export type ReadinessCheck = () => Promise<Readiness>;

export type ReadinessDeps = {
  /** The database file whose existence and identity are checked on every call; null when there is none. */
  databasePath: string | null;
  /** A tiny real write; throws (or rejects) when the database refuses it. */
  writeCheck: () => void | Promise<void>;
  jobs?: JobWatch;
  /** Why this node must not serve though its database works (another SECRET than the other nodes'), or null. */
  nodeProblem?: () => Promise<string | null>;
  /** Whether the start's warm-up (every provider assessed once) is still running. */
  warming?: () => boolean;
  now: () => number;
};

/** Said while the start's warm-up runs. */
export const WARMING_REASON = 'starting: every provider is being assessed once before the first visitors';

/** One reason, in public words and with its details. */
type Problem = { reason: string; detail: string };

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** What a failed write means, in words that name no file, host or query. */
export function writeFailureWords(error: unknown): string {
  const { code = '', message = '' } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = `${String(code)} ${String(message)}`;
  if (/connection is closed/i.test(text)) return 'the database connection is closed';
  if (UNREACHABLE.has(String(code)) || /terminat|connection|connect /i.test(text))
    return 'the database server cannot be reached';
  if (code === '55P03' || /SQLITE_BUSY|lock timeout|database is locked/i.test(text))
    return 'the database is locked by another writer';
  if (/SQLITE_FULL|53100|disk is full|No space/i.test(text)) return 'the disk is full';
  if (/SQLITE_READONLY|read-only|readonly/i.test(text)) return 'the database is read-only';
  return 'the database refused a test write';
}

/** The SECRET's check value: an HMAC, so the database never holds the secret itself. */
export const secretCheckValue = (secret: string): string =>
  createHmac('sha256', secret).update('status-site node check').digest('hex');

/** A check whose answer, once known, stays true for the process: asked again only while it throws. */
export function onceKnown<T>(check: () => Promise<T>): () => Promise<T> {
  let known: Promise<T> | null = null;
  return () =>
    (known ??= check().catch((error: unknown) => {
      known = null;
      throw error;
    }));
}

/** On a shared database, whether this node's SECRET is the one the first node stored (null: the same, or none). */
export async function secretProblem(store: Pick<Store, 'nodeChecks'>, secret: string | null): Promise<string | null> {
  if (secret === null) return null;
  const mine = secretCheckValue(secret);
  return (await store.nodeChecks.claim('secret', mine)) === mine
    ? null
    : "this node's SECRET differs from the other nodes' (the database holds another check value): forms, " +
        'tokens and signatures would not verify across nodes';
}

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
  let cached: { at: number; problem: Problem | null } | null = null;

  /** A stat, made on every call: a deleted file must show at once. */
  function fileProblem(): Problem | null {
    if (databasePath === null) return null;
    const current = fileId(databasePath);
    if (current === null) {
      const reason = 'the database file is gone: writes would be lost';
      return { reason, detail: `${reason} (${databasePath})` };
    }
    if (opened && (current.dev !== opened.dev || current.ino !== opened.ino)) {
      const reason = 'the database file was replaced by another file: writes would go to the old one';
      return { reason, detail: `${reason} (${databasePath})` };
    }
    return null;
  }

  async function writeProblem(): Promise<Problem | null> {
    try {
      await deps.writeCheck();
      return null;
    } catch (error) {
      const reason = `the database cannot be written: ${writeFailureWords(error)}`;
      return { reason, detail: `the database cannot be written: ${(error as Error).message}` };
    }
  }

  async function nodeProblem(): Promise<Problem | null> {
    try {
      const reason = (await deps.nodeProblem?.()) ?? null;
      return reason === null ? null : { reason, detail: reason };
    } catch (error) {
      const reason = `the shared settings cannot be checked: ${writeFailureWords(error)}`;
      return { reason, detail: `the shared settings cannot be checked: ${(error as Error).message}` };
    }
  }

  return async () => {
    const at = now();
    const file = fileProblem();
    if (file === null && (cached === null || at - cached.at >= READINESS_CACHE_MS || at < cached.at))
      cached = { at, problem: (await writeProblem()) ?? (await nodeProblem()) };
    const stalled = (deps.jobs?.stalled(at, STALLED_AFTER_INTERVALS) ?? []).map((job) => {
      const reason =
        `the ${job.name} schedule has not completed a cycle for ${formatDuration(at - job.lastRunAt)} ` +
        `(it runs every ${formatDuration(job.intervalMs)})`;
      return { reason, detail: reason };
    });
    const database = file ?? cached?.problem ?? null;
    const problems = [...(database === null ? [] : [database]), ...stalled];
    // The warm-up is said only when nothing else is wrong: it ends by itself, the other reasons need someone.
    if (problems.length === 0 && deps.warming?.()) problems.push({ reason: WARMING_REASON, detail: WARMING_REASON });
    return {
      ready: problems.length === 0,
      reasons: problems.map((p) => p.reason),
      details: problems.map((p) => p.detail),
    };
  };
}

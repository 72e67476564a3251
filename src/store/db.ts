// Opens the database on one of two engines behind one Kysely executor: SQLite (the embedded default, WAL, migrated
// with PRAGMA user_version) or PostgreSQL (a connection pool, migrated under an advisory lock so nodes can start
// together).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient, SqliteDatabase, Transaction } from 'kysely';
import { Kysely, PostgresDialect, SqliteDialect, sql } from './kysely.ts';
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations.ts';
import type { Database as Tables } from './schema.ts';

export type { Engine } from './ddl.ts';
import type { Engine } from './ddl.ts';

/** A query executor over every table (schema.ts): the database itself or an open transaction. */
export type Db = Kysely<Tables>;

export const BUSY_TIMEOUT_MS = 5000;
/**
 * SQLite's page cache, in KiB: SQLite's own default (better-sqlite3 raises it to 16 MB). Pages are served from the
 * render cache, so the database is read once per change of a page's data, and a page that misses SQLite's cache
 * comes from the OS's file cache; the larger cache mostly kept, for good, the 9 MB of pages that the first list of 200
 * providers had read.
 */
export const SQLITE_CACHE_KIB = 2000;
/** Connections each node keeps to PostgreSQL for queries (the job lock and the change listener have their own). */
export const POSTGRES_POOL_SIZE = 20;
/** Serialises migrations of nodes starting together; any constant unique to this program. */
const MIGRATION_LOCK_KEY = 7_201_301;

/** An open database: the executor, its engine, and what closing it takes. */
export type DatabaseHandle = {
  engine: Engine;
  db: Db;
  /** The raw SQLite handle (checkpoints, integrity checks); null on PostgreSQL. */
  sqlite: Database.Database | null;
  /** The PostgreSQL pool's settings, for the extra dedicated connections; null on SQLite. */
  postgres: pg.PoolConfig | null;
  close(): Promise<void>;
};

/** A database file the server cannot use (not SQLite, damaged, newer, read-only): one line for the operator. */
export class DatabaseFileError extends Error {}

/** What an operator reads for each way a database file can be unusable at boot. */
function problemOf(error: unknown): string {
  if (error instanceof DatabaseFileError) return error.message;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB') return 'it is not a SQLite database';
  if (code.startsWith('SQLITE_CORRUPT'))
    return 'it is damaged (truncated or overwritten); restore a backup or move it away';
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
    return `it cannot be written (${message})`;
  if (code.startsWith('SQLITE_CANTOPEN')) return `it cannot be opened (${message})`;
  return message;
}

/**
 * Opens (creating if needed) and migrates the database at `path`; `:memory:` works too. A file that cannot be used
 * throws DatabaseFileError naming the path and the problem; a read-only file is found now (by rewriting the schema
 * version in place), not at the first write.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Database.Database {
  // Two processes opening a new file together (a web and a jobs process) can find it busy where SQLite does not wait
  // (its header or WAL being set up by the other): try again, for as long as a busy database is waited for anyway.
  const until = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return openOnce(path, migrations);
    } catch (error) {
      if (!isBusy(error) || Date.now() >= until)
        throw new DatabaseFileError(
          `Cannot use the database DATABASE_PATH=${JSON.stringify(path)}: ${problemOf(error)}`,
        );
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, OPEN_RETRY_MS);
    }
  }
}

/** How long a start waits before trying a busy database file again. */
const OPEN_RETRY_MS = 20;

const isBusy = (error: unknown): boolean => String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');

function openOnce(path: string, migrations: readonly Migration[]): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    migrate(
      db,
      migrations.map((m) => m.sqlite),
    );
    db.pragma(`user_version = ${migrations.length}`);
    return db;
  } catch (error) {
    if (db?.open) db.close();
    throw error;
  }
}

/**
 * Applies every SQLite migration above the database's user_version, each in its own transaction. The version is read
 * inside each write-locked transaction: a second process opening the same file at the same time waits, then skips.
 */
export function migrate(db: Database.Database, migrations: readonly string[]): void {
  const step = db.transaction((): boolean => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new DatabaseFileError(
        `its schema version ${current} is newer than this program's (${migrations.length}); run the newer version`,
      );
    }
    if (current === migrations.length) return false;
    db.exec(migrations[current] as string);
    db.pragma(`user_version = ${current + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration applied: look again
  }
}

/** Kysely prepares every query it runs; better-sqlite3 statements are reusable, so each SQL text is prepared once. */
function cachingStatements(raw: Database.Database, maxStatements = 500): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        statement = raw.prepare(text);
        if (statements.size < maxStatements) statements.set(text, statement);
      }
      return statement;
    },
    close: () => raw.close(),
  };
}

export function openSqlite(path: string): DatabaseHandle {
  const raw = openDatabase(path);
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) });
  return {
    engine: 'sqlite',
    db,
    sqlite: raw,
    postgres: null,
    async close() {
      if (!raw.open) return;
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.pragma('optimize');
      await db.destroy();
    },
  };
}

/** The `pg` driver, loaded only by a node that runs on PostgreSQL (it costs start-up time and memory). */
export const loadPg = async (): Promise<typeof pg> => (await import('pg')).default;

/** PostgreSQL's BIGINT (epoch milliseconds, counts) arrives as text by default; every value here fits a double. */
const typesOf = (driver: typeof pg): pg.CustomTypesConfig => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === driver.types.builtins.INT8 || oid === driver.types.builtins.NUMERIC
      ? (value: string) => Number(value)
      : driver.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
});

/** The connection settings every connection of this node uses (pool, job lock, change listener). */
export function postgresConfig(url: string, driver: typeof pg): pg.PoolConfig {
  return {
    connectionString: url,
    types: typesOf(driver),
    application_name: 'ai-status',
    connectionTimeoutMillis: BUSY_TIMEOUT_MS,
  };
}

/**
 * Queries with parameters run as named prepared statements (one per SQL text and connection), so PostgreSQL plans
 * each once instead of on every call; planning the report statement costs more than running it.
 */
function preparingStatements(pool: pg.Pool): PostgresPool {
  const nameOf = (text: string) => `q${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
  const heard = new WeakSet<pg.PoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      // A connection the server drops while it is checked out reports an 'error' event; its query fails anyway and
      // the pool discards it on release, so the event is heard here instead of ending the process.
      if (!heard.has(client)) {
        heard.add(client);
        client.on('error', () => {});
      }
      return {
        query: ((text: unknown, values?: readonly unknown[]) =>
          typeof text === 'string' && values && values.length > 0
            ? client.query({ name: nameOf(text), text, values: [...values] })
            : client.query(text as string, values as unknown[])) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}

export async function openPostgres(
  url: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<DatabaseHandle> {
  const driver = await loadPg();
  const settings = postgresConfig(url, driver);
  const pool = new driver.Pool({ ...settings, max: POSTGRES_POOL_SIZE, idleTimeoutMillis: 30_000 });
  // An idle client losing its server emits on the pool; queries then fail and are answered, never crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: preparingStatements(pool) }) });
  try {
    await migratePostgres(db, migrations);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.destroy();
  };
  return { engine: 'postgres', db, sqlite: null, postgres: settings, close };
}

/** Applies every PostgreSQL migration above the recorded version, in one transaction, one node at a time. */
export async function migratePostgres(db: Db, migrations: readonly Migration[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`.execute(trx);
    const { rows } = await sql<{ version: number }>`SELECT version FROM schema_version`.execute(trx);
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`database schema version ${current} is newer than this program (${migrations.length})`);
    }
    for (let version = current; version < migrations.length; version += 1) {
      await sql.raw(migrations[version]!.postgres).execute(trx);
    }
    if (rows.length === 0) await sql`INSERT INTO schema_version (version) VALUES (${migrations.length})`.execute(trx);
    else await sql`UPDATE schema_version SET version = ${migrations.length}`.execute(trx);
  });
}

/** Opens the engine the configuration names: PostgreSQL when a URL is given, else the SQLite file. */
export async function openEngine(target: {
  databaseUrl: string | null;
  databasePath: string;
}): Promise<DatabaseHandle> {
  return target.databaseUrl ? openPostgres(target.databaseUrl) : openSqlite(target.databasePath);
}

/** Runs `work` in a transaction, or inside the caller's when `db` already is one. */
export function atomically<T>(db: Db, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Tables>) : db.transaction().execute(work);
}

/** Affected rows of a write, on either engine: a raw statement's result, or a builder's insert, update or delete. */
export const changes = (result: {
  numAffectedRows?: bigint;
  numInsertedOrUpdatedRows?: bigint;
  numUpdatedRows?: bigint;
  numDeletedRows?: bigint;
}): number =>
  Number(
    result.numAffectedRows ?? result.numInsertedOrUpdatedRows ?? result.numUpdatedRows ?? result.numDeletedRows ?? 0n,
  );

/**
 * Deletes the rows of `table` whose `column` is before `beforeAt`, one provider per statement so no delete holds the
 * database long; returns how many.
 */
export async function prunePerProvider(
  db: Db,
  table: 'reports' | 'report_buckets' | 'probe_results',
  column: 'at' | 'bucket_at',
  beforeAt: number,
): Promise<number> {
  const providers = await db.selectFrom('providers').select('slug').execute();
  let removed = 0;
  for (const { slug } of providers) {
    const result = await db
      .deleteFrom(table)
      .where('provider_slug', '=', slug)
      .where(sql.ref(column), '<', beforeAt)
      .executeTakeFirst();
    removed += changes(result);
  }
  return removed;
}

/**
 * A subquery of the texts in `items`, passed as one JSON parameter: the statement's text stays the same whatever
 * the list's length (one prepared statement, not one per length). Its one column is `value`.
 */
export function textList(engine: Engine, items: readonly string[]) {
  const json = JSON.stringify(items);
  return engine === 'postgres'
    ? sql`SELECT jsonb_array_elements_text(${json}::jsonb) AS value`
    : sql`SELECT value FROM json_each(${json})`;
}

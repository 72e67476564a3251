// Opens the SQLite database: pragmas for a single-process WAL store, then forward-only migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 5000;

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
export function openDatabase(path: string, migrations: readonly string[] = MIGRATIONS): Db {
  let db: Db | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    db.pragma(`user_version = ${migrations.length}`);
    return db;
  } catch (error) {
    if (db?.open) db.close();
    throw new DatabaseFileError(`Cannot use the database DATABASE_PATH=${JSON.stringify(path)}: ${problemOf(error)}`);
  }
}

/** Applies every migration above the database's user_version, each in its own transaction. */
export function migrate(db: Db, migrations: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new DatabaseFileError(
      `its schema version ${current} is newer than this program's (${migrations.length}); run the newer version`,
    );
  }
  for (let version = current; version < migrations.length; version += 1) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

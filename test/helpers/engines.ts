// Both engines for store tests: `describe.each(ENGINES)` opens a fresh, migrated store per test on SQLite (a temp
// file) or on the real PostgreSQL server (a fresh schema).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from '../../src/store/kysely.ts';
import type { Engine } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { freshSchema } from './postgres.ts';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export type TestDatabase = {
  /** What openStore takes to open this database (again). */
  target: { databaseUrl: string | null; databasePath: string };
  /** Removes the database. */
  drop(): Promise<void>;
};

export async function testDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'postgres') {
    // Imported here, not at the top: benchmarks reuse these helpers outside vitest, on SQLite only.
    const { inject } = await import('vitest');
    const schema = await freshSchema(inject('postgresUrl'));
    return { target: { databaseUrl: schema.url, databasePath: '' }, drop: schema.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  return {
    target: { databaseUrl: null, databasePath: join(dir, 'status.db') },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh store on `engine`; `close()` closes and removes it. */
export async function openTestStore(engine: Engine): Promise<Store & { dispose(): Promise<void> }> {
  const database = await testDatabase(engine);
  const store = await openStore(database.target);
  return Object.assign(store, {
    async dispose() {
      await store.close();
      await database.drop();
    },
  });
}

/** Rows of a raw query, on either engine (tests look at tables directly). */
export async function rows<T = Record<string, unknown>>(store: Store, text: string): Promise<T[]> {
  return (await sql.raw<T>(text).execute(store.db)).rows;
}

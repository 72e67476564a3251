// The engines a benchmark runs on, side by side: SQLite (a temp file) and PostgreSQL (a fresh database on the server
// at BENCH_DATABASE_URL or TEST_DATABASE_URL, else a throwaway server started for the run).
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { sql } from '../src/store/kysely.ts';
import { openStore } from '../src/store/index.ts';
import { freshDatabase, startPostgres, type PostgresServer } from '../test/helpers/postgres.ts';

let server: PostgresServer | null = null;

/** A new, empty PostgreSQL database for one benchmark run; drop() removes it (and a server started for it). */
export async function benchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  let base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) {
    server ??= await startPostgres();
    base = server.url;
  }
  const database = await freshDatabase(base, 'bench');
  return {
    url: database.url,
    async drop() {
      await database.drop();
    },
  };
}

/** Stops the throwaway server, if one was started. */
export function stopBenchPostgres(): void {
  server?.stop();
  server = null;
}

export const BENCH_SECRET = 'bench-secret-shared-by-every-node-0123456789';

/** Tables in the order their foreign keys allow, with the identity column each has (if any). */
const TABLES: readonly [string, string | null][] = [
  ['providers', null],
  ['components', 'id'],
  ['page_levels', null],
  ['component_changes', 'id'],
  ['incidents', 'id'],
  ['incident_updates', 'id'],
  ['incident_components', null],
  ['source_checks', 'id'],
  ['source_validators', null],
  ['probe_results', 'id'],
  ['reports', 'id'],
  ['report_buckets', null],
  ['report_claims', null],
];

/**
 * Copies a seeded SQLite database into a migrated, empty PostgreSQL one in multi-row batches (seeding PostgreSQL row
 * by row through the store would take minutes), so both engines serve the same data.
 */
export async function copyToPostgres(sqlitePath: string, url: string): Promise<void> {
  const source = new Database(sqlitePath, { readonly: true });
  const target = await openStore({ databaseUrl: url, databasePath: '' });
  const db = target.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  try {
    for (const [table, identity] of TABLES) {
      const rows = source.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      for (let i = 0; i < rows.length; i += 1000)
        await db
          .insertInto(table)
          .values(rows.slice(i, i + 1000))
          .execute();
      if (identity && rows.length > 0)
        await sql`SELECT setval(pg_get_serial_sequence(${table}, ${identity}),
          (SELECT MAX(id) FROM ${sql.table(table)}))`.execute(db);
    }
  } finally {
    source.close();
    await target.close();
  }
}

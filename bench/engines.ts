// The engines a benchmark runs on, side by side: SQLite (a temp file) and PostgreSQL (a fresh database on the server
// at BENCH_DATABASE_URL or TEST_DATABASE_URL, else a throwaway server started for the run).
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

// Before any test: the PostgreSQL server the store tests run against — TEST_DATABASE_URL when set (CI starts one),
// else a throwaway one started here and stopped after the run.
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './helpers/postgres.ts';

let server: PostgresServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    server = await startPostgres();
    url = server.url;
  }
  project.provide('postgresUrl', url);
}

export function teardown(): void {
  server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

// Test harness: a fresh temp database, the real (or a given) catalog, a settable clock, and the built app. The app
// does not shed load on event-loop delay (a busy test machine is no overload); the test of shedding turns it on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.ts';
import type { Catalog } from '../../src/catalog/load.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import type { Engine } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { realCatalog } from './catalog.ts';
import { testDatabase } from './engines.ts';

export { catalogWith, realCatalog } from './catalog.ts';

export const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

export type Harness = {
  app: FastifyInstance;
  store: Store;
  catalog: Catalog;
  config: Config;
  clock: { now: number };
  dir: string;
  close(): Promise<void>;
};

/** Settings every test app starts from; a test's own `env` overrides them. */
export const TEST_ENV: Readonly<Record<string, string>> = { MAX_EVENT_LOOP_DELAY_MS: '0' };

export async function createHarness(
  options: {
    env?: Record<string, string>;
    catalog?: Catalog;
    now?: number;
    logger?: AppDeps['logger'];
    healthy?: AppDeps['healthy'];
    /** The engine the app runs on (SQLite unless a test asks for PostgreSQL). */
    engine?: Engine;
    jobRole?: AppDeps['jobRole'];
    readiness?: AppDeps['readiness'];
    metrics?: AppDeps['metrics'];
    testSender?: AppDeps['testSender'];
    cache?: AppDeps['cache'];
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'status-test-'));
  const database = options.engine === 'postgres' ? await testDatabase('postgres') : null;
  const config = parseConfig({
    ...TEST_ENV,
    DATABASE_PATH: join(dir, 'status.db'),
    ...(database
      ? { DATABASE_URL: database.target.databaseUrl!, SECRET: 'test-secret-of-at-least-32-characters!' }
      : {}),
    ...options.env,
  });
  const catalog = options.catalog ?? realCatalog();
  const store = await openStore(config);
  const clock = { now: options.now ?? T0 };
  await store.providers.sync(catalog.providers, clock.now);
  const app = await buildApp({
    config,
    catalog,
    store,
    now: () => clock.now,
    logger: options.logger,
    ...(options.healthy ? { healthy: options.healthy } : {}),
    ...(options.jobRole ? { jobRole: options.jobRole } : {}),
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.testSender ? { testSender: options.testSender } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  });
  await app.ready();
  return {
    app,
    store,
    catalog,
    config,
    clock,
    dir,
    async close() {
      await app.close();
      await store.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The visible text of an HTML document, tags removed and whitespace collapsed, for content assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

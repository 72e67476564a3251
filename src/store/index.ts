// The store: one database (SQLite or PostgreSQL) and its per-aggregate modules, opened together.
import { sql } from './kysely.ts';
import { createChangeFeed, type ChangeFeed } from './change-feed.ts';
import { createChecksStore } from './checks.ts';
import { createDeliveriesStore } from './deliveries.ts';
import { createEventsStore } from './events.ts';
import { createComponentsStore } from './components.ts';
import { openEngine, type DatabaseHandle, type Db, type Engine } from './db.ts';
import { createIncidentsStore } from './incidents.ts';
import { createNodeChecksStore } from './node-checks.ts';
import { createPostgresJobLock, soleJobLock, type JobLock } from './job-lock.ts';
import { createProbesStore } from './probes.ts';
import { createProvidersStore } from './providers.ts';
import { createRateLimitsStore } from './rate-limits.ts';
import { createReportsStore } from './reports.ts';
import { createRollupsStore } from './rollups.ts';
import { createSubscriptionsStore } from './subscriptions.ts';
import { sharedFileVersions } from './shared-file.ts';
import { createDataVersions, deferredVersions, type DataVersions } from './versions.ts';

/** The per-aggregate modules over one executor (the database, or a transaction). */
function modules(db: Db, versions: DataVersions, engine: Engine) {
  return {
    providers: createProvidersStore(db, versions),
    components: createComponentsStore(db, versions),
    incidents: createIncidentsStore(db, versions),
    checks: createChecksStore(db, versions),
    probes: createProbesStore(db, versions, engine),
    reports: createReportsStore(db, versions, engine),
    rateLimits: createRateLimitsStore(db),
    rollups: createRollupsStore(db),
    events: createEventsStore(db, engine),
    subscriptions: createSubscriptionsStore(db, engine),
    deliveries: createDeliveriesStore(db, engine),
    nodeChecks: createNodeChecksStore(db),
  };
}
export type StoreModules = ReturnType<typeof modules>;

/** `sharedFile`: another process writes the same SQLite file (ROLE=web beside ROLE=jobs): watch its commits. */
export type StoreOptions = { sharedFile?: boolean };

export function createStore(handle: DatabaseHandle, options: StoreOptions = {}) {
  const { db, engine } = handle;
  let feed: ChangeFeed | null = null;
  const own = createDataVersions((slug) => feed?.announce(slug));
  const raw = handle.sqlite;
  const versions =
    options.sharedFile && raw
      ? sharedFileVersions(own, () => raw.pragma('data_version', { simple: true }) as number)
      : own;
  if (handle.postgres) feed = createChangeFeed({ db, settings: handle.postgres, versions });
  const postgres = handle.postgres;
  return {
    engine,
    db,
    /** The raw SQLite handle (checkpoints); null on PostgreSQL. */
    sqlite: handle.sqlite,
    versions,
    ...modules(db, versions, engine),
    /** Runs `work` over modules bound to one transaction; data versions move only once it commits. */
    async transaction<T>(work: (tx: StoreModules) => Promise<T>): Promise<T> {
      const held = deferredVersions(versions);
      const result = await db.transaction().execute((trx) => work(modules(trx, held, engine)));
      held.flush();
      return result;
    },
    /** Whether the database answers a trivial query. */
    async ping(): Promise<boolean> {
      try {
        const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(db);
        return rows[0]?.ok === 1;
      } catch {
        return false;
      }
    },
    /** Settles when the change feed has made its first attempt to listen (at once on SQLite). */
    started: feed?.started ?? Promise.resolve(),
    /** Whether this node hears other nodes' changes (always true on SQLite: another process's are watched). */
    get hearsChanges(): boolean {
      return feed === null || feed.listening;
    },
    /** A new lock electing the node that runs the jobs (a dedicated connection on PostgreSQL). */
    jobLock(): JobLock {
      return postgres ? createPostgresJobLock(postgres) : soleJobLock();
    },
    async close(): Promise<void> {
      await feed?.close();
      await handle.close();
    },
  };
}
export type Store = ReturnType<typeof createStore>;

/** Opens (and migrates) the database the target names — a SQLite file path, or PostgreSQL when a URL is given. */
export async function openStore(
  target: string | { databaseUrl: string | null; databasePath: string },
  options: StoreOptions = {},
): Promise<Store> {
  const where = typeof target === 'string' ? { databaseUrl: null, databasePath: target } : target;
  const store = createStore(await openEngine(where), options);
  await store.started;
  return store;
}

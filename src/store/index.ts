// The store: one database connection and its per-aggregate modules, opened together.
import { openDatabase, type Db } from './db.ts';
import { createChecksStore } from './checks.ts';
import { createComponentsStore } from './components.ts';
import { createIncidentsStore } from './incidents.ts';
import { createProbesStore } from './probes.ts';
import { createProvidersStore } from './providers.ts';
import { createReportsStore } from './reports.ts';
import { createDataVersions } from './versions.ts';

export function createStore(db: Db) {
  const versions = createDataVersions();
  return {
    db,
    versions,
    providers: createProvidersStore(db, versions),
    components: createComponentsStore(db, versions),
    incidents: createIncidentsStore(db, versions),
    checks: createChecksStore(db, versions),
    probes: createProbesStore(db, versions),
    reports: createReportsStore(db, versions),
    close(): void {
      if (!db.open) return;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('optimize');
      db.close();
    },
  };
}
export type Store = ReturnType<typeof createStore>;

/** Opens the database file at `path` (migrating it) and builds the store over it. */
export function openStore(path: string): Store {
  return createStore(openDatabase(path));
}

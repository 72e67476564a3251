// The store: pragmas, forward-only migrations, and idempotent seeding that hides dropped providers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from '../../src/store/kysely.ts';
import { inject } from 'vitest';
import {
  BUSY_TIMEOUT_MS,
  SQLITE_CACHE_KIB,
  migrate,
  migratePostgres,
  openDatabase,
  openPostgres,
  type DatabaseHandle,
} from '../../src/store/db.ts';
import { openStore } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { ENGINES, testDatabase, type TestDatabase } from '../helpers/engines.ts';
import { freshSchema } from '../helpers/postgres.ts';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'store-')), 'status.db');

describe('openDatabase', () => {
  it('creates a WAL database with a busy timeout, foreign keys, a bounded page cache and the latest schema', () => {
    const db = openDatabase(tempDb());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'providers',
        'components',
        'component_changes',
        'incidents',
        'incident_updates',
        'source_checks',
        'probe_results',
        'reports',
        'report_buckets',
      ]),
    );
    db.close();
  });

  it('applies only the migrations above user_version, each once', () => {
    const path = tempDb();
    const steps = ['CREATE TABLE a (x INTEGER)', 'CREATE TABLE b (y INTEGER)'];
    const db = new Database(path);
    migrate(db, steps.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    migrate(db, steps);
    migrate(db, steps);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(() => migrate(db, steps.slice(0, 1))).toThrow("its schema version 2 is newer than this program's (1)");
  });

  it('rolls a failing migration back entirely', () => {
    const db = new Database(tempDb());
    expect(() => migrate(db, ['CREATE TABLE ok (x INTEGER); CREATE TABLE broken ('])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ok'").pluck().get()).toBe(0);
  });
});

describe('migratePostgres', () => {
  const steps = [
    { sqlite: '', postgres: 'CREATE TABLE a (x INTEGER)' },
    { sqlite: '', postgres: 'CREATE TABLE b (y INTEGER)' },
  ];
  let schema: { url: string; drop(): Promise<void> };
  let handle: DatabaseHandle;
  const version = async () =>
    (await sql<{ version: number }>`SELECT version FROM schema_version`.execute(handle.db)).rows[0]?.version;
  beforeEach(async () => {
    schema = await freshSchema(inject('postgresUrl'));
    handle = await openPostgres(schema.url, []);
  });
  afterEach(async () => {
    await handle.close();
    await schema.drop();
  });

  it('applies only the steps above the recorded version, each once, and refuses a newer schema', async () => {
    await migratePostgres(handle.db, steps.slice(0, 1));
    expect(await version()).toBe(1);
    await migratePostgres(handle.db, steps);
    await migratePostgres(handle.db, steps);
    expect(await version()).toBe(2);
    await expect(migratePostgres(handle.db, steps.slice(0, 1))).rejects.toThrow(
      'database schema version 2 is newer than this program (1)',
    );
  });

  it('rolls a failing step back entirely', async () => {
    await expect(
      migratePostgres(handle.db, [...steps, { sqlite: '', postgres: 'CREATE TABLE c (z INTEGER); CREATE TABLE (' }]),
    ).rejects.toThrow();
    expect(await version()).toBe(0);
    const { rows } = await sql`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`.execute(handle.db);
    expect(rows).toHaveLength(0);
  });

  it('migrates once when several nodes start together', async () => {
    const nodes = await Promise.all([1, 2, 3].map(() => openPostgres(schema.url)));
    expect(await version()).toBe(MIGRATIONS.length);
    const { rows } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() ORDER BY table_name`.execute(handle.db);
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['providers', 'components', 'incidents', 'reports', 'report_buckets', 'rate_limits']),
    );
    await Promise.all(nodes.map((node) => node.close()));
  });
});

describe.each(ENGINES)('providers.sync on %s', (engine) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await testDatabase(engine);
  });
  afterEach(() => database.drop());

  it('seeds idempotently: the same catalog twice gives the same rows', async () => {
    const catalog = [
      { slug: 'a', name: 'A' },
      { slug: 'b', name: 'B' },
    ];
    let store = await openStore(database.target);
    await store.providers.sync(catalog, 1000);
    await store.close();
    store = await openStore(database.target);
    await store.providers.sync(catalog, 2000);
    expect(await store.providers.list()).toEqual([
      { slug: 'a', name: 'A', position: 0, hidden: false, addedAt: 1000 },
      { slug: 'b', name: 'B', position: 1, hidden: false, addedAt: 1000 },
    ]);
    await store.close();
  });

  it('hides a provider dropped from the catalog and keeps its history; it returns when listed again', async () => {
    const store = await openStore(database.target);
    await store.providers.sync(
      [
        { slug: 'a', name: 'A' },
        { slug: 'gone', name: 'Gone' },
      ],
      1000,
    );
    await store.probes.record('gone', {
      at: 1000,
      outcome: 'rejected_as_expected',
      httpStatus: 401,
      latencyMs: 80,
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      ttfbMs: null,
      detail: null,
    });
    await store.providers.sync([{ slug: 'a', name: 'A renamed' }], 2000);
    expect(await store.providers.list()).toEqual([
      { slug: 'a', name: 'A renamed', position: 0, hidden: false, addedAt: 1000 },
      { slug: 'gone', name: 'Gone', position: 1, hidden: true, addedAt: 1000 },
    ]);
    expect(await store.probes.since('gone', 0)).toHaveLength(1);
    await store.providers.sync(
      [
        { slug: 'a', name: 'A' },
        { slug: 'gone', name: 'Gone' },
      ],
      3000,
    );
    expect((await store.providers.list()).find((p) => p.slug === 'gone')!.hidden).toBe(false);
    await store.close();
  });

  it('bumps the data version of every synced provider', async () => {
    const store = await openStore(database.target);
    const before = store.versions.of('a');
    await store.providers.sync([{ slug: 'a', name: 'A' }], 1000);
    expect(store.versions.of('a')).toBeGreaterThan(before);
    await store.close();
  });
});

describe('migration 4: honest component times', () => {
  it('marks a component first seen unless its level changed after its first sighting', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      MIGRATIONS.slice(0, 3).map((m) => m.sqlite),
    );
    db.prepare(
      "INSERT INTO providers (slug, name, position, added_at, updated_at) VALUES ('acme', 'Acme', 0, 0, 0)",
    ).run();
    const add = db.prepare(
      `INSERT INTO components (id, provider_slug, source_key, name, level, changed_at, seen_at)
       VALUES (?, 'acme', ?, ?, ?, ?, 500)`,
    );
    add.run(1, 'a', 'API', 'operational', 100);
    add.run(2, 'b', 'Console', 'degraded', 300);
    const change = db.prepare('INSERT INTO component_changes (component_id, level, at) VALUES (?, ?, ?)');
    change.run(1, 'operational', 100);
    change.run(2, 'operational', 100);
    change.run(2, 'degraded', 300);
    migrate(
      db,
      MIGRATIONS.map((m) => m.sqlite),
    );
    const rows = db.prepare(
      'SELECT id, first_seen AS firstSeen, pending_since AS pendingSince FROM components ORDER BY id',
    );
    expect(rows.all()).toEqual([
      { id: 1, firstSeen: 1, pendingSince: null },
      { id: 2, firstSeen: 0, pendingSince: null },
    ]);
    db.close();
  });
});

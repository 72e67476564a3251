// Migrations written once: on both engines, a database built by the migrations as they were first shipped (each
// engine's SQL by hand, kept in fixtures) and one built by today's have the same tables, columns, keys and indexes.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from '../../src/store/kysely.ts';
import { openDatabase, openPostgres } from '../../src/store/db.ts';
import { MIGRATIONS, type Migration } from '../../src/store/migrations.ts';
import { freshSchema } from '../helpers/postgres.ts';

/** The first 13 migrations exactly as shipped, when each engine's SQL was written by hand. */
const SHIPPED = JSON.parse(
  readFileSync(new URL('../fixtures/migrations-v13.json', import.meta.url), 'utf8'),
) as Migration[];

const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SQLite's schema as its pragmas see it: every table's options, columns, foreign keys and indexes. */
function sqliteSchema(migrations: readonly Migration[], name: string) {
  const db = openDatabase(join(dir, `${name}.db`), migrations);
  const pragma = (text: string) => db.pragma(text) as Record<string, unknown>[];
  const tables = pragma('table_list')
    .filter((t) => t.schema === 'main' && !String(t.name).startsWith('sqlite_'))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const schema = {
    version: db.pragma('user_version', { simple: true }),
    tables: tables.map((t) => ({
      ...t,
      columns: pragma(`table_info(${String(t.name)})`),
      foreignKeys: pragma(`foreign_key_list(${String(t.name)})`),
      indexes: pragma(`index_list(${String(t.name)})`)
        .sort((a, b) => String(a.name).localeCompare(String(b.name)))
        .map((index) => ({ ...index, seq: undefined, columns: pragma(`index_xinfo(${String(index.name)})`) })),
    })),
  };
  db.close();
  return schema;
}

/** PostgreSQL's schema as its catalogs see it: columns, constraints and indexes of the current schema. */
async function postgresSchema(migrations: readonly Migration[]) {
  const scope = await freshSchema(inject('postgresUrl'));
  const handle = await openPostgres(scope.url, migrations);
  try {
    const read = async (query: ReturnType<typeof sql>) => (await query.execute(handle.db)).rows;
    return {
      version: await read(sql`SELECT version FROM schema_version`),
      columns: await read(sql`
        SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, is_identity,
          identity_generation
        FROM information_schema.columns WHERE table_schema = current_schema()
        ORDER BY table_name, ordinal_position`),
      constraints: await read(sql`
        SELECT rel.relname AS table, con.conname AS name, con.contype AS type,
          pg_get_constraintdef(con.oid) AS definition
        FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        WHERE con.connamespace = current_schema()::regnamespace
        ORDER BY rel.relname, con.conname`),
      indexes: await read(sql`
        SELECT tablename, indexname, replace(indexdef, schemaname || '.', '') AS definition
        FROM pg_indexes WHERE schemaname = current_schema() ORDER BY tablename, indexname`),
    };
  } finally {
    await handle.close();
    await scope.drop();
  }
}

describe('migrations written once', () => {
  it('are the shipped migrations, numbered the same', () => {
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(SHIPPED.length);
  });

  it('build on SQLite the schema the shipped migrations built', () => {
    const shipped = sqliteSchema(SHIPPED, 'shipped');
    const written = sqliteSchema(MIGRATIONS.slice(0, SHIPPED.length), 'written');
    expect(shipped.tables.length).toBeGreaterThan(20);
    expect(written).toEqual(shipped);
  });

  it('build on PostgreSQL the schema the shipped migrations built', async () => {
    const shipped = await postgresSchema(SHIPPED);
    const written = await postgresSchema(MIGRATIONS.slice(0, SHIPPED.length));
    expect(shipped.columns.length).toBeGreaterThan(150);
    expect(written).toEqual(shipped);
  });

  it('take a database the shipped migrations built to the latest version on SQLite', () => {
    const path = join(dir, 'upgraded.db');
    openDatabase(path, SHIPPED).close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });
});

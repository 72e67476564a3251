// Migrations written once for both engines: Kysely's schema builder, compiled to each engine's SQL text, plus the few
// real differences (SQLite's STRICT and WITHOUT ROWID tables and rowid keys; PostgreSQL's BIGINT and identities).
import type { ColumnDefinitionBuilder, CreateTableBuilder, Dialect, Expression, SchemaModule } from 'kysely';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from './kysely.ts';

/** The two database engines the store runs on. */
export type Engine = 'sqlite' | 'postgres';

/** One migration's SQL per engine: written by hand (a raw entry) or compiled from `written`. */
export type Migration = { readonly sqlite: string; readonly postgres: string };

type Table = CreateTableBuilder<string, string>;
type Column = ColumnDefinitionBuilder;
/** A statement of a migration: a schema builder, or a `sql` fragment that reads the same on both engines. */
type Statement = { compile(): { sql: string; parameters: readonly unknown[] } };

/** What a migration is written with; the type names are upper case, as SQLite keeps them in the schema. */
export type Ddl = {
  schema: SchemaModule;
  text: Expression<unknown>;
  int: Expression<unknown>;
  /** INTEGER on SQLite, BIGINT on PostgreSQL: epoch milliseconds and references to row ids. */
  big: Expression<unknown>;
  /** A table, STRICT on SQLite; `withoutRowid` too where its primary key is the whole point. */
  table(name: string, options?: { withoutRowid?: boolean }): Table;
  /** A row id: SQLite's INTEGER PRIMARY KEY (the rowid itself), PostgreSQL's BIGINT identity. */
  id(column: Column): Column;
};

/** A table's primary key over several columns, named as PostgreSQL names an unnamed one (`<table>_pkey`). */
export const primaryKey =
  (...columns: string[]) =>
  (table: Table): Table =>
    table.addPrimaryKeyConstraint(`${nameOf(table)}_pkey`, columns);

/** A unique constraint, named as PostgreSQL names an unnamed one (`<table>_<columns>_key`). */
export const unique =
  (...columns: string[]) =>
  (table: Table): Table =>
    table.addUniqueConstraint(`${nameOf(table)}_${columns.join('_')}_key`, columns);

export const notNull = (column: Column): Column => column.notNull();

const nameOf = (table: Table): string => table.toOperationNode().table.table.identifier.name;

/** A Kysely that only compiles (no connection): one engine's adapter, introspector and SQL compiler. */
const compiling = (parts: Pick<Dialect, 'createAdapter' | 'createIntrospector' | 'createQueryCompiler'>) => () =>
  new Kysely<unknown>({ dialect: { ...parts, createDriver: () => new DummyDriver() } });

const compilers: Record<Engine, () => Kysely<unknown>> = {
  sqlite: compiling({
    createAdapter: () => new SqliteAdapter(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }),
  postgres: compiling({
    createAdapter: () => new PostgresAdapter(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }),
};

function ddlFor(engine: Engine): Ddl {
  const { schema } = compilers[engine]();
  const sqlite = engine === 'sqlite';
  return {
    schema,
    text: sql`TEXT`,
    int: sql`INTEGER`,
    big: sqlite ? sql`INTEGER` : sql`BIGINT`,
    table: (name, options = {}) => {
      const table = schema.createTable(name);
      if (!sqlite) return table;
      return table.modifyEnd(options.withoutRowid ? sql`STRICT, WITHOUT ROWID` : sql`STRICT`);
    },
    id: (column) => (sqlite ? column.primaryKey() : column.generatedByDefaultAsIdentity().primaryKey()),
  };
}

/** Compiles the statements for one engine into one script; values must be literals (a script has no parameters). */
function compile(engine: Engine, build: (d: Ddl) => Statement[]): string {
  const d = ddlFor(engine);
  return build(d)
    .map((statement) => {
      const compiled = statement.compile();
      if (compiled.parameters.length > 0) throw new Error(`a migration statement has parameters: ${compiled.sql}`);
      return `${compiled.sql};\n`;
    })
    .join('');
}

/**
 * A migration written once: `build` returns its statements; each engine's text is compiled when first needed (a
 * database already at the latest version compiles none).
 */
export function written(build: (d: Ddl) => Statement[]): Migration {
  const texts: Partial<Record<Engine, string>> = {};
  return {
    get sqlite() {
      return (texts.sqlite ??= compile('sqlite', build));
    },
    get postgres() {
      return (texts.postgres ??= compile('postgres', build));
    },
  };
}

/** A data statement that reads the same on both engines. */
export const same = (text: string): Statement => ({ compile: () => ({ sql: text, parameters: [] }) });

// Kysely's values, from one place (the lint rule sends every import of them here).
export {
  sql,
  Kysely,
  SqliteDialect,
  PostgresDialect,
  DummyDriver,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';

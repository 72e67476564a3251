// Kysely, loaded as CommonJS: Node's ESM loader keeps a record per module, and Kysely's ESM build is some 280 of
// them; its CommonJS build gives the same API for about 7 MB and 50 ms less at start-up. Import Kysely's values
// from here (types may come from 'kysely' itself): both builds in one process would cost more than either.
import { createRequire } from 'node:module';
import type * as K from 'kysely';

const kysely = createRequire(import.meta.url)('kysely') as typeof K;

export const {
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
} = kysely;
export type Kysely<DB> = K.Kysely<DB>;

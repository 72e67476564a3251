// Values every node must share (the SECRET's check value), kept in the database so a node set up differently can tell.
import { sql } from './kysely.ts';
import type { Db } from './db.ts';

export function createNodeChecksStore(db: Db) {
  return {
    /** Keeps `value` under `name` unless a node stored one first; answers the value the database holds. */
    async claim(name: string, value: string): Promise<string> {
      await sql`INSERT INTO node_checks (name, value) VALUES (${name}, ${value}) ON CONFLICT (name) DO NOTHING`.execute(
        db,
      );
      const { rows } = await sql<{ value: string }>`SELECT value FROM node_checks WHERE name = ${name}`.execute(db);
      return rows[0]!.value;
    },
  };
}
export type NodeChecksStore = ReturnType<typeof createNodeChecksStore>;

// Values every node must share (the SECRET's check value), kept in the database so a node set up differently can tell.
import type { Db } from './db.ts';

export function createNodeChecksStore(db: Db) {
  return {
    /** Keeps `value` under `name` unless a node stored one first; answers the value the database holds. */
    async claim(name: string, value: string): Promise<string> {
      await db
        .insertInto('node_checks')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const held = await db
        .selectFrom('node_checks')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return held.value;
    },
  };
}
export type NodeChecksStore = ReturnType<typeof createNodeChecksStore>;

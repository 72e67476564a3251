// Leadership over a real PostgreSQL job lock: one node runs the schedules; when it loses its connection it stops them
// at its next check and another node starts them; a closed leader hands over at once. SQLite always leads.
import { sql } from '../../src/store/kysely.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLeadership, leaderCheckMs, type Leadership } from '../../src/jobs/leader.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { openTestStore, testDatabase, type TestDatabase } from '../helpers/engines.ts';

const CHECK_MS = 100;
const quiet = { info: () => {}, warn: () => {} };

/** A node's schedules as a log of what ran when: "start" and "close" per schedule set. */
function node(store: Store, name: string, events: string[]): Leadership {
  return createLeadership({
    lock: store.jobLock(),
    schedules: () => [
      { start: () => void events.push(`${name} start`), close: () => void events.push(`${name} stop`) },
    ],
    checkMs: CHECK_MS,
    log: quiet,
  });
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('leadership on PostgreSQL', () => {
  let database: TestDatabase;
  let stores: Store[];
  beforeEach(async () => {
    database = await testDatabase('postgres');
    stores = await Promise.all([1, 2, 3].map(() => openStore(database.target)));
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await database.drop();
  });

  it('runs the schedules on exactly one node, and on another soon after the leader loses its connection', async () => {
    const events: string[] = [];
    const nodes = stores.map((store, i) => node(store, `n${i}`, events));
    for (const n of nodes) n.start();
    await eventually(() => nodes.some((n) => n.isLeader()));
    await new Promise((resolve) => setTimeout(resolve, 3 * CHECK_MS));
    expect(nodes.filter((n) => n.isLeader())).toHaveLength(1);
    const leader = nodes.findIndex((n) => n.isLeader());
    expect(events).toEqual([`n${leader} start`]);

    // The server drops the leader's lock connection (its machine vanished from the network).
    await sql`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted`.execute(
      stores[0]!.db,
    );
    await eventually(() => nodes.some((n, i) => i !== leader && n.isLeader()));
    expect(nodes[leader]!.isLeader()).toBe(false);
    expect(nodes.filter((n) => n.isLeader())).toHaveLength(1);
    const next = nodes.findIndex((n) => n.isLeader());
    // The old leader stopped before (or without) anyone else starting: never two running at once.
    expect(events).toEqual([`n${leader} start`, `n${leader} stop`, `n${next} start`]);
    await Promise.all(nodes.map((n) => n.close()));
  });

  it('hands over at once when the leader shuts down', async () => {
    const events: string[] = [];
    const [first, second] = [node(stores[0]!, 'a', events), node(stores[1]!, 'b', events)];
    first.start();
    await eventually(() => first.isLeader());
    second.start();
    await new Promise((resolve) => setTimeout(resolve, 2 * CHECK_MS));
    expect(second.isLeader()).toBe(false);
    await first.close();
    await eventually(() => second.isLeader(), 3 * CHECK_MS);
    expect(events).toEqual(['a start', 'a stop', 'b start']);
    await second.close();
  });
});

describe('leadership on SQLite', () => {
  it('always leads: one process owns the file', async () => {
    const store = await openTestStore('sqlite');
    const events: string[] = [];
    const only = node(store, 'only', events);
    only.start();
    await eventually(() => only.isLeader());
    await only.close();
    expect(events).toEqual(['only start', 'only stop']);
    await store.dispose();
  });
});

describe('leaderCheckMs', () => {
  it('checks at least four times per poll interval, between 250 ms and 5 s', () => {
    expect(leaderCheckMs(60_000)).toBe(5000);
    expect(leaderCheckMs(4000)).toBe(1000);
    expect(leaderCheckMs(100)).toBe(250);
  });
});

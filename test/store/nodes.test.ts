// What nodes share through the database: rate-limit windows (both engines), and on PostgreSQL the job lock (one
// holder, released when its connection dies) and the change feed (a write on one node reaches another's versions).
import { sql } from '../../src/store/kysely.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { ENGINES, openTestStore, testDatabase, type TestDatabase } from '../helpers/engines.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const WINDOW = 600_000;

/** Resolves once `check` holds, polling every 20 ms; fails after `timeoutMs`. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe.each(ENGINES)('rate-limit windows on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeEach(async () => {
    store = await openTestStore(engine);
  });
  afterEach(() => store.dispose());

  it('counts hits per key in a fixed window and starts a new one when it ends', async () => {
    expect(await store.rateLimits.hit('a', WINDOW, T0)).toEqual({ count: 1, resetAt: T0 + WINDOW });
    expect(await store.rateLimits.hit('a', WINDOW, T0 + 1000)).toEqual({ count: 2, resetAt: T0 + WINDOW });
    expect(await store.rateLimits.hit('b', WINDOW, T0 + 1000)).toEqual({ count: 1, resetAt: T0 + 1000 + WINDOW });
    expect(await store.rateLimits.hit('a', WINDOW, T0 + WINDOW)).toEqual({ count: 1, resetAt: T0 + 2 * WINDOW });
  });

  it('counts every one of many concurrent hits exactly once', async () => {
    const hits = await Promise.all(Array.from({ length: 40 }, () => store.rateLimits.hit('c', WINDOW, T0)));
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('prunes windows that ended', async () => {
    await store.rateLimits.hit('old', WINDOW, T0);
    await store.rateLimits.hit('new', WINDOW, T0 + WINDOW);
    expect(await store.rateLimits.prune(T0 + WINDOW)).toBe(1);
    expect(await store.rateLimits.hit('new', WINDOW, T0 + WINDOW + 1)).toMatchObject({ count: 2 });
  });
});

describe('two nodes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    database = await testDatabase('postgres');
    [a, b] = await Promise.all([openStore(database.target), openStore(database.target)]);
    await a.providers.sync([{ slug: 'acme', name: 'Acme' }], T0);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await database.drop();
  });

  it('tells the other node of a write within a second, through its data versions', async () => {
    await eventually(() => b.versions.of('acme') > 0);
    const before = { acme: b.versions.of('acme'), other: b.versions.of('other'), global: b.versions.global() };
    await a.reports.add({
      providerSlug: 'acme',
      category: 'auth',
      httpStatus: null,
      model: null,
      sdk: null,
      region: null,
      clientHash: 'x',
      counted: true,
      ignoredReason: null,
      at: T0,
    });
    const tookMs = await eventually(() => b.versions.of('acme') > before.acme);
    expect(tookMs).toBeLessThan(1000);
    expect(b.versions.global()).toBeGreaterThan(before.global);
    expect(b.versions.of('other')).toBe(before.other);
    expect(b.hearsChanges).toBe(true);
  });

  it('deduplicates one client across nodes, even when both submit at the same moment', async () => {
    const submission = {
      providerSlug: 'acme',
      category: 'auth' as const,
      httpStatus: 401,
      model: null,
      sdk: null,
      region: null,
      clientHashes: ['client'] as [string],
      allocationHash: 'allocation',
      ignoredReason: null,
      at: T0,
      dedupeMs: WINDOW,
    };
    const counted = await Promise.all([
      ...Array.from({ length: 5 }, () => a.reports.submit(submission)),
      ...Array.from({ length: 5 }, () => b.reports.submit(submission)),
    ]);
    expect(counted.filter(Boolean)).toHaveLength(1);
    expect((await b.reports.buckets('acme', T0))[0]).toMatchObject({ count: 1 });
  });

  it('lets one node hold the job lock; another takes it once the holder lets go or its connection dies', async () => {
    const first = a.jobLock();
    const second = b.jobLock();
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    expect(await first.holds()).toBe(true);
    await first.release();
    expect(await second.acquire()).toBe(true);
    // The holder's connection killed by the server, as when its machine dies: the lock is free at once.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted`.execute(a.db);
    expect(await second.holds()).toBe(false);
    const third = a.jobLock();
    expect(await third.acquire()).toBe(true);
    await Promise.all([second.release(), third.release()]);
  });
});

// The reports store on both engines (a real SQLite file, a real PostgreSQL server): counting, deduplication per client,
// provider and category, ignored reports,
// 15-minute buckets, data versions, and pruning of raw rows past retention.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PRUNE_REPORTS_INTERVAL_MS,
  REPORT_BUCKET_RETENTION_MS,
  REPORT_RETENTION_MS,
  pruneReports,
  reportPruneTask,
} from '../../src/jobs/prune-reports.ts';
import { COMMUNITY_BASELINE_DAYS, COMMUNITY_DEDUPE_MS, summariseCommunity } from '../../src/status/community.ts';
import { openDatabase } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { ENGINES, openTestStore, rows } from '../helpers/engines.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import type { Submission } from '../../src/store/reports.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

const submission = (over: Partial<Submission> = {}): Submission => ({
  providerSlug: 'openai',
  category: 'auth',
  httpStatus: 401,
  model: 'gpt-4o',
  sdk: 'python',
  region: 'europe',
  clientHashes: ['client-a'],
  allocationHash: 'allocation-a',
  ignoredReason: null,
  at: T0,
  dedupeMs: COMMUNITY_DEDUPE_MS,
  ...over,
});

type Stored = {
  provider: string;
  category: string;
  client: string;
  counted: number;
  reason: string | null;
  at: number;
};
describe.each(ENGINES)('reports store on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeEach(async () => {
    store = await openTestStore(engine);
    await store.providers.sync(
      [
        { slug: 'openai', name: 'OpenAI' },
        { slug: 'anthropic', name: 'Anthropic' },
      ],
      T0,
    );
  });
  afterEach(() => store.dispose());

  const stored = () =>
    rows<Stored>(
      store,
      `SELECT provider_slug AS provider, category, client_hash AS client, counted, ignored_reason AS reason, at
       FROM reports ORDER BY id`,
    );
  const total = async (slug = 'openai') => (await store.reports.buckets(slug, 0)).reduce((sum, b) => sum + b.count, 0);

  it('counts a client once per provider and category within the window, and again after it', async () => {
    expect(await store.reports.submit(submission())).toBe(true);
    expect(await store.reports.submit(submission({ at: T0 + 10 * MINUTE_MS }))).toBe(false);
    expect(await store.reports.submit(submission({ at: T0 + COMMUNITY_DEDUPE_MS - 1 }))).toBe(false);
    expect(await store.reports.submit(submission({ category: 'timeout', at: T0 + MINUTE_MS }))).toBe(true);
    expect(await store.reports.submit(submission({ providerSlug: 'anthropic', at: T0 + MINUTE_MS }))).toBe(true);
    expect(await store.reports.submit(submission({ clientHashes: ['client-b'], at: T0 + MINUTE_MS }))).toBe(true);
    expect(await store.reports.submit(submission({ at: T0 + COMMUNITY_DEDUPE_MS }))).toBe(true);
    expect((await stored()).map((r) => [r.counted, r.reason])).toEqual([
      [1, null],
      [0, 'duplicate'],
      [0, 'duplicate'],
      [1, null],
      [1, null],
      [1, null],
      [1, null],
    ]);
    expect(await total('openai')).toBe(4);
    expect(await total('anthropic')).toBe(1);
  });

  it('takes a surge of submissions at once: each stored once, one that cannot be stored fails alone', async () => {
    const clients = Array.from({ length: 40 }, (_, i) => `surge-${i}`);
    const results = await Promise.allSettled([
      ...clients.map((client, i) => store.reports.submit(submission({ clientHashes: [client], at: T0 + i }))),
      // The same client again: one of its two reports is a duplicate.
      store.reports.submit(submission({ clientHashes: ['surge-0'], at: T0 + 100 })),
      // A provider the store does not know: refused by the database, on its own.
      store.reports.submit(submission({ providerSlug: 'nobody', clientHashes: ['surge-x'], at: T0 + 101 })),
      store.reports.submit(submission({ clientHashes: ['surge-last'], at: T0 + 102 })),
    ]);
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'));
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(1);
    expect(outcomes[clients.length + 1]).toBe('failed');
    expect(outcomes.filter((o) => o === true)).toHaveLength(clients.length + 1);
    const kept = await stored();
    expect(kept.map((r) => r.client).sort()).toEqual([...clients, 'surge-0', 'surge-last'].sort());
    expect(kept.filter((r) => r.client === 'surge-0').map((r) => r.reason)).toEqual(
      expect.arrayContaining([null, 'duplicate']),
    );
    expect(await total()).toBe(clients.length + 1);
    // One SQLite file takes them in the order they came (PostgreSQL's connections run side by side).
    if (engine === 'sqlite') {
      expect(outcomes).toEqual([...clients.map(() => true), false, 'failed', true]);
      expect(kept.map((r) => r.client)).toEqual([...clients, 'surge-0', 'surge-last']);
    }
  });

  it('deduplicates across a salt rotation through the previous hash, and stores the current one', async () => {
    expect(await store.reports.submit(submission({ clientHashes: ['yesterday'] }))).toBe(true);
    expect(
      await store.reports.submit(submission({ clientHashes: ['today', 'yesterday'], at: T0 + 5 * MINUTE_MS })),
    ).toBe(false);
    expect((await stored()).at(-1)!.client).toBe('today');
  });

  it('stores honeypot and too-fast reports uncounted, without bumping counts or versions', async () => {
    const before = store.versions.of('openai');
    expect(await store.reports.submit(submission({ ignoredReason: 'honeypot' }))).toBe(false);
    expect(await store.reports.submit(submission({ ignoredReason: 'too_fast' }))).toBe(false);
    expect(store.versions.of('openai')).toBe(before);
    expect(await total()).toBe(0);
    // Ignored reports do not use up the client's counted report.
    expect(await store.reports.submit(submission({ at: T0 + MINUTE_MS }))).toBe(true);
    expect(store.versions.of('openai')).toBeGreaterThan(before);
    expect((await stored()).map((r) => r.reason)).toEqual(['honeypot', 'too_fast', null]);
  });

  it('buckets counted reports by 15 minutes and category', async () => {
    const at = (minutes: number) => T0 + minutes * MINUTE_MS;
    for (const [client, minutes, category] of [
      ['a', 0, 'auth'],
      ['b', 14, 'auth'],
      ['c', 15, 'auth'],
      ['d', 16, 'timeout'],
    ] as const) {
      await store.reports.submit(submission({ clientHashes: [client], at: at(minutes), category }));
    }
    expect(await store.reports.buckets('openai', at(1))).toEqual([
      { bucketAt: at(0), category: 'auth', count: 2, lastAt: at(14) },
      { bucketAt: at(15), category: 'auth', count: 1, lastAt: at(15) },
      { bucketAt: at(15), category: 'timeout', count: 1, lastAt: at(16) },
    ]);
    // A late-arriving older report does not move the bucket's latest time back.
    await store.reports.add({ ...submission(), clientHash: 'e', counted: true, ignoredReason: null, at: at(3) });
    expect((await store.reports.buckets('openai', at(0)))[0]).toEqual({
      bucketAt: at(0),
      category: 'auth',
      count: 3,
      lastAt: at(14),
    });
    expect(await store.reports.buckets('openai', at(15))).toHaveLength(2);
  });

  it('reads the asked buckets and the one with the latest report up to a time, whichever day it is in', async () => {
    const at = (minutes: number) => T0 + minutes * MINUTE_MS;
    for (const [client, minutes, category] of [
      ['a', -3 * 24 * 60, 'auth'],
      ['b', 0, 'timeout'],
      ['c', 16, 'auth'],
      ['d', 18, 'timeout'],
      ['e', 25, 'rate_limit'],
      ['f', 31, 'auth'],
    ] as const) {
      await store.reports.submit(submission({ clientHashes: [client], at: at(minutes), category }));
    }
    const since = at(-7 * 24 * 60);
    // Nothing asked for: the latest report up to minute 20 is the timeout at 18, in the bucket at 15 that also holds
    // an earlier auth report; the rate_limit report at 25 (same bucket) and the one at 31 are after the time.
    expect(await store.reports.bucketsAtAndLatest('openai', [], since, at(20))).toEqual([
      { bucketAt: at(15), category: 'timeout', count: 1, lastAt: at(18) },
    ]);
    expect(await store.reports.bucketsAtAndLatest('openai', [], since, at(40))).toEqual([
      { bucketAt: at(30), category: 'auth', count: 1, lastAt: at(31) },
    ]);
    // Three days back, the only report before the newer ones.
    expect(await store.reports.bucketsAtAndLatest('openai', [], since, at(-1))).toEqual([
      { bucketAt: at(-3 * 24 * 60), category: 'auth', count: 1, lastAt: at(-3 * 24 * 60) },
    ]);
    expect(await store.reports.bucketsAtAndLatest('openai', [], at(-60), at(-1))).toEqual([]);
    // An asked bucket (every category in it) that already holds the latest report is not repeated.
    const asked = await store.reports.bucketsAtAndLatest('openai', [at(0), at(15)], since, at(20));
    expect(asked.sort((x, y) => x.bucketAt - y.bucketAt || x.category.localeCompare(y.category))).toEqual([
      { bucketAt: at(0), category: 'timeout', count: 1, lastAt: at(0) },
      { bucketAt: at(15), category: 'auth', count: 1, lastAt: at(16) },
      { bucketAt: at(15), category: 'rate_limit', count: 1, lastAt: at(25) },
      { bucketAt: at(15), category: 'timeout', count: 1, lastAt: at(18) },
    ]);
  });

  it.runIf(engine === 'sqlite')(
    'keeps buckets written before exact times were stored, reading their start as the last report',
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'old-')), 'old.db');
      const old = openDatabase(path, MIGRATIONS.slice(0, 1));
      old
        .prepare(
          "INSERT INTO providers (slug, name, position, added_at, updated_at) VALUES ('openai', 'OpenAI', 0, 0, 0)",
        )
        .run();
      old
        .prepare(
          "INSERT INTO report_buckets (provider_slug, category, bucket_at, count) VALUES ('openai', 'auth', ?, 3)",
        )
        .run(T0);
      old.close();
      const migrated = await openStore(path);
      expect(migrated.sqlite!.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const buckets = await migrated.reports.buckets('openai', T0);
      expect(buckets).toEqual([{ bucketAt: T0, category: 'auth', count: 3, lastAt: null }]);
      expect(summariseCommunity(buckets, T0 + MINUTE_MS).lastReportAt).toBe(T0);
      await migrated.close();
    },
  );

  it('prunes raw reports past what the baselines read on every provider, keeping the bucket counts', async () => {
    // Raw rows serve the last day against the baseline days before it; nothing reads them further back.
    expect(REPORT_RETENTION_MS).toBeGreaterThanOrEqual((COMMUNITY_BASELINE_DAYS + 1) * DAY_MS);
    expect(REPORT_RETENTION_MS).toBeLessThanOrEqual(10 * DAY_MS);
    const now = T0 + 100 * DAY_MS;
    await store.reports.submit(submission({ at: now - REPORT_RETENTION_MS - 1 }));
    await store.reports.submit(submission({ providerSlug: 'anthropic', at: now - REPORT_RETENTION_MS - DAY_MS }));
    await store.reports.submit(submission({ clientHashes: ['c'], at: now - REPORT_RETENTION_MS + 1 }));
    await store.reports.submit(submission({ clientHashes: ['b'], at: now - HOUR_MS }));
    expect(await pruneReports(store, now)).toBe(2);
    expect((await stored()).map((r) => r.at)).toEqual([now - REPORT_RETENTION_MS + 1, now - HOUR_MS]);
    expect((await total('openai')) + (await total('anthropic'))).toBe(4);
    expect(await pruneReports(store, now)).toBe(0);
    expect(PRUNE_REPORTS_INTERVAL_MS).toBeLessThanOrEqual(DAY_MS);
  });

  it('keeps bucket counts 90 days, then deletes them', async () => {
    expect(REPORT_BUCKET_RETENTION_MS).toBe(90 * DAY_MS);
    const now = T0 + 500 * DAY_MS;
    await store.reports.submit(submission({ at: now - REPORT_BUCKET_RETENTION_MS - HOUR_MS }));
    await store.reports.submit(submission({ clientHashes: ['b'], at: now - REPORT_BUCKET_RETENTION_MS + HOUR_MS }));
    expect(await total()).toBe(2);
    await pruneReports(store, now);
    expect(await total()).toBe(1);
    expect(await stored()).toEqual([]);
  });

  it('runs as a scheduled task that logs what it removed and survives a failing database', async () => {
    const lines: { level: string; data: object; message: string }[] = [];
    const log = {
      info: (data: object, message: string) => lines.push({ level: 'info', data, message }),
      error: (data: object, message: string) => lines.push({ level: 'error', data, message }),
    };
    await store.reports.submit(submission({ at: T0 }));
    const task = reportPruneTask(store, log, () => T0 + REPORT_RETENTION_MS + 1);
    await task();
    expect(lines).toEqual([{ level: 'info', data: { removed: 1 }, message: 'pruned raw reports past retention' }]);
    await store.close();
    await expect(task()).resolves.toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ level: 'error', message: 'pruning reports failed' });
  });
});

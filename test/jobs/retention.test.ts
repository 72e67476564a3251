// Bounded growth: pruning of probe results and source checks (keeping what pages read), the WAL checkpoint job,
// and the interval job that runs them.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/domain.ts';
import { checkpointTask } from '../../src/jobs/checkpoint.ts';
import { createIntervalJob } from '../../src/jobs/interval.ts';
import { CHECK_RETENTION_MS, PROBE_RETENTION_MS, pruneSignals, signalPruneTask } from '../../src/jobs/prune-signals.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { DAY_MS, HOUR_MS } from '../../src/time.ts';
import { ENGINES, openTestStore, rows } from '../helpers/engines.ts';
import { realCatalog } from '../helpers/catalog.ts';
import { manualClock } from '../helpers/clock.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0);

/** One normal rejection of a probe at `at`. */
const recordProbe = (store: Store, slug: string, at: number) =>
  store.probes.record(slug, {
    at,
    outcome: 'rejected_as_expected',
    httpStatus: 401,
    latencyMs: 120,
    dnsMs: null,
    connectMs: null,
    tlsMs: null,
    ttfbMs: null,
    detail: null,
  });

describe.each(ENGINES)('pruning probe results and source checks on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeEach(async () => {
    store = await openTestStore(engine);
    await store.providers.sync(realCatalog().providers, NOW - 100 * DAY_MS);
  });
  afterEach(() => store.dispose());

  const probe = (slug: string, at: number) => recordProbe(store, slug, at);
  const check = (slug: string, document: string, at: number, outcome: CheckOutcome) =>
    store.checks.record({
      providerSlug: slug,
      document,
      startedAt: at,
      durationMs: 100,
      outcome,
      httpStatus: outcome === 'ok' ? 200 : 503,
      detail: outcome === 'ok' ? null : 'HTTP 503',
    });
  const checkTimes = async (slug: string, document: string) =>
    (
      await rows<{ at: number }>(
        store,
        `SELECT started_at AS at FROM source_checks WHERE provider_slug = '${slug}' AND document = '${document}'
       ORDER BY started_at`,
      )
    ).map((row) => row.at);

  it('deletes probe results older than 30 days on every provider and keeps the rest', async () => {
    await probe('openai', NOW - PROBE_RETENTION_MS - 1);
    await probe('anthropic', NOW - 40 * DAY_MS);
    await probe('openai', NOW - PROBE_RETENTION_MS + 1);
    await probe('openai', NOW - HOUR_MS);
    expect((await pruneSignals(store, NOW)).probes).toBe(2);
    expect((await store.probes.since('openai', 0)).map((row) => row.at)).toEqual([
      NOW - PROBE_RETENTION_MS + 1,
      NOW - HOUR_MS,
    ]);
    expect(await store.probes.since('anthropic', 0)).toEqual([]);
  });

  it('deletes old source checks but never the latest success nor the failure run after it', async () => {
    // main: an old success, an old failure, the latest success 16 days ago, then failing ever since.
    await check('openai', 'main', NOW - 20 * DAY_MS, 'ok');
    await check('openai', 'main', NOW - 19 * DAY_MS, 'timeout');
    await check('openai', 'main', NOW - 16 * DAY_MS, 'ok');
    for (let day = 15; day >= 1; day -= 1) await check('openai', 'main', NOW - day * DAY_MS, 'http');
    // incidents: healthy, with history older than retention.
    await check('openai', 'incidents', NOW - 20 * DAY_MS, 'ok');
    await check('openai', 'incidents', NOW - 15 * DAY_MS, 'not_modified');
    await check('openai', 'incidents', NOW - HOUR_MS, 'ok');
    // anthropic main never succeeded: its whole failure run stays.
    await check('anthropic', 'main', NOW - 30 * DAY_MS, 'dns');
    await check('anthropic', 'main', NOW - HOUR_MS, 'dns');
    const before = {
      main: await store.checks.summary('openai', 'main'),
      incidents: await store.checks.summary('openai', 'incidents'),
      never: await store.checks.summary('anthropic', 'main'),
    };

    expect((await pruneSignals(store, NOW)).checks).toBe(4);
    expect((await checkTimes('openai', 'main'))[0]).toBe(NOW - 16 * DAY_MS);
    expect(await checkTimes('openai', 'main')).toHaveLength(16);
    expect(await checkTimes('openai', 'incidents')).toEqual([NOW - HOUR_MS]);
    expect(await checkTimes('anthropic', 'main')).toEqual([NOW - 30 * DAY_MS, NOW - HOUR_MS]);
    expect({
      main: await store.checks.summary('openai', 'main'),
      incidents: await store.checks.summary('openai', 'incidents'),
      never: await store.checks.summary('anthropic', 'main'),
    }).toEqual(before);
    expect(before.main).toMatchObject({
      lastOkAt: NOW - 16 * DAY_MS,
      failingSince: NOW - 15 * DAY_MS,
      consecutiveFailures: 15,
    });
    expect(CHECK_RETENTION_MS).toBe(14 * DAY_MS);
    expect(await pruneSignals(store, NOW)).toEqual({ probes: 0, checks: 0, rollups: 0 });
  });

  it('runs as a task that logs what it removed and survives a closed database', async () => {
    const lines: string[] = [];
    const log = {
      info: (data: object, message: string) => lines.push(`${message} ${JSON.stringify(data)}`),
      error: (_data: object, message: string) => lines.push(message),
    };
    await probe('openai', NOW - 40 * DAY_MS);
    const task = signalPruneTask(store, log, () => NOW);
    await task();
    await task();
    expect(lines).toEqual([
      'pruned probe results, source checks and rollups past retention {"probes":1,"checks":0,"rollups":0}',
    ]);
    await store.close();
    await task();
    expect(lines.at(-1)).toBe('pruning probe results and source checks failed');
  });
});

describe('the WAL checkpoint job', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'retention-'));
    store = await openStore(join(dir, 'status.db'));
    await store.providers.sync(realCatalog().providers, NOW - 100 * DAY_MS);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const probe = (slug: string, at: number) => recordProbe(store, slug, at);

  it('moves the write-ahead log into the database and truncates the -wal file', async () => {
    for (let i = 0; i < 500; i += 1) await probe('openai', NOW - i * 1000);
    const wal = join(dir, 'status.db-wal');
    expect(statSync(wal).size).toBeGreaterThan(0);
    const lines: object[] = [];
    checkpointTask(store.sqlite!, { debug: (data) => lines.push(data), error: (data) => lines.push(data) })();
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    expect(lines).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    expect(await store.probes.since('openai', 0)).toHaveLength(500);
  });
});

describe('interval jobs', () => {
  it('run their task at start and once per interval until closed', async () => {
    const clock = manualClock(NOW);
    const runs: number[] = [];
    const job = createIntervalJob(() => void runs.push(clock.now()), HOUR_MS, clock);
    job.start();
    job.start();
    expect(runs).toEqual([NOW]);
    await clock.advance(2 * HOUR_MS + 1);
    expect(runs).toEqual([NOW, NOW + HOUR_MS, NOW + 2 * HOUR_MS]);
    await job.close();
    expect(clock.pending()).toBe(0);
    await clock.advance(5 * HOUR_MS);
    expect(runs).toHaveLength(3);
  });
});

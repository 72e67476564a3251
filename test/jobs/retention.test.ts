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
import { realCatalog } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0);
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retention-'));
  store = openStore(join(dir, 'status.db'));
  store.providers.sync(realCatalog().providers, NOW - 100 * DAY_MS);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const probe = (slug: string, at: number) =>
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
const checkTimes = (slug: string, document: string) =>
  (
    store.db
      .prepare(
        'SELECT started_at AS at FROM source_checks WHERE provider_slug = ? AND document = ? ORDER BY started_at',
      )
      .all(slug, document) as { at: number }[]
  ).map((row) => row.at);

describe('pruning probe results and source checks', () => {
  it('deletes probe results older than 30 days on every provider and keeps the rest', () => {
    probe('openai', NOW - PROBE_RETENTION_MS - 1);
    probe('anthropic', NOW - 40 * DAY_MS);
    probe('openai', NOW - PROBE_RETENTION_MS + 1);
    probe('openai', NOW - HOUR_MS);
    expect(pruneSignals(store, NOW).probes).toBe(2);
    expect(store.probes.since('openai', 0).map((row) => row.at)).toEqual([NOW - PROBE_RETENTION_MS + 1, NOW - HOUR_MS]);
    expect(store.probes.since('anthropic', 0)).toEqual([]);
  });

  it('deletes old source checks but never the latest success nor the failure run after it', () => {
    // main: an old success, an old failure, the latest success 16 days ago, then failing ever since.
    check('openai', 'main', NOW - 20 * DAY_MS, 'ok');
    check('openai', 'main', NOW - 19 * DAY_MS, 'timeout');
    check('openai', 'main', NOW - 16 * DAY_MS, 'ok');
    for (let day = 15; day >= 1; day -= 1) check('openai', 'main', NOW - day * DAY_MS, 'http');
    // incidents: healthy, with history older than retention.
    check('openai', 'incidents', NOW - 20 * DAY_MS, 'ok');
    check('openai', 'incidents', NOW - 15 * DAY_MS, 'not_modified');
    check('openai', 'incidents', NOW - HOUR_MS, 'ok');
    // anthropic main never succeeded: its whole failure run stays.
    check('anthropic', 'main', NOW - 30 * DAY_MS, 'dns');
    check('anthropic', 'main', NOW - HOUR_MS, 'dns');
    const before = {
      main: store.checks.summary('openai', 'main'),
      incidents: store.checks.summary('openai', 'incidents'),
      never: store.checks.summary('anthropic', 'main'),
    };

    expect(pruneSignals(store, NOW).checks).toBe(4);
    expect(checkTimes('openai', 'main')[0]).toBe(NOW - 16 * DAY_MS);
    expect(checkTimes('openai', 'main')).toHaveLength(16);
    expect(checkTimes('openai', 'incidents')).toEqual([NOW - HOUR_MS]);
    expect(checkTimes('anthropic', 'main')).toEqual([NOW - 30 * DAY_MS, NOW - HOUR_MS]);
    expect({
      main: store.checks.summary('openai', 'main'),
      incidents: store.checks.summary('openai', 'incidents'),
      never: store.checks.summary('anthropic', 'main'),
    }).toEqual(before);
    expect(before.main).toMatchObject({
      lastOkAt: NOW - 16 * DAY_MS,
      failingSince: NOW - 15 * DAY_MS,
      consecutiveFailures: 15,
    });
    expect(CHECK_RETENTION_MS).toBe(14 * DAY_MS);
    expect(pruneSignals(store, NOW)).toEqual({ probes: 0, checks: 0 });
  });

  it('runs as a task that logs what it removed and survives a closed database', () => {
    const lines: string[] = [];
    const log = {
      info: (data: object, message: string) => lines.push(`${message} ${JSON.stringify(data)}`),
      error: (_data: object, message: string) => lines.push(message),
    };
    probe('openai', NOW - 40 * DAY_MS);
    const task = signalPruneTask(store, log, () => NOW);
    task();
    task();
    expect(lines).toEqual(['pruned probe results and source checks past retention {"probes":1,"checks":0}']);
    store.db.close();
    task();
    expect(lines.at(-1)).toBe('pruning probe results and source checks failed');
  });
});

describe('the WAL checkpoint job', () => {
  it('moves the write-ahead log into the database and truncates the -wal file', () => {
    for (let i = 0; i < 500; i += 1) probe('openai', NOW - i * 1000);
    const wal = join(dir, 'status.db-wal');
    expect(statSync(wal).size).toBeGreaterThan(0);
    const lines: object[] = [];
    checkpointTask(store, { debug: (data) => lines.push(data), error: (data) => lines.push(data) })();
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    expect(lines).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    expect(store.probes.since('openai', 0)).toHaveLength(500);
  });
});

describe('interval jobs', () => {
  it('run their task at start and once per interval until closed', async () => {
    const clock = manualClock(NOW);
    const runs: number[] = [];
    const job = createIntervalJob(() => runs.push(clock.now()), HOUR_MS, clock);
    job.start();
    job.start();
    expect(runs).toEqual([NOW]);
    await clock.advance(2 * HOUR_MS + 1);
    expect(runs).toEqual([NOW, NOW + HOUR_MS, NOW + 2 * HOUR_MS]);
    job.close();
    expect(clock.pending()).toBe(0);
    await clock.advance(5 * HOUR_MS);
    expect(runs).toHaveLength(3);
  });
});

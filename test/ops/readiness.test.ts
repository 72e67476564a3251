// Readiness: /readyz answers 200 while the database file is there and takes a write and the schedules keep running,
// and 503 with the reason in plain words when the file is deleted or replaced, the database is locked or closed, or a
// schedule has not completed a cycle for three intervals; file paths, hosts and driver messages only on the metrics
// port. /healthz (liveness) is not affected by any of it.
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobWatch } from '../../src/ops/job-watch.ts';
import { createMetricsServer } from '../../src/ops/metrics-server.ts';
import {
  APPLICATION_ID,
  createReadiness,
  READINESS_CACHE_MS,
  sqliteWriteCheck,
  WARMING_REASON,
  type ReadinessCheck,
} from '../../src/ops/readiness.ts';
import { createWarmUp } from '../../src/ops/warm-up.ts';
import { createHarness, type Harness } from '../helpers/app.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const readyz = async (harness: Harness) => {
  const res = await harness.app.inject({ url: '/readyz' });
  return { status: res.statusCode, body: res.json<{ status: string; reasons?: string[] }>(), headers: res.headers };
};

describe('/readyz', () => {
  it('says "starting" until the start\'s warm-up has assessed every provider, and not over a real problem', async () => {
    const warmUp = createWarmUp();
    let finish!: () => void;
    warmUp.run(() => new Promise<void>((resolve) => (finish = resolve)));
    await Promise.resolve();
    const check = createReadiness({
      databasePath: null,
      writeCheck: () => {},
      warming: warmUp.pending,
      now: () => Date.now(),
    });
    expect(await check()).toMatchObject({ ready: false, reasons: [WARMING_REASON] });
    finish();
    await warmUp.settled();
    expect(await check()).toMatchObject({ ready: true, reasons: [] });

    const again = createWarmUp();
    again.run(() => new Promise<void>(() => {}));
    const broken = createReadiness({
      databasePath: null,
      writeCheck: () => {
        throw new Error('SQLITE_READONLY');
      },
      warming: again.pending,
      now: () => Date.now(),
    });
    expect((await broken()).reasons).toEqual(['the database cannot be written: the database is read-only']);
  });

  it('is ready with a writable database, and the check really writes it', async () => {
    h = await createHarness();
    const res = await readyz(h);
    expect(res).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(h.store.sqlite!.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
  });

  it('is not ready once the database file is deleted under the running server, while /healthz stays 200', async () => {
    h = await createHarness();
    expect((await readyz(h)).status).toBe(200);
    rmSync(h.config.databasePath);
    const res = await readyz(h);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not ready',
      reasons: ['the database file is gone: writes would be lost'],
      database: 'sqlite',
      jobs: 'off',
    });
    expect(JSON.stringify(res.body)).not.toContain(h.config.databasePath);
    expect((await h.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('is not ready when the database file was replaced by another one', async () => {
    h = await createHarness();
    const path = h.config.databasePath;
    copyFileSync(path, `${path}.copy`);
    renameSync(`${path}.copy`, path);
    const res = await readyz(h);
    expect(res.status).toBe(503);
    expect(res.body.reasons).toEqual([
      'the database file was replaced by another file: writes would go to the old one',
    ]);
  });

  it('is not ready while another connection holds the write lock, and ready again once it lets go', async () => {
    let now = 0;
    h = await createHarness();
    const check = createReadiness({
      databasePath: h.config.databasePath,
      writeCheck: sqliteWriteCheck(h.store.sqlite!),
      now: () => now,
    });
    const other = new Database(h.config.databasePath);
    try {
      other.exec('BEGIN IMMEDIATE');
      expect(await check()).toEqual({
        ready: false,
        reasons: ['the database cannot be written: the database is locked by another writer'],
        details: ['the database cannot be written: database is locked'],
      });
      other.exec('ROLLBACK');
      // The answer is kept for a moment (the check writes), then taken again.
      expect((await check()).ready).toBe(false);
      now += READINESS_CACHE_MS;
      expect(await check()).toEqual({ ready: true, reasons: [], details: [] });
    } finally {
      other.close();
    }
  });

  it('is not ready once the database connection is closed', async () => {
    h = await createHarness();
    h.store.sqlite!.close();
    const res = await readyz(h);
    expect(res.status).toBe(503);
    expect(res.body.reasons).toEqual(['the database cannot be written: the database connection is closed']);
  });

  it('is not ready when a schedule has not completed a cycle for three intervals', async () => {
    let now = Date.UTC(2026, 10, 30, 12, 0, 0);
    const jobs = createJobWatch(() => now);
    const pollBeat = jobs.watch('poll', 60_000);
    const probeBeat = jobs.watch('probe', 180_000);
    let check: ReadinessCheck = async () => ({ ready: false, reasons: ['not built yet'], details: [] });
    h = await createHarness({ readiness: () => check() });
    check = createReadiness({
      databasePath: h.config.databasePath,
      writeCheck: sqliteWriteCheck(h.store.sqlite!),
      jobs,
      now: () => now,
    });
    now += 3 * 60_000;
    expect((await readyz(h)).status).toBe(200);
    now += 1000;
    probeBeat(now);
    const stalled = await readyz(h);
    expect(stalled.status).toBe(503);
    expect(stalled.body.reasons).toEqual([
      'the poll schedule has not completed a cycle for 3 min (it runs every 1 min)',
    ]);
    pollBeat(now);
    expect(await readyz(h)).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});

describe('the metrics port', () => {
  it("answers /readyz with the details the public one leaves out: the database file's path", async () => {
    h = await createHarness();
    const check = createReadiness({
      databasePath: h.config.databasePath,
      writeCheck: sqliteWriteCheck(h.store.sqlite!),
      now: () => 0,
    });
    const server = createMetricsServer({ scrape: async () => ({ contentType: 'text/plain', body: '' }) }, check);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
      expect(await (await fetch(url)).json()).toEqual({ status: 'ready', reasons: [], details: [] });
      rmSync(h.config.databasePath);
      const res = await fetch(url);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'not ready',
        reasons: ['the database file is gone: writes would be lost'],
        details: [`the database file is gone: writes would be lost (${h.config.databasePath})`],
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

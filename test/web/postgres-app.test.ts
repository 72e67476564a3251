// The whole app on PostgreSQL: pages render from it, reports are stored and deduplicated in it, rate limits count in
// it, and readiness checks it with a real write.
import { sql } from '../../src/store/kysely.ts';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/app.ts';
import { recordOfficial } from '../helpers/signals.ts';

let h: Harness;
afterEach(() => h.close());

const report = (category: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/v1/providers/anthropic/reports',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ category }),
  });

describe('the app on PostgreSQL', () => {
  it('serves pages and their JSON from the database', async () => {
    h = await createHarness({ engine: 'postgres' });
    await recordOfficial(h.store, 'anthropic', h.clock.now, { 'Claude API': 'major_outage' });
    expect((await h.app.inject({ url: '/anthropic' })).statusCode).toBe(200);
    const json = (await h.app.inject({ url: '/api/v1/providers/anthropic' })).json<{ level: string }>();
    expect(json.level).toBe('major_outage');
  });

  it('stores reports, counts one per client and category, and limits the client in the database', async () => {
    h = await createHarness({ engine: 'postgres', env: { REPORT_RATE_LIMIT_PER_10_MIN: '3' } });
    expect((await report('auth')).statusCode).toBe(202);
    expect((await report('auth')).statusCode).toBe(202);
    expect((await report('timeout')).statusCode).toBe(202);
    expect((await report('timeout')).statusCode).toBe(429);
    const { rows } = await sql<{ counted: number }>`SELECT counted FROM reports ORDER BY id`.execute(h.store.db);
    expect(rows.map((r) => r.counted)).toEqual([1, 0, 1]);
    const limits = await sql<{ count: number }>`SELECT count FROM rate_limits`.execute(h.store.db);
    expect(limits.rows).toEqual([{ count: 4 }]);
  });

  it('is ready while the database takes a write, and says so with its engine', async () => {
    h = await createHarness({ engine: 'postgres', jobRole: () => 'standby' });
    const res = await h.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: 'postgres', jobs: 'standby' });
  });

  it('is not ready while another connection holds the write lock', async () => {
    h = await createHarness({ engine: 'postgres' });
    const other = new pg.Client({ connectionString: h.config.databaseUrl! });
    await other.connect();
    try {
      await other.query('BEGIN; LOCK TABLE schema_version IN EXCLUSIVE MODE');
      const res = await h.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'not ready',
        reasons: ['the database cannot be written: the database is locked by another writer'],
      });
    } finally {
      await other.end();
    }
  });
});

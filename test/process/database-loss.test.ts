// When PostgreSQL goes away under a running node: /readyz turns 503 and the node stops running the jobs; when it comes
// back, the node is ready again and takes the jobs again, without a restart. A server of its own, so others go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../helpers/postgres.ts';
import { startServer, type ServerProcess } from '../helpers/process.ts';

let postgres: PostgresServer;
let node: ServerProcess;

beforeAll(async () => {
  postgres = await startPostgres();
  node = await startServer({
    DATABASE_URL: postgres.url,
    SECRET: 'a-secret-for-the-database-loss-test-0123',
    POLL_INTERVAL_SECONDS: '2',
  });
}, 60_000);

afterAll(async () => {
  await node?.kill();
  postgres?.stop();
});

type Ready = { status: number; body: { status: string; jobs: string; reasons?: string[] } };
const readyz = async (): Promise<Ready> => {
  const response = await fetch(`${node.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Ready['body'] };
};

async function until(check: (r: Ready) => boolean, timeoutMs: number): Promise<Ready> {
  const started = Date.now();
  for (;;) {
    const r = await readyz();
    if (check(r)) return r;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a node losing its PostgreSQL server', () => {
  it('is unready and stops the jobs while the database is gone, and recovers by itself when it is back', async () => {
    await until((r) => r.status === 200 && r.body.jobs === 'leader', 10_000);

    postgres.halt();
    const lost = await until((r) => r.status === 503, 15_000);
    expect(lost.body.status).toBe('not ready');
    expect(lost.body.reasons?.join(' ')).toMatch(/the database cannot be written/);
    // In words, without the database's host or port: those are for the metrics port.
    expect(JSON.stringify(lost.body)).not.toContain('127.0.0.1');
    expect(JSON.stringify(lost.body)).not.toContain(new URL(postgres.url).port);
    await until((r) => r.body.jobs === 'standby', 10_000);
    // Within one health check (5 s) every page answers a quick 503 with Retry-After, not a hang.
    const started = Date.now();
    let page = await fetch(`${node.url}/anthropic`, { signal: AbortSignal.timeout(8000) });
    while (page.status !== 503 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      page = await fetch(`${node.url}/anthropic`, { signal: AbortSignal.timeout(8000) });
    }
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');

    postgres.resume();
    const back = await until((r) => r.status === 200 && r.body.jobs === 'leader', 20_000);
    expect(back.body).toEqual({ status: 'ready', database: 'postgres', jobs: 'leader' });
    // Pages come back with the next health check.
    const back503 = Date.now();
    let api = await fetch(`${node.url}/api/v1/providers/anthropic`);
    while (api.status !== 200 && Date.now() - back503 < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      api = await fetch(`${node.url}/api/v1/providers/anthropic`);
    }
    expect(api.status).toBe(200);
  }, 90_000);
});

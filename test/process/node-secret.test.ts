// Two nodes on one PostgreSQL with different SECRETs: the first to start keeps serving, the other says in one line
// that its SECRET differs (the database holds another check value) and is never ready, on the public /readyz too.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { secretCheckValue } from '../../src/ops/readiness.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { startServer, type ServerProcess } from '../helpers/process.ts';

const FIRST = 'the-secret-of-the-first-node-0123456789';
const OTHER = 'another-secret-set-by-mistake-0123456789';
let database: { url: string; drop(): Promise<void> };
let first: ServerProcess;
let other: ServerProcess;

beforeAll(async () => {
  database = await freshDatabase(inject('postgresUrl'), 'secret');
  first = await startServer({ DATABASE_URL: database.url, SECRET: FIRST, JOBS: 'false' });
  // The first node has stored its check value once it is ready.
  while ((await fetch(`${first.url}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
  other = await startServer({ DATABASE_URL: database.url, SECRET: OTHER, JOBS: 'false' });
}, 60_000);

afterAll(async () => {
  await Promise.all([first?.kill(), other?.kill()]);
  await database?.drop();
});

const readyz = async (node: ServerProcess) => {
  const res = await fetch(`${node.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; reasons?: string[] } };
};

describe('a node whose SECRET differs from the others', () => {
  it('refuses readiness with one line, while the first node stays ready', async () => {
    const line = await other.waitForLog(/SECRET/);
    expect(line.msg).toBe(
      "Not ready: this node's SECRET differs from the other nodes' (the database holds another check value): " +
        'forms, tokens and signatures would not verify across nodes',
    );
    expect(other.lines.filter((l) => /SECRET/.test(l.msg ?? ''))).toHaveLength(1);
    expect(await readyz(other)).toMatchObject({ status: 503, body: { status: 'not ready' } });
    expect((await readyz(other)).body.reasons).toEqual([line.msg!.replace('Not ready: ', '')]);
    expect(await readyz(first)).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(first.lines.some((l) => /SECRET/.test(l.msg ?? ''))).toBe(false);
  });

  it('stores only a check value, never the SECRET itself', async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name, value FROM node_checks');
      expect(rows).toEqual([{ name: 'secret', value: secretCheckValue(FIRST) }]);
      expect(JSON.stringify(rows)).not.toContain(FIRST);
    } finally {
      await client.end();
    }
  });
});

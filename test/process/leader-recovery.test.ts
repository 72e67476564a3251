// No false recovery across a PostgreSQL leader kill: two real server processes on one database, a green official
// page and a provider API that keeps failing our probes. The leader announces the outage; it is SIGKILLed while the
// other node is paused (a slow takeover), so the probe readings are stale when it takes the jobs over: nothing ever
// announces "operational".
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.ts';
import { startFakeApi, type FakeApi } from '../helpers/probe.ts';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const NORMAL_401 = { status: 401, body: fixture('errors/anthropic-401.json') };
const FAILING = { status: 503, body: '{"type":"error","error":{"type":"overloaded_error","message":"Unavailable"}}' };

let dir: string;
let database: { url: string; drop(): Promise<void> };
let api: FakeApi;
let page: Upstream;
let nodes: (ServerProcess & { name: string })[] = [];
let client: pg.Client;

beforeAll(async () => {
  dir = tempDir();
  database = await freshDatabase(inject('postgresUrl'), 'leaderrecovery');
  api = await startFakeApi(NORMAL_401);
  page = await startUpstream({
    '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic.json')),
    '/api/v2/incidents.json': json({ page: {}, incidents: [] }),
    '/api/v2/scheduled-maintenances.json': json({ page: {}, scheduled_maintenances: [] }),
  });
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string; probe: object }[];
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  const providersFile = join(dir, 'providers.json');
  const probe = { ...anthropic.probe, url: `http://127.0.0.1:${api.port}/v1/messages` };
  writeFileSync(
    providersFile,
    JSON.stringify([{ ...anthropic, statusPage: { format: 'statuspage', url: page.url }, probe }]),
  );
  nodes = await Promise.all(
    ['node-a', 'node-b'].map(async (name) =>
      Object.assign(
        await startServer({
          DATABASE_URL: database.url,
          SECRET: 'one-secret-shared-by-both-nodes-0123456789',
          PROVIDERS_FILE: providersFile,
          ALLOW_PRIVATE_UPSTREAMS: 'true',
          POLL_INTERVAL_SECONDS: '2',
          PROBE_INTERVAL_SECONDS: '1',
          SITE_NAME: name,
        }),
        { name },
      ),
    ),
  );
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
  await Promise.all(nodes.map((node) => node.kill()));
  await api?.close();
  await page?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The API levels announced so far, oldest first. */
const announced = async (): Promise<string[]> => {
  const { rows } = await client.query<{ payload: string }>(
    "SELECT payload FROM events WHERE type = 'level_changed' ORDER BY seq",
  );
  return rows.map((r) => (JSON.parse(r.payload) as { level: string }).level);
};
const roleOf = async (node: ServerProcess) =>
  ((await (await fetch(`${node.url}/readyz`)).json()) as { jobs: string }).jobs;
const levelOn = async (node: ServerProcess) =>
  ((await (await fetch(`${node.url}/api/v1/providers/anthropic`)).json()) as { level: string }).level;

it('announces the outage once and no recovery while the leader dies and the probe readings go stale', async () => {
  // Healthy first, so the outage is a change the recorder announces (its first look announces nothing).
  await until(
    () => levelOn(nodes[0]!),
    (level) => level === 'operational',
    'an operational reading',
  );
  api.set(FAILING);
  await until(announced, (levels) => levels.some((l) => l !== 'operational'), 'the outage to be announced');

  const roles = await Promise.all(nodes.map(roleOf));
  const leader = nodes[roles.indexOf('leader')]!;
  const survivor = nodes.find((n) => n !== leader)!;
  survivor.child.kill('SIGSTOP');
  await leader.kill();
  nodes = [survivor];
  // Nothing probes while the survivor is paused: the last failures age past their freshness (3 intervals).
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  survivor.child.kill('SIGCONT');
  await until(
    () => roleOf(survivor),
    (role) => role === 'leader',
    'the survivor to lead',
  );
  const probesBefore = api.requests.length;
  await until(
    async () => api.requests.length,
    (n) => n >= probesBefore + 10,
    'ten probes from the new leader',
  );

  const levels = await announced();
  // One announcement, the outage's: no "recovered", and no flap through another level either.
  expect(levels).toHaveLength(1);
  expect(levels[0]).not.toBe('operational');
  expect(await levelOn(survivor)).not.toBe('operational');
}, 120_000);

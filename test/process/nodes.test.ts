// Many nodes on one PostgreSQL: three real `src/server.ts` processes on a fresh database and a fake status page on
// loopback. One node polls at a time; after it is SIGKILLed another polls within two intervals; a status change
// upstream shows on every node; one client's reports are limited across nodes; a form from one node posts to another.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.ts';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import { tokenIn } from '../helpers/reports.ts';
import {
  anthropicSummaryWith as summaryWith,
  fixture,
  json,
  startUpstream,
  type Upstream,
} from '../helpers/upstream.ts';

const POLL_SECONDS = 2;
const SUMMARY = '/api/v2/summary.json';
const healthy = fixture('statuspage-summary-anthropic.json');

/** Resolves once `check` holds, polling every 50 ms; fails after `timeoutMs`. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let database: { url: string; drop(): Promise<void> };
let upstream: Upstream;
let nodes: (ServerProcess & { name: string })[] = [];
/** Who fetched the summary, in order: the node name from its User-Agent, and when. */
const polls: { node: string; at: number }[] = [];

beforeAll(async () => {
  dir = tempDir();
  database = await freshDatabase(inject('postgresUrl'), 'nodes');
  upstream = await startUpstream({
    '/api/v2/incidents.json': json({ page: {}, incidents: [] }),
    '/api/v2/scheduled-maintenances.json': json({ page: {}, scheduled_maintenances: [] }),
  });
  let summary = healthy;
  upstream.set(SUMMARY, (req) => {
    polls.push({ node: String(req.headers['user-agent']).split(' ')[0]!, at: Date.now() });
    return json(summary);
  });
  Object.assign(upstream, { setSummary: (next: string) => (summary = next) });
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string }[];
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  const providersFile = join(dir, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify([{ ...anthropic, statusPage: { format: 'statuspage', url: upstream.url }, probe: null }]),
  );
  nodes = await Promise.all(
    ['node-a', 'node-b', 'node-c'].map(async (name) =>
      Object.assign(
        await startServer({
          DATABASE_URL: database.url,
          SECRET: 'one-secret-shared-by-all-three-nodes-0123',
          PROVIDERS_FILE: providersFile,
          ALLOW_PRIVATE_UPSTREAMS: 'true',
          POLL_INTERVAL_SECONDS: String(POLL_SECONDS),
          REPORT_RATE_LIMIT_PER_10_MIN: '4',
          TRUST_PROXY: '127.0.0.1',
          SITE_NAME: name,
        }),
        { name },
      ),
    ),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.kill()));
  await upstream?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const readiness = async (node: ServerProcess) =>
  (await (await fetch(`${node.url}/readyz`)).json()) as { status: string; database: string; jobs: string };
const levelOn = async (node: ServerProcess) =>
  ((await (await fetch(`${node.url}/api/v1/providers/anthropic`)).json()) as { level: string }).level;

/** Node names in the order they polled, with runs collapsed: [a, b] means a polled, then only b. */
const runs = (since = 0) =>
  polls.filter((p) => p.at >= since).reduce<string[]>((acc, p) => (acc.at(-1) === p.node ? acc : [...acc, p.node]), []);

describe('three nodes on one PostgreSQL database', () => {
  it('polls from exactly one node, and from another within two intervals after SIGKILL', async () => {
    await eventually(() => polls.length >= 3, 20_000);
    const roles = await Promise.all(nodes.map(readiness));
    expect(roles.every((r) => r.status === 'ready' && r.database === 'postgres')).toBe(true);
    expect(roles.map((r) => r.jobs).sort()).toEqual(['leader', 'standby', 'standby']);
    expect(runs()).toHaveLength(1);
    const leader = nodes.find((n) => n.name === runs()[0])!;
    expect(roles[nodes.indexOf(leader)]!.jobs).toBe('leader');

    const lastBeforeKill = polls.at(-1)!.at;
    await leader.kill();
    const killedAt = Date.now();
    await eventually(() => polls.some((p) => p.at > killedAt), 4 * POLL_SECONDS * 1000);
    const firstAfter = polls.find((p) => p.at > killedAt)!;
    expect(firstAfter.node).not.toBe(leader.name);
    expect(firstAfter.at - lastBeforeKill).toBeLessThan(2 * POLL_SECONDS * 1000);

    // A few more intervals: still one poller, the new one, and never the two interleaved.
    await sleep(3 * POLL_SECONDS * 1000);
    expect(runs()).toEqual([leader.name, firstAfter.node]);
    nodes = nodes.filter((n) => n !== leader);
    const after = await Promise.all(nodes.map(readiness));
    expect(after.map((r) => r.jobs).sort()).toEqual(['leader', 'standby']);
  }, 60_000);

  it('shows a status change upstream on every node', async () => {
    expect(await Promise.all(nodes.map(levelOn))).toEqual(['operational', 'operational']);
    (upstream as Upstream & { setSummary(body: string): void }).setSummary(summaryWith('major_outage', 'critical'));
    // Two agreeing polls confirm the change, then each node's cache hears of it within a second or two.
    await eventually(
      async () => (await Promise.all(nodes.map(levelOn))).every((level) => level !== 'operational'),
      4 * POLL_SECONDS * 1000 + 3000,
    );
    const levels = await Promise.all(nodes.map(levelOn));
    expect(new Set(levels).size).toBe(1);
    const headlines = await Promise.all(
      nodes.map(async (n) => /<h1[^>]*>[\s\S]*?<\/h1>/.exec(await (await fetch(`${n.url}/anthropic`)).text())?.[0]),
    );
    expect(headlines[0]).toBeDefined();
    expect(headlines[1]).toBe(headlines[0]);
  }, 30_000);

  it('accepts a report form rendered on one node when it is posted to another', async () => {
    const [first, second] = [nodes[0]!, nodes[1]!];
    const token = tokenIn(await (await fetch(`${first.url}/anthropic`)).text());
    const post = (node: ServerProcess, formToken: string) =>
      fetch(`${node.url}/anthropic/reports`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.9' },
        body: new URLSearchParams({ category: 'auth', token: formToken }).toString(),
      });
    expect((await post(second, token)).status).toBe(303);
    expect((await post(second, `${token.split('.')[0]}.forged-signature-000000`)).status).toBe(400);
  });

  it('limits one client across nodes: its budget is one, not one per node', async () => {
    const report = (node: ServerProcess) =>
      fetch(`${node.url}/api/v1/providers/anthropic/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ category: 'timeout' }),
      }).then((response) => response.status);
    const [first, second] = [nodes[0]!, nodes[1]!];
    const statuses = [];
    for (const node of [first, second, first, second, first, second]) statuses.push(await report(node));
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
  });
});

// Roles on one SQLite file: a web process (ROLE=web) and a jobs process (ROLE=jobs) from `src/server.ts`, sharing
// the database on one machine, with a fake status page on loopback. Only the jobs process polls; it serves no page;
// the web process shows what it polled, a change upstream included, and takes reports.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import {
  anthropicSummaryWith as summaryWith,
  fixture,
  json,
  startUpstream,
  type Upstream,
} from '../helpers/upstream.ts';

const POLL_SECONDS = 1;
const SUMMARY = '/api/v2/summary.json';

/** Resolves once `check` holds, polling every 50 ms; fails after `timeoutMs`. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let dir: string;
let upstream: Upstream;
let web: ServerProcess;
let jobs: ServerProcess;
let summary = fixture('statuspage-summary-anthropic.json');
/** Which process fetched the summary (the site name its User-Agent starts with). */
const pollers: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  upstream = await startUpstream({
    '/api/v2/incidents.json': json({ page: {}, incidents: [] }),
    '/api/v2/scheduled-maintenances.json': json({ page: {}, scheduled_maintenances: [] }),
  });
  upstream.set(SUMMARY, (req) => {
    pollers.push(String(req.headers['user-agent']).split(' ')[0]!);
    return json(summary);
  });
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string }[];
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  const providersFile = join(dir, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify([{ ...anthropic, statusPage: { format: 'statuspage', url: upstream.url }, probe: null }]),
  );
  const env = {
    DATABASE_PATH: join(dir, 'status.db'),
    PROVIDERS_FILE: providersFile,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    POLL_INTERVAL_SECONDS: String(POLL_SECONDS),
  };
  // Started together: both open (and migrate) the same new file at once.
  [web, jobs] = await Promise.all([
    startServer({ ...env, ROLE: 'web', SITE_NAME: 'web-process' }),
    startServer({ ...env, ROLE: 'jobs', SITE_NAME: 'jobs-process' }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([web?.kill(), jobs?.kill()]);
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const readiness = async (node: ServerProcess) =>
  (await (await fetch(`${node.url}/readyz`)).json()) as { status: string; database: string; jobs: string };
const levelOnWeb = async () => {
  const response = await fetch(`${web.url}/api/v1/providers/anthropic`);
  return ((await response.json()) as { level: string }).level;
};

describe('a web process and a jobs process on one SQLite file', () => {
  it('polls from the jobs process only; both are ready, the web one taking no part in the jobs', async () => {
    await eventually(() => pollers.length >= 3, 20_000);
    expect(new Set(pollers)).toEqual(new Set(['jobs-process']));
    await eventually(async () => (await readiness(web)).status === 'ready', 10_000);
    expect(await readiness(web)).toMatchObject({ status: 'ready', database: 'sqlite', jobs: 'off' });
    expect(await readiness(jobs)).toMatchObject({ status: 'ready', database: 'sqlite', jobs: 'leader' });
  }, 30_000);

  it('serves no page from the jobs process', async () => {
    for (const path of ['/', '/anthropic', '/api/v1/providers']) {
      const response = await fetch(`${jobs.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('runs the jobs only (ROLE=jobs)');
    }
    expect((await fetch(`${jobs.url}/healthz`)).status).toBe(200);
  });

  it('shows on the web process what the jobs process polled, a change upstream included', async () => {
    await eventually(async () => (await levelOnWeb()) === 'operational', 10_000);
    summary = summaryWith('major_outage', 'critical');
    // Two agreeing polls confirm the change; the web process sees the other's commits within a second.
    await eventually(async () => (await levelOnWeb()) !== 'operational', 4 * POLL_SECONDS * 1000 + 5000);
    const page = await (await fetch(`${web.url}/anthropic`)).text();
    expect(page).toMatch(/outage/i);
    expect(pollers.every((name) => name === 'jobs-process')).toBe(true);
  }, 30_000);

  it('takes reports on the web process', async () => {
    const response = await fetch(`${web.url}/api/v1/providers/anthropic/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'timeout' }),
    });
    expect(response.status).toBeLessThan(300);
  });
});

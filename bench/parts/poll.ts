// Poll benchmark: one cycle of the real poll job and store over 200 fake status servers on loopback (each on its
// own port), then again with 10% of them hanging. Targets: ≤ 2 s, and ≤ deadline + 1 s with the hanging ones.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildCatalog, loadCatalog } from '../../src/catalog/load.ts';
import type { Provider } from '../../src/catalog/schema.ts';
import { parseConfig } from '../../src/config.ts';
import { systemClock } from '../../src/jobs/clock.ts';
import { createPollJob } from '../../src/jobs/poll.ts';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { systemResolver } from '../../src/sources/lookup.ts';
import { openStore } from '../../src/store/index.ts';

const SERVERS = 200;
const HANGING_SHARE = 0.1;

const summary = readFileSync(
  new URL('../../test/fixtures/statuspage-summary-anthropic-incident.json', import.meta.url),
);
const incidents = readFileSync(new URL('../../test/fixtures/statuspage-incidents-anthropic.json', import.meta.url));
const maintenances = Buffer.from('{"scheduled_maintenances": []}');
const BODIES: Record<string, Buffer> = {
  '/api/v2/summary.json': summary,
  '/api/v2/incidents.json': incidents,
  '/api/v2/scheduled-maintenances.json': maintenances,
};

type Fake = { url: string; hang: boolean; server: Server; sockets: Set<Socket> };

/** Bumped to make every server publish new documents (new ETags), so a cycle reads and applies everything. */
let generation = 0;

async function startFake(index: number): Promise<Fake> {
  const fake = { hang: false, sockets: new Set<Socket>() } as Fake;
  fake.server = createServer((req, res) => {
    if (fake.hang) return;
    const path = (req.url ?? '/').split('?')[0]!;
    const body = BODIES[path];
    if (!body) return void res.writeHead(404).end();
    const etag = `"${index}-${path.length}-${generation}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, etag }).end(body);
  });
  fake.server.on('connection', (s) => {
    fake.sockets.add(s);
    s.on('close', () => fake.sockets.delete(s));
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as { port: number }).port}`;
  return fake;
}

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-poll-'));
  const config = parseConfig({ DATABASE_PATH: join(dir, 'status.db'), ALLOW_PRIVATE_UPSTREAMS: 'true' });
  const real = loadCatalog(config);
  const base = real.providerBySlug.get('anthropic')!;
  const fakes = await Promise.all(Array.from({ length: SERVERS }, (_, i) => startFake(i)));
  const providers: Provider[] = fakes.map((f, i) => ({
    ...base,
    slug: `bench-${i}`,
    name: `Bench ${i}`,
    statusPage: { format: 'statuspage', url: f.url },
  }));
  const catalog = buildCatalog(providers, [...real.errorTypes]);
  const store = await openStore(config.databasePath);
  await store.providers.sync(catalog.providers, Date.now());
  const policy = upstreamPolicy(true);
  const resolver = systemResolver(config.pollTimeoutMs);
  const dispatcher = createUpstreamDispatcher({ policy, lookup: resolver.lookup });
  const door = createHttpDoor({ dispatcher, policy, userAgent: 'bench' });
  const job = createPollJob({
    catalog,
    store,
    door,
    clock: systemClock,
    intervalMs: config.pollIntervalMs,
    deadlineMs: config.pollTimeoutMs,
    concurrency: config.pollConcurrency,
  });

  const timed = async () => {
    const started = performance.now();
    const stats = await job.runCycle();
    return { ms: Math.round(performance.now() - started), ...stats };
  };
  const cold = await timed();
  generation += 1;
  const full = await timed();
  const warm = await timed();
  fakes.slice(0, Math.round(SERVERS * HANGING_SHARE)).forEach((f) => (f.hang = true));
  const hanging = await timed();
  const checks = (store.sqlite!.prepare('SELECT COUNT(*) AS n FROM source_checks').get() as { n: number }).n;

  const rows = [
    ['cycle', 'providers polled', 'failed', 'time (ms)', 'target (ms)'],
    ['first (cold process)', cold.ran, cold.failed, cold.ms, '-'],
    ['all documents new', full.ran, full.failed, full.ms, 2000],
    ['unchanged (304s)', warm.ran, warm.failed, warm.ms, 2000],
    [`${HANGING_SHARE * 100}% hanging`, hanging.ran, hanging.failed, hanging.ms, config.pollTimeoutMs + 1000],
  ];
  for (const row of rows) console.log(row.map((cell, i) => String(cell).padEnd(i === 0 ? 22 : 18)).join(''));
  console.log(
    `${SERVERS} servers, concurrency ${config.pollConcurrency}, deadline ${config.pollTimeoutMs} ms, ` +
      `${checks} checks recorded`,
  );

  await job.close();
  await dispatcher.close();
  resolver.close();
  for (const f of fakes) {
    for (const s of f.sockets) s.destroy();
    f.server.close();
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    servers: SERVERS,
    concurrency: config.pollConcurrency,
    deadlineMs: config.pollTimeoutMs,
    firstCycleMs: cold.ms,
    fullCycleMs: full.ms,
    notModifiedCycleMs: warm.ms,
    hangingCycleMs: hanging.ms,
    hangingShare: HANGING_SHARE,
    targets: { cycleMs: 2000, hangingCycleMs: config.pollTimeoutMs + 1000 },
    met: full.ms <= 2000 && warm.ms <= 2000 && hanging.ms <= config.pollTimeoutMs + 1000,
  };
}

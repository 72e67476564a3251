// Probe benchmark: cycles of the real probe job over 100 fake APIs on loopback (each on its own port and host name),
// then with 10% of them hanging; then reading and rendering a provider over 30 days of stored results.
// Targets: a healthy cycle ≤ 1 s, a cycle with hanging APIs ≤ deadline + 0.5 s, a dashboard render ≤ 20 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../src/app.ts';
import { buildCatalog, loadCatalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import { systemClock } from '../../src/jobs/clock.ts';
import { createProbeJob } from '../../src/jobs/probe.ts';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { openStore } from '../../src/store/index.ts';
import { DAY_MS } from '../../src/time.ts';
import { apiLookup, startFakeApi } from '../../test/helpers/probe.ts';

const APIS = 100;
const CYCLES = 10;
const DEADLINE_MS = 1000;
const REJECTION = {
  status: 401,
  body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
};

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const ms = (n: number) => Math.round(n * 100) / 100;

async function cycles(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-probe-'));
  const config = parseConfig({ DATABASE_PATH: join(dir, 'status.db'), ALLOW_PRIVATE_UPSTREAMS: 'true' });
  const real = loadCatalog(config);
  const base = real.providerBySlug.get('openai')!;
  const apis = await Promise.all(Array.from({ length: APIS }, () => startFakeApi(REJECTION)));
  const providers = apis.map((api, i) => ({
    ...base,
    slug: `api-${i}`,
    name: `API ${i}`,
    probe: { ...base.probe!, url: api.url(`p${i}`) },
  }));
  const catalog = buildCatalog(providers, [...real.errorTypes]);
  const store = await openStore(config.databasePath);
  await store.providers.sync(catalog.providers, Date.now());
  const policy = upstreamPolicy(true);
  const connectionLog = createConnectionLog();
  const agent = createUpstreamDispatcher({ policy, lookup: apiLookup, connectionLog });
  const door = createHttpDoor({ dispatcher: agent, policy, connectionLog, userAgent: 'bench' });
  const job = createProbeJob({
    catalog,
    results: store.probes,
    door,
    clock: systemClock,
    intervalMs: 180_000,
    deadlineMs: DEADLINE_MS,
  });

  const healthy: number[] = [];
  for (let i = 0; i < CYCLES; i += 1) healthy.push((await job.runCycle()).durationMs);
  const latencies = store
    .sqlite!.prepare<[], { latencyMs: number }>('SELECT latency_ms AS latencyMs FROM probe_results')
    .all()
    .map((r) => r.latencyMs);
  apis.slice(0, APIS / 10).forEach((api) => api.set({ fault: 'hang' }));
  const started = performance.now();
  await job.runCycle();
  const hangingMs = performance.now() - started;
  const timeouts = store.sqlite!.prepare("SELECT COUNT(*) AS n FROM probe_results WHERE outcome = 'timeout'").get() as {
    n: number;
  };

  await job.close();
  await agent.close();
  await store.close();
  await Promise.all(apis.map((api) => api.close()));
  rmSync(dir, { recursive: true, force: true });
  return {
    apis: APIS,
    cycleMedianMs: percentile(healthy, 50),
    cycleMaxMs: Math.max(...healthy),
    probeLatencyP50Ms: percentile(latencies, 50),
    probeLatencyP95Ms: percentile(latencies, 95),
    hangingCycleMs: Math.round(hangingMs),
    deadlineMs: DEADLINE_MS,
    timeoutsRecorded: timeouts.n,
  };
}

async function reading(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-probe-read-'));
  const config = parseConfig({ DATABASE_PATH: join(dir, 'status.db') });
  const catalog = loadCatalog(config);
  const store = await openStore(config.databasePath);
  const now = Date.UTC(2026, 10, 22, 12);
  await store.providers.sync(catalog.providers, now);
  const probed = catalog.providers.filter((p) => p.probe !== null).map((p) => p.slug);
  const insert = store.sqlite!.prepare(
    'INSERT INTO probe_results (provider_slug, at, outcome, http_status, latency_ms) VALUES (?, ?, ?, ?, ?)',
  );
  let rows = 0;
  store.sqlite!.transaction(() => {
    for (const slug of probed) {
      for (let at = now - 30 * DAY_MS, i = 0; at <= now; at += 180_000, i += 1) {
        const failed = i % 97 === 0;
        insert.run(
          slug,
          at,
          failed ? 'timeout' : 'rejected_as_expected',
          failed ? null : 401,
          failed ? 10_000 : 150 + (i % 40),
        );
        rows += 1;
      }
    }
  })();
  let clock = now;
  const app = await buildApp({ config, catalog, store, now: () => clock });
  const time = async (run: () => unknown, n = 50) => {
    await run();
    const started = performance.now();
    for (let i = 0; i < n; i += 1) await run();
    return ms((performance.now() - started) / n);
  };
  const figures = {
    storedResults: rows,
    latestPerProviderMs: await time(() => store.probes.latestPerProvider(now - 360_000, now - DAY_MS)),
    normalLatenciesMs: await time(() => store.probes.normalLatencies('openai', now - DAY_MS, now)),
    // A fresh render each time: the data version moves and the clock passes the cache's minimum age.
    dashboardRenderMs: await time(async () => {
      clock += 2000;
      store.versions.bump('openai');
      const res = await app.inject({ url: '/openai' });
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    }),
    apiProviderMs: await time(async () => {
      clock += 2000;
      store.versions.bump('openai');
      await app.inject({ url: '/api/v1/providers/openai' });
    }),
  };
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return figures;
}

export default async function (): Promise<Record<string, unknown>> {
  const figures = { ...(await cycles()), ...(await reading()) };
  console.table(figures);
  return figures;
}

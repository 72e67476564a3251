// Pages benchmark: the real server (seeded catalog, 30 days of history) against a bare Fastify hello-world, each in
// its own process and loaded by autocannon from another: throughput, latency, errors, latency at a fixed rate,
// start-up time with 200 providers and 1 million report rows, idle memory, and pages per second per node on SQLite
// and on PostgreSQL (the same data, two nodes) side by side. Both run with plain `node`: the site as `npm start` runs
// it (compiled by bench/build.ts), the baseline as JavaScript. It reports; it never fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../src/catalog/load.ts';
import { compiledServer, ROOT } from '../build.ts';
import { BENCH_SECRET, benchPostgres, copyToPostgres, stopBenchPostgres } from '../engines.ts';
import { seedDatabase } from '../seed.ts';

const SECONDS = Number(process.env.BENCH_PAGES_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
/** Report rows behind the start-up measurement (fewer for a quick sanity run). */
const BIG_REPORTS = Number(process.env.BENCH_PAGES_BIG_REPORTS ?? 1_000_000);
const CONNECTIONS = 50;
const PROVIDER = 'anthropic';
const TARGETS = { ratio: 0.6, fixedRateP99Ms: 10, readyMs: 1000, idleRssMb: 90 };

type Cannon = {
  requests: { average: number };
  throughput: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
  });
}

/** Spawns `node <args>` (one process, so its pid is the server's) and waits for a 200 from `/`. */
async function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; readyMs: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'warn', ...env },
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/`)).status === 200) return { child, url, readyMs: performance.now() - spawnedAt };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

function cannon(url: string, seconds: number, extra: string[] = []): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const load = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/autocannon/autocannon.js'),
        '-j',
        '-c',
        String(CONNECTIONS),
        '-d',
        String(seconds),
        ...extra,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    load.stdout.on('data', (chunk) => (out += String(chunk)));
    load.once('error', reject);
    load.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Cannon) : reject(new Error(`autocannon exited with ${code}`)),
    );
  });
}

/** Warm-up, then the measured run. */
async function measure(url: string, extra: string[] = []): Promise<Cannon> {
  await cannon(url, WARMUP_SECONDS, extra);
  return cannon(url, SECONDS, extra);
}

/** A providers file of `count` providers cloned from the real catalog under new slugs. */
function manyProviders(dir: string, count: number): string {
  const real = JSON.parse(readFileSync(join(ROOT, 'data/providers.json'), 'utf8')) as { slug: string; name: string }[];
  const path = join(dir, 'providers-200.json');
  writeFileSync(
    path,
    JSON.stringify(
      Array.from({ length: count }, (_, i) => {
        const base = real[i % real.length]!;
        return i < real.length ? base : { ...base, slug: `${base.slug}-${i}`, name: `${base.name} ${i}` };
      }),
    ),
  );
  return path;
}

const pad = (text: string, width: number) => text.padEnd(width);
const fixed = (n: number, digits = 1) => n.toFixed(digits);

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pages-'));
  const now = Date.now();
  const catalog = loadCatalog({
    providersFile: join(ROOT, 'data/providers.json'),
    errorsFile: join(ROOT, 'data/errors.json'),
  });
  try {
    // Start-up: 200 providers and 1 million report rows (BENCH_PAGES_BIG_REPORTS).
    const providersFile = manyProviders(dir, 200);
    const bigCatalog = loadCatalog({ providersFile, errorsFile: join(ROOT, 'data/errors.json') });
    let seededAt = performance.now();
    await seedDatabase(join(dir, 'big.db'), bigCatalog, { now, days: 30, reports: BIG_REPORTS, history: false });
    const bigSeedMs = performance.now() - seededAt;
    const server = compiledServer();
    const bare = await startProcess(['bench/hello.js'], {});
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const bareIdleRssMb = rssMb(bare.child.pid!);
    await stop(bare.child);
    const big = await startProcess(server, {
      DATABASE_PATH: join(dir, 'big.db'),
      PROVIDERS_FILE: providersFile,
      JOBS: 'false',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const bigIdleRssMb = rssMb(big.child.pid!);
    await stop(big.child);

    // Throughput: the real catalog with 30 days of incidents, probes and reports.
    seededAt = performance.now();
    await seedDatabase(join(dir, 'pages.db'), catalog, { now, days: 30, reports: 200_000 });
    const seedMs = performance.now() - seededAt;
    const hello = await startProcess(['bench/hello.js'], {});
    const helloRun = await measure(`${hello.url}/`);
    await stop(hello.child);

    const app = await startProcess(server, { DATABASE_PATH: join(dir, 'pages.db'), JOBS: 'false' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const appIdleRssMb = rssMb(app.child.pid!);
    const paths = ['/', `/${PROVIDER}`, `/${PROVIDER}/error/auth-error`, `/api/v1/providers/${PROVIDER}`];
    const runs: Record<string, Cannon> = {};
    for (const path of paths) runs[path] = await measure(`${app.url}${path}`);
    // What a browser asks for: the cached Brotli variant, a fraction of the bytes.
    const brotli = await measure(`${app.url}/${PROVIDER}`, ['-H', 'accept-encoding=br']);
    const bytes = Object.fromEntries(
      await Promise.all(
        paths.map(
          async (path) =>
            [
              path,
              (await (await fetch(`${app.url}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer())
                .byteLength,
            ] as const,
        ),
      ),
    );
    const rate = Math.max(1, Math.floor(helloRun.requests.average / 2));
    const fixedRate = await cannon(`${app.url}/${PROVIDER}`, SECONDS, ['-R', String(rate)]);
    const loadedRssMb = rssMb(app.child.pid!);
    await stop(app.child);

    // The same data on PostgreSQL behind two nodes: pages per second per node, beside SQLite's.
    const database = await benchPostgres();
    const postgres: Record<string, [Cannon, Cannon | null]> = {};
    try {
      await copyToPostgres(join(dir, 'pages.db'), database.url);
      const env = { DATABASE_URL: database.url, SECRET: BENCH_SECRET, JOBS: 'false' };
      const [first, second] = [await startProcess(server, env), await startProcess(server, env)];
      for (const path of paths) {
        const other = path === `/${PROVIDER}` ? await measure(`${second.url}${path}`) : null;
        postgres[path] = [await measure(`${first.url}${path}`), other];
      }
      await Promise.all([stop(first.child), stop(second.child)]);
    } finally {
      await database.drop();
      stopBenchPostgres();
    }
    const engines = paths.map((path) => ({
      path,
      sqlitePerSecond: Math.round(runs[path]!.requests.average),
      postgresNode1PerSecond: Math.round(postgres[path]![0].requests.average),
      postgresNode2PerSecond: postgres[path]![1] ? Math.round(postgres[path]![1].requests.average) : null,
      sqliteP99Ms: runs[path]!.latency.p99,
      postgresP99Ms: postgres[path]![0].latency.p99,
      postgresErrors: postgres[path]![0].errors + postgres[path]![0].non2xx + (postgres[path]![1]?.non2xx ?? 0),
    }));
    // A bare Fastify answering as many bytes as the provider page: the share of the gap that is only the page's size.
    const sameSize = await startProcess(['bench/hello.js'], {});
    const sameSizeRun = await measure(`${sameSize.url}/bytes/${bytes[`/${PROVIDER}`]}`);
    await stop(sameSize.child);

    const rows = [
      ['hello-world', helloRun] as const,
      [`hello-world, ${bytes[`/${PROVIDER}`]} bytes`, sameSizeRun] as const,
      ...paths.map((path) => [path, runs[path]!] as const),
      [`/${PROVIDER} (br)`, brotli] as const,
    ].map(([name, run]) => ({
      name,
      requestsPerSecond: Math.round(run.requests.average),
      p50Ms: run.latency.p50,
      p99Ms: run.latency.p99,
      errors: run.errors + run.timeouts + run.non2xx,
      ratio: Number((run.requests.average / helloRun.requests.average).toFixed(2)),
      bytesPerResponse: Math.round(run.throughput.average / Math.max(1, run.requests.average)),
    }));
    const header = [pad('path', 34), pad('req/s', 9), pad('p50 ms', 8), pad('p99 ms', 8), pad('errors', 8)];
    console.log(`${header.join('')}${pad('bytes', 9)}ratio (target ≥ ${TARGETS.ratio} on provider pages)`);
    for (const row of rows) {
      const cells = [row.name, row.requestsPerSecond, row.p50Ms, row.p99Ms, row.errors, row.bytesPerResponse];
      const widths = [34, 9, 8, 8, 8, 9];
      console.log(`${cells.map((cell, i) => pad(String(cell), widths[i]!)).join('')}${row.ratio}`);
    }
    console.log(
      `fixed rate ${rate} req/s asked (${Math.round(fixedRate.requests.average)} achieved) on /${PROVIDER}: ` +
        `p50 ${fixedRate.latency.p50} ms, p99 ${fixedRate.latency.p99} ms (target ≤ ${TARGETS.fixedRateP99Ms} ms), ` +
        `errors ${fixedRate.errors + fixedRate.non2xx}`,
    );
    console.log(
      `ready with 200 providers and ${BIG_REPORTS} reports: ${fixed(big.readyMs, 0)} ms ` +
        `(target ≤ ${TARGETS.readyMs} ms); a bare Fastify: ${fixed(bare.readyMs, 0)} ms`,
    );
    console.log(
      `idle RSS: ${fixed(bigIdleRssMb)} MB with 200 providers, ${fixed(appIdleRssMb)} MB with the catalog ` +
        `(target ≤ ${TARGETS.idleRssMb} MB); ${fixed(loadedRssMb)} MB after the load; ` +
        `a bare Fastify: ${fixed(bareIdleRssMb)} MB`,
    );
    console.log('pages per second per node, one engine beside the other (same data, load on one node at a time):');
    console.table(engines);
    console.log(
      `seeding: ${fixed(seedMs / 1000)} s (catalog, 30 days), ` +
        `${fixed(bigSeedMs / 1000)} s (200 providers, ${BIG_REPORTS} reports)`,
    );
    return {
      targets: TARGETS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      rows,
      fixedRate: {
        requestsPerSecond: rate,
        achievedPerSecond: Math.round(fixedRate.requests.average),
        p50Ms: fixedRate.latency.p50,
        p99Ms: fixedRate.latency.p99,
        errors: fixedRate.errors + fixedRate.non2xx,
      },
      readyMs: Math.round(big.readyMs),
      bareFastifyReadyMs: Math.round(bare.readyMs),
      idleRssMb: {
        providers200: Number(fixed(bigIdleRssMb)),
        catalog: Number(fixed(appIdleRssMb)),
        afterLoad: Number(fixed(loadedRssMb)),
        bareFastify: Number(fixed(bareIdleRssMb)),
      },
      identityBytes: bytes,
      engines,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Pages benchmark: the real server (seeded catalog, 30 days of history) against a bare Fastify hello-world, each in
// its own process and loaded from another by wrk (a C load generator that leaves the server most of a core) and by
// autocannon: throughput, latency, errors, the weight of every page family, latency at a fixed rate, start-up time
// with 200 providers and 1 million report rows, idle memory, and pages per second per node on SQLite and on
// PostgreSQL (the same data, two nodes) side by side. Both run with plain `node`: the site as `npm start`
// runs it (compiled by bench/build.ts), the baseline as JavaScript. It reports; it never fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../src/catalog/load.ts';
import { compiledServer, ROOT } from '../build.ts';
import { BENCH_SECRET, benchPostgres, copyToPostgres, stopBenchPostgres } from '../engines.ts';
import { seedDatabase } from '../seed.ts';

const ARGS = process.argv.slice(2);
/** `--quick`: short rows and a smaller start-up database, for development; figures are rougher. */
const QUICK = ARGS.includes('--quick');
/** `--seconds N` sets each measured row's length (default 10 s, 3 s with --quick). */
function secondsOption(): number {
  const at = ARGS.indexOf('--seconds');
  const given = at >= 0 ? Number(ARGS[at + 1]) : Number(process.env.BENCH_PAGES_SECONDS ?? (QUICK ? 3 : 10));
  if (!Number.isFinite(given) || given < 1) {
    console.error('--seconds must be a number of seconds, at least 1');
    process.exit(2);
  }
  return Math.round(given);
}
const SECONDS = secondsOption();
/** When the idle memory is read a second time, after V8 has had the chance to return start-up's garbage. */
const SETTLED_SECONDS = 20;
/** Report rows in the start-up database (a smaller number makes a quicker sanity run). */
const BIG_REPORTS = Number(process.env.BENCH_PAGES_BIG_REPORTS ?? (QUICK ? 100_000 : 1_000_000));
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const PROVIDER = 'anthropic';
const TARGETS = { ratio: 0.6, fixedRateP99Ms: 10, readyMs: 1000, idleRssMb: 90, pageBytes: 25 * 1024 };
const WRK = '/usr/bin/wrk';

/** One page of each family, as the bench provider shows it. */
const FAMILIES = {
  home: '/',
  dashboard: `/${PROVIDER}`,
  'error page': `/${PROVIDER}/error/auth-error`,
  'is it down': `/${PROVIDER}/is-it-down`,
  'error guide': '/errors/auth-error',
  diagnose: `/diagnose?provider=${PROVIDER}`,
  methodology: '/methodology',
} as const;

/** What one generator measured on one path. */
export type Figures = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  bytesPerResponse: number;
};

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

const fromCannon = (run: Cannon): Figures => ({
  requestsPerSecond: Math.round(run.requests.average),
  p50Ms: run.latency.p50,
  p99Ms: run.latency.p99,
  errors: run.errors + run.timeouts + run.non2xx,
  bytesPerResponse: Math.round(run.throughput.average / Math.max(1, run.requests.average)),
});

/** "1.23ms", "850.00us", "2.01s" in milliseconds. */
function wrkMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return NaN;
  const value = Number(m[1]);
  return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
}

/** `wrk -t1 -c50 --latency` for `seconds`: one thread, so the server keeps the other core. */
export function wrk(url: string, seconds: number, brotli = false): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const headers = brotli ? ['-H', 'Accept-Encoding: br'] : [];
    const load = spawn(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...headers, url], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    load.stdout.on('data', (chunk) => (out += String(chunk)));
    load.once('error', reject);
    load.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}`));
      const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? 0);
      const requests = number(/(\d+) requests in/);
      const bytes = /requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read/.exec(out);
      const scale = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[bytes?.[2] ?? 'B'] ?? 1;
      resolve({
        requestsPerSecond: Math.round(number(/Requests\/sec:\s+([\d.]+)/)),
        p50Ms: wrkMs(/^\s*50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
        p99Ms: wrkMs(/^\s*99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
        errors:
          number(/Non-2xx or 3xx responses: (\d+)/) +
          [...out.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0),
        bytesPerResponse: Math.round((Number(bytes?.[1] ?? 0) * scale) / Math.max(1, requests)),
      });
    });
  });
}

/** Warm-up, then the measured run, under wrk. */
async function measureWrk(url: string, brotli = false): Promise<Figures> {
  await wrk(url, WARMUP_SECONDS, brotli);
  return wrk(url, SECONDS, brotli);
}

/** CPU time (user + system) of a process so far, in seconds, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs a measurement and adds the server's share of one core over it (warm-up included), in percent. */
async function withCpu<T>(child: ChildProcess, run: () => Promise<T>): Promise<T & { serverCpu: number }> {
  const [cpu0, t0] = [cpuSeconds(child.pid!), performance.now()];
  const result = await run();
  const share = (cpuSeconds(child.pid!) - cpu0) / ((performance.now() - t0) / 1000);
  return { ...result, serverCpu: Math.round(share * 100) };
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
const bigReports = BIG_REPORTS.toLocaleString('en');
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
    // Again later: V8's memory reducer may by then have collected start-up's garbage (it waits at least 8 s idle).
    await new Promise((resolve) => setTimeout(resolve, (SETTLED_SECONDS - 1) * 1000));
    const bigSettledRssMb = rssMb(big.child.pid!);
    await stop(big.child);

    // Throughput: the real catalog with 30 days of incidents, probes and reports.
    seededAt = performance.now();
    await seedDatabase(join(dir, 'pages.db'), catalog, { now, days: 30, reports: 200_000 });
    const seedMs = performance.now() - seededAt;

    type Row = {
      name: string;
      bytes: number;
      wrk: Figures & { serverCpu: number };
      autocannon: Figures & { serverCpu: number };
    };
    // The baseline in the same run: a bare Fastify hello-world (and below, the same answering as many bytes as the
    // error page, to separate the cost of a page's size from the app's).
    const baselines: Row[] = [];
    const helloBoth = async (name: string, path: string, size: number) => {
      const hello = await startProcess(['bench/hello.js'], {});
      const w = await withCpu(hello.child, () => measureWrk(`${hello.url}${path}`));
      const a = await withCpu(hello.child, () => measure(`${hello.url}${path}`));
      baselines.push({ name, bytes: size, wrk: w, autocannon: { ...fromCannon(a), serverCpu: a.serverCpu } });
      await stop(hello.child);
    };
    await helloBoth('hello-world', '/', 17);

    const app = await startProcess(server, { DATABASE_PATH: join(dir, 'pages.db'), JOBS: 'false' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const appIdleRssMb = rssMb(app.child.pid!);
    const identityBytes = async (path: string) =>
      (await (await fetch(`${app.url}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer())
        .byteLength;
    const pageBytes: Record<string, number> = {};
    for (const [family, path] of Object.entries(FAMILIES)) pageBytes[family] = await identityBytes(path);

    const paths = [
      '/',
      `/${PROVIDER}`,
      `/${PROVIDER}/error/auth-error`,
      `/${PROVIDER}/is-it-down`,
      `/api/v1/providers/${PROVIDER}`,
      `/api/v1/providers/${PROVIDER}/errors/auth-error`,
    ];
    const bytes: Record<string, number> = {};
    for (const path of paths) bytes[path] = await identityBytes(path);
    const measured: Row[] = [];
    const both = async (name: string, child: ChildProcess, url: string, size: number, brotli = false) => {
      const w = await withCpu(child, () => measureWrk(url, brotli));
      const a = await withCpu(child, () => measure(url, brotli ? ['-H', 'accept-encoding=br'] : []));
      measured.push({ name, bytes: size, wrk: w, autocannon: { ...fromCannon(a), serverCpu: a.serverCpu } });
    };
    for (const path of paths) await both(path, app.child, `${app.url}${path}`, bytes[path]!);
    // What a browser asks for: the cached Brotli variant, a fraction of the bytes.
    await both(`/${PROVIDER} (br)`, app.child, `${app.url}/${PROVIDER}`, 0, true);
    const helloRate = Math.max(1, Math.floor(baselines[0]!.wrk.requestsPerSecond / 2));
    const fixedRate = await cannon(`${app.url}/${PROVIDER}`, SECONDS, ['-R', String(helloRate)]);
    const loadedRssMb = rssMb(app.child.pid!);
    await stop(app.child);

    // The same data on PostgreSQL behind two nodes: pages per second per node under wrk, beside SQLite's.
    const database = await benchPostgres();
    const engines: Record<string, number | string | null>[] = [];
    try {
      await copyToPostgres(join(dir, 'pages.db'), database.url);
      const env = { DATABASE_URL: database.url, SECRET: BENCH_SECRET, JOBS: 'false' };
      const [first, second] = [await startProcess(server, env), await startProcess(server, env)];
      for (const path of paths) {
        const one = await measureWrk(`${first.url}${path}`);
        const two = path === `/${PROVIDER}` ? await measureWrk(`${second.url}${path}`) : null;
        const sqlite = measured.find((row) => row.name === path)!.wrk;
        engines.push({
          path,
          sqlitePerSecond: sqlite.requestsPerSecond,
          postgresNode1PerSecond: one.requestsPerSecond,
          postgresNode2PerSecond: two?.requestsPerSecond ?? null,
          sqliteP99Ms: sqlite.p99Ms,
          postgresP99Ms: one.p99Ms,
          postgresErrors: one.errors + (two?.errors ?? 0),
        });
      }
      await Promise.all([stop(first.child), stop(second.child)]);
    } finally {
      await database.drop();
      stopBenchPostgres();
    }

    const errorPage = `/${PROVIDER}/error/auth-error`;
    await helloBoth(`hello-world, ${bytes[errorPage]} bytes`, `/bytes/${bytes[errorPage]}`, bytes[errorPage]!);

    const base = baselines[0]!;
    const ratio = (f: Figures, b: Figures) =>
      Number((f.requestsPerSecond / Math.max(1, b.requestsPerSecond)).toFixed(2));
    const rows = [...baselines, ...measured].map((row) => ({
      name: row.name,
      bytes: row.bytes,
      wrk: { ...row.wrk, ratio: ratio(row.wrk, base.wrk) },
      autocannon: { ...row.autocannon, ratio: ratio(row.autocannon, base.autocannon) },
    }));
    console.log(`page weight, identity HTML (target ≤ ${TARGETS.pageBytes} bytes = 25 KB each):`);
    for (const [family, size] of Object.entries(pageBytes)) {
      const path = FAMILIES[family as keyof typeof FAMILIES];
      const verdict = size <= TARGETS.pageBytes ? 'ok' : 'OVER';
      console.log(`  ${pad(family, 14)}${pad(path, 34)}${pad(String(size), 8)}${verdict}`);
    }
    const columns = (f: Figures & { serverCpu: number; ratio: number }, withP50: boolean) =>
      [
        pad(String(f.requestsPerSecond), 8),
        withP50 ? pad(fixed(f.p50Ms, 2), 7) : '',
        pad(fixed(f.p99Ms, 2), 8),
        pad(String(f.errors), 5),
        pad(`${f.serverCpu}%`, 6),
        pad(String(f.ratio), 7),
      ].join('');
    const heading = (withP50: boolean) =>
      [
        pad('req/s', 8),
        withP50 ? pad('p50', 7) : '',
        pad('p99', 8),
        pad('err', 5),
        pad('cpu', 6),
        pad('ratio', 7),
      ].join('');
    console.log(
      `\n${pad('path', 48)}${pad('bytes', 8)}| wrk -t1 -c${CONNECTIONS}       | autocannon -c${CONNECTIONS}\n` +
        `${pad('', 56)}| ${heading(true)}| ${heading(false)}`,
    );
    for (const row of rows) {
      const name = `${pad(row.name, 48)}${pad(String(row.bytes), 8)}`;
      console.log(`${name}| ${columns(row.wrk, true)}| ${columns(row.autocannon, false)}`);
    }
    console.log(
      `target: provider and error pages ≥ ${TARGETS.ratio}× hello-world under wrk. cpu is the server process's ` +
        'share of one core during the run: near 100% the server was the limit; well below, the load generator or a ' +
        'busy machine was.',
    );
    console.log(
      `fixed rate ${helloRate} req/s asked (${Math.round(fixedRate.requests.average)} achieved) on /${PROVIDER}: ` +
        `p50 ${fixedRate.latency.p50} ms, p99 ${fixedRate.latency.p99} ms (target ≤ ${TARGETS.fixedRateP99Ms} ms), ` +
        `errors ${fixedRate.errors + fixedRate.non2xx}`,
    );
    console.log(
      `ready with 200 providers and ${bigReports} reports: ${fixed(big.readyMs, 0)} ms ` +
        `(target ≤ ${TARGETS.readyMs} ms); ` +
        `a bare Fastify: ${fixed(bare.readyMs, 0)} ms`,
    );
    console.log(
      `idle RSS 1 s after ready: ${fixed(bigIdleRssMb)} MB with 200 providers, ${fixed(appIdleRssMb)} MB with the ` +
        `catalog (target ≤ ${TARGETS.idleRssMb} MB); ${fixed(bigSettledRssMb)} MB with 200 providers after ` +
        `${SETTLED_SECONDS} s idle; ${fixed(loadedRssMb)} MB after the load; ` +
        `a bare Fastify: ${fixed(bareIdleRssMb)} MB`,
    );
    console.log(
      `seeding: ${fixed(seedMs / 1000)} s (catalog, 30 days), ${fixed(bigSeedMs / 1000)} s ` +
        `(200 providers, ${bigReports} reports)`,
    );
    console.log(
      'pages per second per node under wrk, one engine beside the other (same data, one node loaded at a time):',
    );
    console.table(engines);
    return {
      engines,
      targets: TARGETS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      quick: QUICK,
      // The machine may be shared: the load average beside the figures says how noisy they may be.
      loadAverage: loadavg(),
      pageBytes,
      rows,
      fixedRate: {
        requestsPerSecond: helloRate,
        achievedPerSecond: Math.round(fixedRate.requests.average),
        p50Ms: fixedRate.latency.p50,
        p99Ms: fixedRate.latency.p99,
        errors: fixedRate.errors + fixedRate.non2xx,
      },
      readyMs: Math.round(big.readyMs),
      bareFastifyReadyMs: Math.round(bare.readyMs),
      idleRssMb: {
        providers200: Number(fixed(bigIdleRssMb)),
        providers200Settled: Number(fixed(bigSettledRssMb)),
        catalog: Number(fixed(appIdleRssMb)),
        afterLoad: Number(fixed(loadedRssMb)),
        bareFastify: Number(fixed(bareIdleRssMb)),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

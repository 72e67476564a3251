// Pages benchmark: the real server (seeded catalog, 30 days of history) against a bare Fastify, each in its own
// process, loaded from another by wrk (a C load generator, one thread, leaving the server most of a core).
// Rounds are interleaved: each round measures hello-world, then every page beside a bare reply of exactly its bytes
// and encoding (identity and brotli), and the table gives each row's median over the rounds with its minimum and
// maximum, the server's CPU and the generator's. A busy machine moves every row of a round together, so ratios
// taken within a round (page over hello-world, page over its same-bytes bare reply) are steadier than the rates.
// Then start-up (/readyz 200) and idle memory beside a bare Fastify, and pages per second per node on SQLite and on
// PostgreSQL. Both run with plain `node`: the site as `npm start` runs it (compiled by bench/build.ts), the baseline
// as JavaScript. It reports; it never fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../src/catalog/load.ts';
import { compiledServer, ROOT, type StartCommand } from '../build.ts';
import { cpuSeconds, startProcess, stop } from '../processes.ts';
import { BENCH_SECRET, benchPostgres, copyToPostgres, stopBenchPostgres } from '../engines.ts';
import { seedDatabase } from '../seed.ts';

const ARGS = process.argv.slice(2);
/** `--quick`: short rows, no PostgreSQL and a smaller start-up database, for development; figures are rougher. */
const QUICK = ARGS.includes('--quick');
/** `--seconds N` sets each measured row's length (default 10 s, 1 s with --quick). */
function numberOption(name: string, env: string, fallback: number, min: number): number {
  const at = ARGS.indexOf(name);
  const given = at >= 0 ? Number(ARGS[at + 1]) : Number(process.env[env] ?? fallback);
  if (!Number.isFinite(given) || given < min) {
    console.error(`${name} must be a number, at least ${min}`);
    process.exit(2);
  }
  return Math.round(given);
}
/**
 * `--against DIR`: another checkout of the site, built (its dist/ and node_modules), measured in the same rounds
 * beside this one on a copy of the same database: before and after a change, in one interleaved run.
 */
const AGAINST = ARGS.includes('--against') ? ARGS[ARGS.indexOf('--against') + 1] : undefined;
const SECONDS = numberOption('--seconds', 'BENCH_PAGES_SECONDS', QUICK ? 1 : 10, 1);
/** `--rounds N`: interleaved rounds (at least 3, so a median means something). */
const ROUNDS = numberOption('--rounds', 'BENCH_PAGES_ROUNDS', 3, 3);
/** When the idle memory is read a second time, after V8 has had the chance to return start-up's garbage. */
const SETTLED_SECONDS = QUICK ? 5 : 20;
/** Report rows in the start-up database (a smaller number makes a quicker sanity run). */
const BIG_REPORTS = Number(process.env.BENCH_PAGES_BIG_REPORTS ?? (QUICK ? 100_000 : 1_000_000));
/** Starts timed per start-up case; the median is reported. */
const STARTS = 3;
const WARMUP_SECONDS = QUICK ? 1 : 2;
const CONNECTIONS = 50;
const PROVIDER = 'anthropic';
const TARGETS = {
  identityOverBare: 0.9,
  brotliOverHello: 0.75,
  readyMs: 500,
  idleRssMbCatalog: 80,
  idleRssMb200: 85,
  pageBytes: 25 * 1024,
};
const WRK = '/usr/bin/wrk';
/** The bare Fastify beside the site: hello-world, and any page's bytes as given (`BENCH_BODIES`). */
const HELLO: StartCommand = { args: ['bench/hello.js'], env: {} };
const GENERATOR = `wrk -t1 -c${CONNECTIONS}`;

/** One page of each family, as the bench provider shows it, and the JSON answers. */
const FAMILIES = {
  home: '/',
  dashboard: `/${PROVIDER}`,
  'error page': `/${PROVIDER}/error/auth-error`,
  history: `/${PROVIDER}/history`,
  accountability: '/accountability',
  subscribe: '/subscribe',
  feed: '/feed.atom',
  'is it down': `/${PROVIDER}/is-it-down`,
  'JSON provider': `/api/v1/providers/${PROVIDER}`,
  'JSON error': `/api/v1/providers/${PROVIDER}/errors/auth-error`,
  'JSON list': '/api/v1/providers',
} as const;
type Family = keyof typeof FAMILIES;

/** What one generator measured on one path. */
export type Figures = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  bytesPerResponse: number;
};

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

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

type Sample = Figures & { serverCpu: number; generatorCpu: number };

/** One wrk run with the server's and the generator's share of one core over it, in percent. */
async function sample(server: ChildProcess, url: string, seconds: number, brotli: boolean): Promise<Sample> {
  const [server0, generator0, t0] = [cpuSeconds(server.pid!), cpuSeconds('self', true), performance.now()];
  const figures = await wrk(url, seconds, brotli);
  const elapsed = (performance.now() - t0) / 1000;
  return {
    ...figures,
    serverCpu: Math.round(((cpuSeconds(server.pid!) - server0) / elapsed) * 100),
    generatorCpu: Math.round(((cpuSeconds('self', true) - generator0) / elapsed) * 100),
  };
}

/** A path's answer as sent: raw bytes (never decoded), content type and encoding. */
function rawGet(url: string, brotli: boolean): Promise<{ bytes: Buffer; type: string; encoding: string | null }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { 'accept-encoding': brotli ? 'br' : 'identity' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`${url} answered ${response.statusCode}`));
        resolve({
          bytes: Buffer.concat(chunks),
          type: String(response.headers['content-type'] ?? 'application/octet-stream'),
          encoding: response.headers['content-encoding'] ?? null,
        });
      });
    })
      .once('error', reject)
      .end();
  });
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const spread = (values: number[], digits = 0) => {
  const round = (n: number) => Number(n.toFixed(digits));
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) };
};
const pad = (text: string, width: number) => text.padEnd(width);
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const bigReports = BIG_REPORTS.toLocaleString('en');

/** Start-up: `STARTS` starts of the site on a database, timed to /readyz 200, with idle RSS 1 s after. */
async function startUps(
  server: StartCommand,
  env: (i: number) => Record<string, string>,
): Promise<{ readyMs: number[]; idleRssMb: number[]; settledRssMb: number }> {
  const readyMs: number[] = [];
  const idleRssMb: number[] = [];
  let settledRssMb = 0;
  for (let i = 0; i < STARTS; i += 1) {
    const site = await startProcess(server, { JOBS: 'false', ...env(i) }, '/readyz');
    readyMs.push(site.readyMs);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idleRssMb.push(rssMb(site.child.pid!));
    if (i === STARTS - 1) {
      // Again later: V8's memory reducer may by then have collected start-up's garbage.
      await new Promise((resolve) => setTimeout(resolve, (SETTLED_SECONDS - 1) * 1000));
      settledRssMb = rssMb(site.child.pid!);
    }
    await stop(site.child);
  }
  return { readyMs, idleRssMb, settledRssMb };
}

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pages-'));
  const now = Date.now();
  const startedAt = performance.now();
  const catalog = loadCatalog({
    providersFile: join(ROOT, 'data/providers.json'),
    errorsFile: join(ROOT, 'data/errors.json'),
  });
  try {
    const server = compiledServer();

    // Start-up and idle memory, beside a bare Fastify: a fresh database with the real catalog, and 200 providers
    // with 1 million report rows (BENCH_PAGES_BIG_REPORTS).
    const providersFile = manyProviders(dir, 200);
    const bigCatalog = loadCatalog({ providersFile, errorsFile: join(ROOT, 'data/errors.json') });
    let seededAt = performance.now();
    await seedDatabase(join(dir, 'big.db'), bigCatalog, { now, days: 30, reports: BIG_REPORTS, history: false });
    const bigSeedMs = performance.now() - seededAt;
    const bareStarts: number[] = [];
    const bareRss: number[] = [];
    for (let i = 0; i < STARTS; i += 1) {
      const bare = await startProcess(HELLO, {});
      bareStarts.push(bare.readyMs);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      bareRss.push(rssMb(bare.child.pid!));
      await stop(bare.child);
    }
    const fresh = await startUps(server, (i) => ({ DATABASE_PATH: join(dir, `fresh-${i}.db`) }));
    const big = await startUps(server, () => ({ DATABASE_PATH: join(dir, 'big.db'), PROVIDERS_FILE: providersFile }));

    // Throughput: the real catalog with 30 days of incidents, probes and reports.
    seededAt = performance.now();
    await seedDatabase(join(dir, 'pages.db'), catalog, { now, days: 30, reports: 200_000 });
    const seedMs = performance.now() - seededAt;
    const app = await startProcess(server, { DATABASE_PATH: join(dir, 'pages.db'), JOBS: 'false' }, '/readyz');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const appIdleRssMb = rssMb(app.child.pid!);

    // Every page's bytes as sent, identity and brotli, for the bare server to send the same.
    const manifest: Record<string, { file: string; type: string; encoding: string | null }> = {};
    const pageBytes: Record<string, { identity: number; br: number }> = {};
    for (const [family, path] of Object.entries(FAMILIES)) {
      const sizes = { identity: 0, br: 0 };
      for (const brotli of [false, true]) {
        const answer = await rawGet(`${app.url}${path}`, brotli);
        const id = `${Object.keys(manifest).length}`;
        const file = join(dir, `body-${id}`);
        writeFileSync(file, answer.bytes);
        manifest[id] = { file, type: answer.type, encoding: answer.encoding };
        sizes[brotli ? 'br' : 'identity'] = answer.bytes.length;
      }
      pageBytes[family] = sizes;
    }
    writeFileSync(join(dir, 'bodies.json'), JSON.stringify(manifest));
    const bare = await startProcess(HELLO, { BENCH_BODIES: join(dir, 'bodies.json') });

    let before: Awaited<ReturnType<typeof startProcess>> | null = null;
    if (AGAINST) {
      writeFileSync(join(dir, 'before.db'), readFileSync(join(dir, 'pages.db')));
      const args = server.args.map((arg) => (arg.endsWith('server.js') ? join(AGAINST, arg) : arg));
      before = await startProcess(
        { ...server, args },
        { DATABASE_PATH: join(dir, 'before.db'), JOBS: 'false' },
        '/readyz',
      );
    }

    type Spec = {
      name: string;
      family: Family | null;
      brotli: boolean;
      server: 'bare' | 'site' | 'before';
      url: string;
      bytes: number;
      /** The row of the bare reply of the same bytes and encoding. */
      bareRow: number | null;
    };
    const specs: Spec[] = [
      {
        name: 'hello-world',
        family: null,
        brotli: false,
        server: 'bare',
        url: `${bare.url}/`,
        bytes: 17,
        bareRow: null,
      },
    ];
    let id = 0;
    for (const [family, path] of Object.entries(FAMILIES) as [Family, string][]) {
      for (const brotli of [false, true]) {
        const encoding = brotli ? 'br' : 'identity';
        const bytes = pageBytes[family]![encoding];
        const bareRow = specs.length;
        specs.push({
          name: `bare, same bytes (${family}, ${encoding})`,
          family,
          brotli,
          server: 'bare',
          url: `${bare.url}/same/${id}`,
          bytes,
          bareRow: null,
        });
        specs.push({
          name: `${family} ${path}`,
          family,
          brotli,
          server: 'site',
          url: `${app.url}${path}`,
          bytes,
          bareRow,
        });
        if (before)
          specs.push({
            name: `${family} ${path} (before)`,
            family,
            brotli,
            server: 'before',
            url: `${before.url}${path}`,
            bytes,
            bareRow,
          });
        id += 1;
      }
    }
    const processOf = (spec: Spec) =>
      spec.server === 'bare' ? bare.child : spec.server === 'before' ? before!.child : app.child;

    // A warm-up pass (JIT, caches, connections), then the interleaved rounds.
    console.log(
      `${specs.length} rows × ${ROUNDS} rounds of ${SECONDS} s under ${GENERATOR} (after a ${WARMUP_SECONDS} s ` +
        `warm-up each, and one request just before each row); load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    for (const spec of specs) await wrk(spec.url, WARMUP_SECONDS, spec.brotli);
    const rounds: Sample[][] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const samples: Sample[] = [];
      for (const spec of specs) {
        // One request first: a page left alone for more than a minute while the other rows ran is rendered again
        // before its row, not inside its first second (in a 1 s row that render alone is a tenth of the rate).
        await rawGet(spec.url, spec.brotli);
        samples.push(await sample(processOf(spec), spec.url, SECONDS, spec.brotli));
      }
      rounds.push(samples);
      console.log(`  round ${round + 1}/${ROUNDS} done, load average ${loadavg()[0]!.toFixed(2)}`);
    }
    const loadedRssMb = rssMb(app.child.pid!);

    const rowOf = (i: number) => {
      const spec = specs[i]!;
      const per = rounds.map((samples) => samples[i]!);
      const rate = (sample: Sample) => Math.max(1, sample.requestsPerSecond);
      // Ratios within each round: over hello-world (row 0) and over the page's same-bytes bare reply.
      const overHello = rounds.map((samples) => samples[i]!.requestsPerSecond / rate(samples[0]!));
      const { bareRow } = spec;
      const overBare =
        bareRow === null ? null : rounds.map((samples) => samples[i]!.requestsPerSecond / rate(samples[bareRow]!));
      return {
        name: spec.name,
        family: spec.family,
        encoding: spec.brotli ? 'br' : 'identity',
        server: spec.server,
        bytes: spec.bytes,
        requestsPerSecond: spread(per.map((s) => s.requestsPerSecond)),
        p99Ms: spread(
          per.map((s) => s.p99Ms),
          2,
        ),
        serverCpu: spread(per.map((s) => s.serverCpu)),
        generatorCpu: spread(per.map((s) => s.generatorCpu)),
        errors: per.reduce((sum, s) => sum + s.errors, 0),
        overHello: spread(overHello, 2),
        overBare: overBare ? spread(overBare, 2) : null,
        rounds: per,
      };
    };
    const rows = specs.map((_, i) => rowOf(i));

    console.log(`\npage weight (target ≤ ${TARGETS.pageBytes} bytes identity):`);
    for (const [family, size] of Object.entries(pageBytes))
      console.log(
        `  ${pad(family, 16)}${pad(FAMILIES[family as Family], 44)}${pad(String(size.identity), 8)}br ${size.br}`,
      );
    const range = (s: { median: number; min: number; max: number }) => `${s.median} (${s.min}–${s.max})`;
    console.log(
      `\nmedians of ${ROUNDS} interleaved rounds (min–max); cpu = share of one core, server and ${GENERATOR}; ` +
        '×bare = over the bare reply of the same bytes and encoding, ×hello = over hello-world, both per round\n',
    );
    console.log(
      `${pad('row', 60)}${pad('enc', 9)}${pad('bytes', 7)}${pad('req/s', 22)}${pad('srv cpu', 9)}${pad('gen cpu', 9)}` +
        `${pad('p99 ms', 8)}${pad('err', 5)}${pad('×bare', 18)}×hello`,
    );
    for (const row of rows) {
      const target =
        row.server !== 'bare'
          ? row.encoding === 'br'
            ? row.overHello.median >= TARGETS.brotliOverHello
              ? ''
              : ' (below 0.75× hello)'
            : (row.overBare?.median ?? 0) >= TARGETS.identityOverBare
              ? ''
              : ' (below 0.9× bare)'
          : '';
      console.log(
        `${pad(row.name, 60)}${pad(row.encoding, 9)}${pad(String(row.bytes), 7)}` +
          `${pad(range(row.requestsPerSecond), 22)}` +
          `${pad(`${row.serverCpu.median}%`, 9)}${pad(`${row.generatorCpu.median}%`, 9)}` +
          `${pad(fixed(row.p99Ms.median, 2), 8)}${pad(String(row.errors), 5)}` +
          `${pad(row.overBare ? range(row.overBare) : '', 18)}${range(row.overHello)}${target}`,
      );
    }
    console.log(
      `targets: identity pages ≥ ${TARGETS.identityOverBare}× their same-bytes bare reply, brotli pages ≥ ` +
        `${TARGETS.brotliOverHello}× hello-world (medians). A server well under 100% cpu while its rate is low was ` +
        'held back by the generator or a busy machine, not by itself.',
    );
    await Promise.all([stop(app.child), stop(bare.child), ...(before ? [stop(before.child)] : [])]);

    // The same data on PostgreSQL behind two nodes: pages per second per node under wrk, beside SQLite's.
    const engines: Record<string, number | string | null>[] = [];
    if (!QUICK) {
      const database = await benchPostgres();
      try {
        await copyToPostgres(join(dir, 'pages.db'), database.url);
        const env = { DATABASE_URL: database.url, SECRET: BENCH_SECRET, JOBS: 'false' };
        const [first, second] = [await startProcess(server, env), await startProcess(server, env)];
        for (const path of [FAMILIES.home, FAMILIES.dashboard, FAMILIES['error page'], FAMILIES['JSON provider']]) {
          await wrk(`${first.url}${path}`, WARMUP_SECONDS);
          const one = await wrk(`${first.url}${path}`, SECONDS);
          const two = path === FAMILIES.dashboard ? await wrk(`${second.url}${path}`, SECONDS) : null;
          const sqlite = rows.find(
            (row) => row.server === 'site' && row.encoding === 'identity' && row.name.endsWith(` ${path}`),
          );
          engines.push({
            path,
            sqliteMedianPerSecond: sqlite?.requestsPerSecond.median ?? null,
            postgresNode1PerSecond: one.requestsPerSecond,
            postgresNode2PerSecond: two?.requestsPerSecond ?? null,
            postgresP99Ms: one.p99Ms,
            postgresErrors: one.errors + (two?.errors ?? 0),
          });
        }
        await Promise.all([stop(first.child), stop(second.child)]);
      } finally {
        await database.drop();
        stopBenchPostgres();
      }
      console.log('\npages per second per node under wrk, SQLite (median above) beside PostgreSQL (two nodes):');
      console.table(engines);
    }

    const ms = (values: number[]) => spread(values);
    const mb = (values: number[]) => spread(values, 1);
    console.log(
      `\nready (/readyz 200 after the start command, median of ${STARTS} (min–max), ` +
        `target ≤ ${TARGETS.readyMs} ms): ` +
        `fresh database with the catalog ${range(ms(fresh.readyMs))} ms; 200 providers and ${bigReports} reports ` +
        `${range(ms(big.readyMs))} ms; a bare Fastify (to /) ${range(ms(bareStarts))} ms`,
    );
    console.log(
      `idle RSS 1 s after ready: catalog (fresh) ${range(mb(fresh.idleRssMb))} MB (target ≤ ` +
        `${TARGETS.idleRssMbCatalog}), 200 providers ${range(mb(big.idleRssMb))} MB (target ≤ ` +
        `${TARGETS.idleRssMb200}); after ${SETTLED_SECONDS} s idle ${fixed(fresh.settledRssMb)} / ` +
        `${fixed(big.settledRssMb)} MB; seeded catalog ${fixed(appIdleRssMb)} MB, after the load ` +
        `${fixed(loadedRssMb)} MB; a bare Fastify ${range(mb(bareRss))} MB`,
    );
    console.log(
      `seeding: ${fixed(seedMs / 1000)} s (catalog, 30 days), ${fixed(bigSeedMs / 1000)} s ` +
        `(200 providers, ${bigReports} reports); whole run ${fixed((performance.now() - startedAt) / 1000, 0)} s; ` +
        `load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    return {
      generator: GENERATOR,
      targets: TARGETS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      quick: QUICK,
      against: AGAINST ?? null,
      // The machine may be shared: the load average beside the figures says how noisy they may be.
      loadAverage: loadavg(),
      pageBytes,
      rows,
      engines,
      start: {
        freshCatalog: { readyMs: ms(fresh.readyMs), idleRssMb: mb(fresh.idleRssMb), settledRssMb: fresh.settledRssMb },
        providers200: { readyMs: ms(big.readyMs), idleRssMb: mb(big.idleRssMb), settledRssMb: big.settledRssMb },
        bareFastify: { readyMs: ms(bareStarts), idleRssMb: mb(bareRss) },
        seededCatalogIdleRssMb: Number(fixed(appIdleRssMb)),
        afterLoadRssMb: Number(fixed(loadedRssMb)),
        bigReports: BIG_REPORTS,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

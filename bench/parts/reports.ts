// Reports benchmark: accepted reports per second against real server processes — one node on SQLite, two nodes on one
// PostgreSQL — printed side by side (rate limit raised, distinct forwarded clients so deduplication hides nothing),
// load from a separate process per node, then the check that every report answered 2xx is in the database, counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { compiledServer, ROOT } from '../build.ts';
import { BENCH_SECRET, benchPostgres, stopBenchPostgres } from '../engines.ts';
import { cpuSeconds, freePort } from '../processes.ts';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SECONDS = Number(process.env.BENCH_REPORT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_REPORT_CONNECTIONS ?? 32);
/** Accepted reports per second: one node on SQLite, and two nodes together on PostgreSQL. */
const TARGETS = { sqlite: 3000, postgres: 2000 };

async function waitUntilUp(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not answer /healthz within 30 s');
}

type LoadResult = Record<string, unknown> & {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  warmupAccepted: number;
  latency: { p50: number; p99: number };
};

function runLoad(url: string, idsFile: string, connections: number, firstId: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = [url, String(SECONDS), String(connections), idsFile, String(firstId)];
    const load = spawn(TSX, ['bench/load/report-flood.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    load.stdout.on('data', (chunk) => (out += String(chunk)));
    load.once('error', reject);
    load.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

/** Models of the counted bench reports in the database, and its row count. */
type Stored = { models: Set<string>; rows: number };

async function storedInSqlite(path: string): Promise<Stored> {
  const db = new Database(path, { readonly: true });
  const models = new Set(
    db.prepare("SELECT model FROM reports WHERE counted = 1 AND model LIKE 'bench-%'").pluck().all() as string[],
  );
  const rows = db.prepare('SELECT COUNT(*) FROM reports').pluck().get() as number;
  db.close();
  return { models, rows };
}

async function storedInPostgres(url: string): Promise<Stored> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const models = new Set(
    (
      await client.query<{ model: string }>("SELECT model FROM reports WHERE counted = 1 AND model LIKE 'bench-%'")
    ).rows.map((r) => r.model),
  );
  const rows = Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM reports')).rows[0]!.n);
  await client.end();
  return { models, rows };
}

/** Starts `nodes` server processes on one database, floods each from its own load process, then checks storage. */
async function scenario(engine: string, nodes: number, env: Record<string, string>, stored: () => Promise<Stored>) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  const servers: ChildProcess[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < nodes; i += 1) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const start = compiledServer();
      const server = spawn(process.execPath, start.args, {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          ...start.env,
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
          JOBS: 'false',
          LOG_LEVEL: 'warn',
          TRUST_PROXY: '127.0.0.1',
          REPORT_RATE_LIMIT_PER_10_MIN: '1000000000',
        },
      });
      servers.push(server);
      await waitUntilUp(url, server);
      urls.push(url);
    }
    const perNode = Math.max(1, Math.round(CONNECTIONS / nodes));
    // The servers' CPU and the generators' (children of this process once they exited) over the load: a server
    // well under 100 % of a core while the rate is short of its target was held back by the generator or the machine.
    const [servers0, generators0, t0] = [servers.map((s) => cpuSeconds(s.pid!)), cpuSeconds('self', true), Date.now()];
    const results = await Promise.all(
      urls.map((url, i) => runLoad(url, join(dir, `accepted-${i}.txt`), perNode, i * 100_000_000)),
    );
    const elapsed = (Date.now() - t0) / 1000;
    const serverCpu = servers.map((s, i) => `${Math.round(((cpuSeconds(s.pid!) - servers0[i]!) / elapsed) * 100)}%`);
    const generatorCpu = Math.round(((cpuSeconds('self', true) - generators0) / elapsed) * 100);
    await Promise.all(
      servers.map(
        (server) =>
          new Promise((resolve) => {
            server.once('exit', resolve);
            server.kill('SIGTERM');
          }),
      ),
    );
    const acknowledged = urls.flatMap((_, i) =>
      readFileSync(join(dir, `accepted-${i}.txt`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(Number),
    );
    const { models, rows } = await stored();
    const accepted = results.reduce((sum, r) => sum + r['2xx'], 0);
    const seconds = Math.max(...results.map((r) => r.duration));
    return {
      engine,
      nodes,
      connections: perNode * nodes,
      acceptedPerSecond: Math.round(accepted / seconds),
      target: TARGETS[engine as keyof typeof TARGETS],
      perNode: results.map((r) => Math.round(r['2xx'] / r.duration)).join(' + '),
      serverCpu: serverCpu.join(' + '),
      generatorCpu: `${generatorCpu}%`,
      non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
      errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
      latencyP50Ms: Math.max(...results.map((r) => r.latency.p50)),
      latencyP99Ms: Math.max(...results.map((r) => r.latency.p99)),
      acknowledged: acknowledged.length,
      rowsInDatabase: rows,
      acknowledgedMissing: acknowledged.filter((id) => !models.has(`bench-${id}`)).length,
    };
  } finally {
    for (const server of servers) if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reports-sqlite-'));
  const path = join(dir, 'status.db');
  const sqlite = await scenario('sqlite', 1, { DATABASE_PATH: path }, () => storedInSqlite(path));
  rmSync(dir, { recursive: true, force: true });
  const database = await benchPostgres();
  try {
    const env = { DATABASE_URL: database.url, SECRET: BENCH_SECRET };
    const postgres = await scenario('postgres', 2, env, () => storedInPostgres(database.url));
    const rows = [sqlite, postgres];
    console.table(rows);
    console.log(
      `targets: ${TARGETS.sqlite}/s on SQLite, ${TARGETS.postgres}/s through two PostgreSQL nodes, nothing ` +
        'acknowledged missing. cpu: share of one core over the load (the generators run as tsx + autocannon ' +
        `processes); load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    return {
      seconds: SECONDS,
      targets: TARGETS,
      loadAverage: loadavg(),
      meetsTargetOnSqlite: sqlite.acceptedPerSecond >= TARGETS.sqlite && sqlite.acknowledgedMissing === 0,
      meetsTargetOnPostgres: postgres.acceptedPerSecond >= TARGETS.postgres && postgres.acknowledgedMissing === 0,
      sqlite,
      postgres,
    };
  } finally {
    await database.drop();
    stopBenchPostgres();
  }
}

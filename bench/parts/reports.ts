// Reports benchmark: accepted reports per second against the real server process (temp database, rate limit raised,
// distinct forwarded clients so deduplication hides nothing), load from a separate process, then the check that every
// report answered 2xx is in the database, counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { compiledServer, ROOT } from '../build.ts';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SECONDS = Number(process.env.BENCH_REPORT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_REPORT_CONNECTIONS ?? 32);
const TARGET_PER_SECOND = 3000;

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

function runLoad(
  url: string,
  idsFile: string,
): Promise<
  Record<string, unknown> & {
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
    warmupAccepted: number;
    latency: { p50: number; p99: number };
  }
> {
  return new Promise((resolve, reject) => {
    const load = spawn(TSX, ['bench/load/report-flood.ts', url, String(SECONDS), String(CONNECTIONS), idsFile], {
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

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  const databasePath = join(dir, 'status.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, compiledServer(), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      JOBS: 'false',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '127.0.0.1',
      REPORT_RATE_LIMIT_PER_10_MIN: '1000000000',
    },
  });
  try {
    await waitUntilUp(url, server);
    const result = await runLoad(url, join(dir, 'accepted.txt'));
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGTERM');
    });

    const acknowledged = readFileSync(join(dir, 'accepted.txt'), 'utf8').split('\n').filter(Boolean).map(Number);
    const db = new Database(databasePath, { readonly: true });
    const stored = new Set(
      db.prepare("SELECT model FROM reports WHERE counted = 1 AND model LIKE 'bench-%'").pluck().all() as string[],
    );
    const rows = db.prepare('SELECT COUNT(*) FROM reports').pluck().get() as number;
    db.close();
    const missing = acknowledged.filter((id) => !stored.has(`bench-${id}`)).length;

    const acceptedPerSecond = Math.round(result['2xx'] / result.duration);
    const figures = {
      seconds: result.duration,
      connections: CONNECTIONS,
      acceptedPerSecond,
      targetPerSecond: TARGET_PER_SECOND,
      meetsTarget: acceptedPerSecond >= TARGET_PER_SECOND,
      accepted2xx: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      acknowledgedTotal: acknowledged.length,
      rowsInDatabase: rows,
      acknowledgedMissingFromDatabase: missing,
    };
    console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })));
    return figures;
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

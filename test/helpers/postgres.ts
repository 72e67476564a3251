// A real, throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, initdb into a temp directory, a
// free loopback port, trust authentication; run as the postgres user when we are root (the server refuses root).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type PostgresServer = {
  url: string;
  /** Stops the server at once (as if it crashed), keeping its data. */
  halt(): void;
  /** Starts it again on the same port and data. */
  resume(): void;
  /** Stops it and removes its data. */
  stop(): void;
};

const isRoot = () => process.getuid?.() === 0;

function binaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  const bin = versions.length > 0 ? join(root, versions.at(-1)!, 'bin') : null;
  if (!bin || !existsSync(join(bin, 'initdb')))
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql, or set TEST_DATABASE_URL');
  return bin;
}

function run(bin: string, program: string, args: string[]): void {
  const command = isRoot() ? 'runuser' : join(bin, program);
  const full = isRoot() ? ['-u', 'postgres', '--', join(bin, program), ...args] : args;
  execFileSync(command, full, { stdio: 'pipe' });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a fresh server with one database, `status`. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'status-pg-'));
  if (isRoot())
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres']).toString()),
      Number(execFileSync('id', ['-g', 'postgres']).toString()),
    );
  const port = await freePort();
  run(bin, 'initdb', ['-D', join(dir, 'db'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400`;
  const start = () =>
    run(bin, 'pg_ctl', ['-D', join(dir, 'db'), '-l', join(dir, 'pg.log'), '-w', '-o', options, 'start']);
  const halt = () => run(bin, 'pg_ctl', ['-D', join(dir, 'db'), '-m', 'immediate', 'stop']);
  start();
  run(bin, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'status']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/status`,
    halt,
    resume: start,
    stop() {
      try {
        halt();
      } catch {
        // already stopped
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The URL with one of its settings replaced (database name, search_path). */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A new, empty database on the server at `url`; every connection to the returned URL sees only it. */
export async function freshDatabase(url: string, prefix = 'test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(url, name),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A new, empty schema on the database at `url` (cheaper than a database); connections to the URL use only it. */
export async function freshSchema(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: scoped.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}

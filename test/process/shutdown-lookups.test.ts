// Shutdown of the real process while upstream name lookups never answer: this machine's name servers silent (set by a
// test-only preload, as /etc/resolv.conf would), and DNS_SERVERS pointed at a server that never replies.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { providersFileFor, startServer, tempDir, type ServerProcess } from '../helpers/process.ts';

let server: ServerProcess | undefined;
let resolver: UdpSocket | undefined;
let dir: string | undefined;

afterEach(async () => {
  await server?.kill();
  resolver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = resolver = dir = undefined;
});

/** A DNS server on loopback that reads every query and never answers; resolves with its port and the query count. */
async function silentResolver(): Promise<{ port: number; queries: () => number }> {
  let queries = 0;
  resolver = createSocket('udp4');
  resolver.on('message', () => (queries += 1));
  await new Promise<void>((resolve) => resolver!.bind(0, '127.0.0.1', resolve));
  return { port: resolver.address().port, queries: () => queries };
}

/** The server's env: one provider whose status page (http, by name) and probe (https, by name) both need a lookup. */
function envFor(directory: string): Record<string, string> {
  return {
    DATABASE_PATH: join(directory, 'status.db'),
    PROVIDERS_FILE: providersFileFor(directory, 'http://status.never-resolves.test:8080'),
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    POLL_INTERVAL_SECONDS: '60',
    POLL_TIMEOUT_SECONDS: '30',
    PROBE_TIMEOUT_SECONDS: '30',
  };
}

/** SIGTERM now; the exit must be clean, within 3 s, with the WAL checkpointed and nothing recorded by cut-off tasks. */
async function expectCleanExit(started: ServerProcess, directory: string, listeningAt: number): Promise<number> {
  const signalledAt = Date.now();
  expect(signalledAt - listeningAt).toBeLessThan(1000);
  started.child.kill('SIGTERM');
  const exit = await started.exited;
  expect(exit.code).toBe(0);
  const shutdownMs = exit.at - signalledAt;
  expect(shutdownMs).toBeLessThan(3000);
  expect(started.lines.some((line) => line.msg === 'shut down cleanly')).toBe(true);
  expect(started.lines.some((line) => /poll failed|probe failed/.test(line.msg ?? ''))).toBe(false);
  const wal = join(directory, 'status.db-wal');
  expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  const db = new Database(join(directory, 'status.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // A task cut off by shutdown is neither the provider's failure nor the source's: nothing recorded.
    expect(db.prepare('SELECT COUNT(*) AS n FROM source_checks').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM probe_results').get()).toEqual({ n: 0 });
  } finally {
    db.close();
  }
  return shutdownMs;
}

describe('shutdown while name lookups never answer', () => {
  it("the machine's name servers never answer: SIGTERM in the first cycle exits 0 within 3 s", async () => {
    dir = tempDir();
    const dns = await silentResolver();
    server = await startServer(
      { ...envFor(dir), TEST_SYSTEM_DNS_SERVER: `127.0.0.1:${dns.port}` },
      { preload: ['./test/helpers/system-dns.mjs'] },
    );
    const listeningAt = Date.now();
    await vi.waitFor(() => expect(dns.queries()).toBeGreaterThanOrEqual(2), { timeout: 900, interval: 20 });
    const page = await fetch(`${server.url}/anthropic`);
    expect(page.status).toBe(200);
    await expectCleanExit(server, dir, listeningAt);
  });

  it('DNS_SERVERS pointed at a server that never replies: SIGTERM in the first cycle exits 0 within 3 s', async () => {
    dir = tempDir();
    const dns = await silentResolver();
    server = await startServer({ ...envFor(dir), DNS_SERVERS: `127.0.0.1:${dns.port}` });
    const listeningAt = Date.now();
    await vi.waitFor(() => expect(dns.queries()).toBeGreaterThanOrEqual(2), { timeout: 900, interval: 20 });
    await expectCleanExit(server, dir, listeningAt);
  });
});

describe('shutdown during a report flood', () => {
  it('lookups stuck, 16 writers posting: SIGTERM exits 0 within 3 s and keeps every acknowledged report', async () => {
    dir = tempDir();
    const dns = await silentResolver();
    server = await startServer(
      {
        ...envFor(dir),
        TEST_SYSTEM_DNS_SERVER: `127.0.0.1:${dns.port}`,
        TRUST_PROXY: '127.0.0.1',
        REPORT_RATE_LIMIT_PER_10_MIN: '1000000',
      },
      { preload: ['./test/helpers/system-dns.mjs'] },
    );
    const started = server;
    const acked: string[] = [];
    let sent = 0;
    let signalledAt = 0;
    async function writer(): Promise<void> {
      for (;;) {
        const n = sent++;
        const model = `flood-${n}`;
        try {
          const response = await fetch(`${started.url}/api/v1/providers/anthropic/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.7.${(n >> 8) & 255}.${n & 255}` },
            body: JSON.stringify({ category: 'auth', model }),
          });
          await response.arrayBuffer();
          if (response.status === 202) acked.push(model);
          else if (signalledAt === 0) throw new Error(`report ${n} answered ${response.status}`);
        } catch (error) {
          if (signalledAt === 0) throw error;
          return;
        }
        if (acked.length >= 100 && signalledAt === 0) {
          signalledAt = Date.now();
          started.child.kill('SIGTERM');
        }
      }
    }
    await Promise.all(Array.from({ length: 16 }, writer));
    const exit = await started.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(3000);
    const db = new Database(join(dir, 'status.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(
        db
          .prepare<[], { model: string }>("SELECT model FROM reports WHERE model LIKE 'flood-%'")
          .all()
          .map((row) => row.model),
      );
      expect(acked.filter((model) => !stored.has(model))).toEqual([]);
    } finally {
      db.close();
    }
    const wal = join(dir, 'status.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  });
});

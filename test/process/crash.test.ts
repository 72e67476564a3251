// Crash safety: SIGKILL the real server in the middle of a stream of report POSTs, restart it on the same database,
// and find the database intact with every report that was answered 2xx.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';

const WRITERS = 8;
const KILL_AFTER_ACKED = 300;

let servers: ServerProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  servers = [];
  dir = undefined;
});

const start = async (databasePath: string) => {
  const server = await startServer({
    DATABASE_PATH: databasePath,
    JOBS: 'false',
    TRUST_PROXY: '127.0.0.1',
    REPORT_RATE_LIMIT_PER_10_MIN: '1000000',
  });
  servers.push(server);
  return server;
};

/** A distinct client network per report, so neither the rate limit nor the duplicate rule touches the stream. */
const clientAddress = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

describe('crash safety of the real process', () => {
  it('keeps every acknowledged report and an intact database after SIGKILL mid-stream', async () => {
    dir = tempDir();
    const databasePath = join(dir, 'status.db');
    const server = await start(databasePath);
    const acked: string[] = [];
    let sent = 0;
    let cut = 0;
    let killed = false;

    /** Posts reports one after another until the dying server fails one. */
    async function writer(): Promise<void> {
      for (;;) {
        const n = sent++;
        const model = `crash-${n}`;
        try {
          const response = await fetch(`${server.url}/api/v1/providers/anthropic/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress(n) },
            body: JSON.stringify({ category: n % 2 === 0 ? 'auth' : 'overloaded', model }),
          });
          await response.arrayBuffer();
          if (response.status >= 200 && response.status < 300) acked.push(model);
          else throw new Error(`report ${n} answered ${response.status}`);
        } catch (error) {
          if (!killed) throw error;
          cut += 1;
          return;
        }
        if (acked.length >= KILL_AFTER_ACKED && !killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, writer));
    expect((await server.exited).signal).toBe('SIGKILL');
    // Every writer was still posting when the process died: the stream really was cut in the middle.
    expect(cut).toBe(WRITERS);
    expect(sent).toBe(acked.length + WRITERS);

    const restarted = await start(databasePath);
    expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set(
      db
        .prepare<[], { model: string }>("SELECT model FROM reports WHERE model LIKE 'crash-%'")
        .all()
        .map((row) => row.model),
    );
    db.close();
    expect(acked.filter((model) => !stored.has(model))).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKED);
  });
});

// Graceful shutdown of the real server process: SIGTERM mid-request and mid-poll, and a second signal.
import { existsSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WARMING_REASON } from '../../src/ops/readiness.ts';
import { SHUTDOWN_GRACE_MS } from '../../src/shutdown.ts';
import { providersFileFor, startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import { startUpstream, type Upstream } from '../helpers/upstream.ts';

let server: ServerProcess | undefined;
let upstream: Upstream | undefined;
let dir: string | undefined;

afterEach(async () => {
  await server?.kill();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = upstream = dir = undefined;
});

/** A real server polling a status page that never answers, so a poll is always in flight. */
async function startPollingServer(): Promise<ServerProcess> {
  upstream = await startUpstream({
    '/api/v2/summary.json': { fault: 'hang-before-headers' },
    '/api/v2/incidents.json': { fault: 'hang-before-headers' },
    '/api/v2/scheduled-maintenances.json': { fault: 'hang-before-headers' },
  });
  dir = tempDir();
  const started = await startServer({
    DATABASE_PATH: join(dir, 'status.db'),
    PROVIDERS_FILE: providersFileFor(dir, upstream.url),
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    POLL_INTERVAL_SECONDS: '1',
    POLL_TIMEOUT_SECONDS: '30',
    // Each request's arrival is logged at debug: the tests wait for theirs.
    LOG_LEVEL: 'debug',
  });
  await vi.waitFor(() => expect(upstream!.requests.length).toBeGreaterThan(0), { timeout: 5000 });
  // The start's warm-up (its own request included) is over: the next request the server logs is the test's.
  await vi.waitFor(
    async () => expect(await (await fetch(`${started.url}/readyz`)).text()).not.toContain(WARMING_REASON),
    { timeout: 10_000 },
  );
  await vi.waitFor(() => expect(started.lines.filter((l) => l.msg === 'request completed').length).toBeGreaterThan(1));
  return started;
}

/** Reads one whole HTTP response (the server closes or the body ends) from a raw socket. */
function responseOf(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('shutdown of the real process', () => {
  it('SIGTERM: finishes the keep-alive request, aborts the hung poll, checkpoints WAL, exits 0 in 3 s', async () => {
    server = await startPollingServer();
    const logged = server.lines.length;
    const { port } = new URL(server.url);
    const body = JSON.stringify({ category: 'auth', model: 'during-shutdown' });
    const socket = connect(Number(port), '127.0.0.1');
    const response = responseOf(socket);
    socket.write(
      `POST /api/v1/providers/anthropic/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ` +
        `application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.slice(0, 10));
    await vi.waitFor(() => expect(server!.lines.slice(logged).map((l) => l.msg)).toContain('incoming request'), {
      timeout: 5000,
    });

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await server.waitForLog(/^shutting down$/);
    socket.write(body.slice(10));

    // The client asked for keep-alive; the server answers and closes, so the connection cannot hold shutdown open.
    const answer = await response;
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(3000);
    expect(server.lines.some((line) => line.msg === 'shut down cleanly')).toBe(true);
    const wal = join(dir!, 'status.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    const db = new Database(join(dir!, 'status.db'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM reports WHERE model = ?').get('during-shutdown')).toEqual({ n: 1 });
    db.close();
  });

  it('exits at once on a second signal while the first shutdown is still running', async () => {
    server = await startPollingServer();
    const logged = server.lines.length;
    const { port } = new URL(server.url);
    // A request that never completes its body holds app.close() open until the grace period would end.
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      'POST /api/v1/providers/anthropic/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ' +
        'application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    await vi.waitFor(() => expect(server!.lines.slice(logged).map((l) => l.msg)).toContain('incoming request'), {
      timeout: 5000,
    });

    server.child.kill('SIGTERM');
    await server.waitForLog(/^shutting down$/);
    const secondAt = Date.now();
    server.child.kill('SIGINT');
    const exit = await server.exited;
    socket.destroy();
    expect(exit.code).toBe(1);
    expect(exit.at - secondAt).toBeLessThan(SHUTDOWN_GRACE_MS);
    expect(server.lines.some((line) => line.msg === 'second SIGINT, exiting')).toBe(true);
    expect(server.lines.some((line) => line.msg === 'shut down cleanly')).toBe(false);
  });
});

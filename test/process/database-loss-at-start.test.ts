// PostgreSQL going away while a node starts (between its migrations and its first write of the catalog, within a
// fraction of a second of start): the node says so in one line, waits, and serves once the database is back.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.ts';
import { startServer, type ServerProcess } from '../helpers/process.ts';

/** How long the database stays away once cut. */
const OUTAGE_MS = 2000;

let database: { url: string; drop(): Promise<void> };
let proxy: Server;
let node: ServerProcess | undefined;
let cutAt = 0;

/** A loopback TCP proxy to PostgreSQL that drops every connection the moment the catalog is first written. */
function startCuttingProxy(target: URL): Promise<Server> {
  const sockets = new Set<Socket>();
  let downUntil = 0;
  const server = createServer((client) => {
    if (Date.now() < downUntil) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (cutAt === 0 && /insert into "?providers\b/i.test(chunk.toString('latin1'))) {
        cutAt = Date.now();
        downUntil = cutAt + OUTAGE_MS;
        for (const socket of sockets) socket.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const)
      a.on('close', () => (b.destroy(), sockets.delete(a))).on('error', () => b.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  database = await freshDatabase(inject('postgresUrl'), 'startloss');
  proxy = await startCuttingProxy(new URL(database.url));
}, 60_000);

afterAll(async () => {
  await node?.kill();
  await new Promise((resolve) => proxy?.close(resolve));
  await database?.drop();
});

describe('a node whose PostgreSQL goes away during start', () => {
  it('does not exit: it waits, and is ready once the database is back', async () => {
    const url = new URL(database.url);
    url.port = String((proxy.address() as AddressInfo).port);
    const started = Date.now();
    node = await startServer({
      DATABASE_URL: url.toString(),
      SECRET: 'a-secret-for-the-start-loss-test-0123456',
      JOBS: 'false',
    });
    expect(cutAt).toBeGreaterThan(started);
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(OUTAGE_MS - 100);
    expect(node.child.exitCode).toBeNull();
    let ready = await fetch(`${node.url}/readyz`);
    const deadline = Date.now() + 20_000;
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ready = await fetch(`${node.url}/readyz`);
    }
    expect(ready.status).toBe(200);
    expect((await fetch(`${node.url}/anthropic`)).status).toBe(200);
  }, 60_000);
});

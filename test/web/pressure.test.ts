// Load shedding and server timeouts: 503 with Retry-After when the app cannot serve, and slow clients cut off.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseAnswers, PRESSURE_RETRY_AFTER_SECONDS } from '../../src/web/http/pressure.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('under pressure', () => {
  it('answers pages and the API with 503 and Retry-After while unhealthy, and keeps /healthz answering', async () => {
    h = await createHarness({ healthy: () => false });
    const page = await h.app.inject({ url: '/anthropic' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe(String(PRESSURE_RETRY_AFTER_SECONDS));
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(textOf(page.body)).toContain('Service busy');

    const api = await h.app.inject({ url: '/api/v1/providers/anthropic' });
    expect(api.statusCode).toBe(503);
    expect(api.headers['retry-after']).toBe(String(PRESSURE_RETRY_AFTER_SECONDS));
    expect(api.json()).toMatchObject({ status: 503, error: { status: 503, message: expect.stringContaining('busy') } });

    const report = await h.app.inject({
      method: 'POST',
      url: '/api/v1/providers/anthropic/reports',
      payload: { category: 'auth' },
    });
    expect(report.statusCode).toBe(503);
    expect(h.store.sqlite!.prepare('SELECT COUNT(*) AS n FROM reports').get()).toEqual({ n: 0 });

    expect((await h.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('serves normally while healthy', async () => {
    h = await createHarness({ healthy: () => true });
    const page = await h.app.inject({ url: '/anthropic' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['retry-after']).toBeUndefined();
  });

  it('sheds load when the event loop lags past MAX_EVENT_LOOP_DELAY_MS, and never with the limit off', async () => {
    h = await createHarness({ env: { MAX_EVENT_LOOP_DELAY_MS: '20' } });
    const relaxed = await createHarness();
    try {
      expect(relaxed.config.maxEventLoopDelayMs).toBe(0);
      // Busy 50 ms of every 60 for 1.5 s: the delay the limit samples (once a second) is far above 20 ms.
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        const busyUntil = Date.now() + 50;
        while (Date.now() < busyUntil);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const shed = await h.app.inject({ url: '/anthropic' });
      expect(shed.statusCode).toBe(503);
      expect(shed.headers['retry-after']).toBe(String(PRESSURE_RETRY_AFTER_SECONDS));
      expect((await relaxed.app.inject({ url: '/anthropic' })).statusCode).toBe(200);
    } finally {
      await relaxed.close();
    }
  });

  it('counts the database as healthy while it answers, and not once it is closed', async () => {
    h = await createHarness();
    const healthy = databaseAnswers(h.store);
    expect(await healthy()).toBe(true);
    h.store.sqlite!.close();
    expect(await healthy()).toBe(false);
  });
});

describe('server timeouts', () => {
  it('closes the connection of a client that sends its headers too slowly (slowloris)', async () => {
    h = await createHarness({ env: { HEADERS_TIMEOUT_SECONDS: '1', REQUEST_TIMEOUT_SECONDS: '5' } });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const socket = connect(Number(new URL(address).port), '127.0.0.1');
    let received = '';
    let headerLines = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    const openedAt = Date.now();
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // One more header line every 100 ms keeps the socket busy, so only the headers timeout can end it.
    const drip = setInterval(() => socket.write(`X-Slow-${headerLines++}: ${'a'.repeat(10)}\r\n`), 100);
    await new Promise((resolve) => socket.on('close', resolve));
    clearInterval(drip);
    const openMs = Date.now() - openedAt;

    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(headerLines).toBeGreaterThan(5);
    // Closed after the 1 s headers timeout plus at most Node's 1 s checking interval, long before the 5 s request
    // timeout.
    expect(openMs).toBeGreaterThanOrEqual(1000);
    expect(openMs).toBeLessThan(3000);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    h = await createHarness({ env: { KEEP_ALIVE_TIMEOUT_SECONDS: '1' } });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const socket = connect(Number(new URL(address).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const answeredAt = await new Promise<number>((resolve) => socket.once('data', () => resolve(Date.now())));
    await new Promise((resolve) => socket.on('close', resolve));
    const idleMs = Date.now() - answeredAt;

    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.toLowerCase()).toContain('keep-alive: timeout=1');
    expect(idleMs).toBeGreaterThanOrEqual(900);
    expect(idleMs).toBeLessThan(3000);
  });
});

// The door's resolver: DNS queries from the event loop, cancelled on close; localhost answered as loopback.
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsServersResolver } from '../../src/sources/lookup.ts';

const silent = createSocket('udp4');
let queries = 0;
beforeAll(async () => {
  silent.on('message', () => (queries += 1));
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
});
afterAll(() => silent.close());

const lookupOnce = (resolver: ReturnType<typeof dnsServersResolver>, hostname: string, all = false) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
    resolver.lookup(hostname, { all }, (error, address) => resolve({ error, address })),
  );

describe('dnsServersResolver', () => {
  it('asks the given server, and close() ends a query it never answers at once, as cancelled', async () => {
    const resolver = dnsServersResolver([`127.0.0.1:${silent.address().port}`], 60_000);
    const before = queries;
    const pending = lookupOnce(resolver, 'status.example.com');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(queries).toBeGreaterThan(before);
    const closedAt = Date.now();
    resolver.close();
    const { error } = await pending;
    expect(error?.code).toBe('ECANCELLED');
    expect(Date.now() - closedAt).toBeLessThan(200);
  });

  it('answers localhost names with loopback without asking anyone', async () => {
    const resolver = dnsServersResolver([`127.0.0.1:${silent.address().port}`], 60_000);
    const before = queries;
    expect((await lookupOnce(resolver, 'localhost')).address).toBe('127.0.0.1');
    expect((await lookupOnce(resolver, 'api.localhost', true)).address).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(queries).toBe(before);
    resolver.close();
  });
});

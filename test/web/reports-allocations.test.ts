// A community spike needs distinct reporters by allocation (IPv6 /48) as well as by network (/64): seven /64s inside
// one /48 cannot raise a provider alone. Real app, reports posted through the JSON route behind a trusted proxy.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMUNITY_SPIKE_MIN_ALLOCATIONS } from '../../src/status/community.ts';
import { allocationOf, createClientKeys } from '../../src/web/http/client-key.ts';
import { createHarness, type Harness } from '../helpers/app.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const report = (harness: Harness, address: string) =>
  harness.app.inject({
    method: 'POST',
    url: '/api/v1/providers/anthropic/reports',
    remoteAddress: '127.0.0.1',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    payload: { category: 'auth' },
  });

type Reports = { recent: number; spike: boolean; rules: { spikeMinAllocations: number } };
const communityOf = async (harness: Harness): Promise<{ level: string; reports: Reports }> =>
  (await harness.app.inject({ url: '/api/v1/providers/anthropic' })).json();

describe('allocations', () => {
  it.each([
    ['2001:db8:aa:1::1', '2001:db8:aa::/48'],
    ['2001:db8:aa:ffff:1:2:3:4', '2001:db8:aa::/48'],
    ['2001:DB8:AB::9', '2001:db8:ab::/48'],
    ['198.51.100.7', '198.51.100.7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
  ])('%s belongs to %s', (address, allocation) => {
    expect(allocationOf(address)).toBe(allocation);
  });

  it('keys one allocation alike for all its /64s, and never contain the address', () => {
    const keys = createClientKeys();
    const now = Date.UTC(2026, 10, 22, 12);
    const a = keys.allocationKeyOf('2001:db8:aa:1::1', now);
    expect(keys.allocationKeyOf('2001:db8:aa:2::1', now)).toBe(a);
    expect(keys.allocationKeyOf('2001:db8:ab:1::1', now)).not.toBe(a);
    expect(keys.keyOf('2001:db8:aa:1::1', now)).not.toBe(keys.keyOf('2001:db8:aa:2::1', now));
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('a community spike', () => {
  it('is not raised by seven /64s inside one /48: every report counts, the spike does not', async () => {
    h = await createHarness({ env: { TRUST_PROXY: '127.0.0.1' } });
    for (let i = 1; i <= 7; i += 1) expect((await report(h, `2001:db8:aa:${i}::1`)).statusCode).toBe(202);
    const { level, reports } = await communityOf(h);
    expect(reports.recent).toBe(7);
    expect(reports.spike).toBe(false);
    expect(reports.rules.spikeMinAllocations).toBe(COMMUNITY_SPIKE_MIN_ALLOCATIONS);
    expect(level).not.toBe('degraded');
    const rows = h.store.sqlite!.prepare('SELECT client_hash AS c, allocation_hash AS a FROM reports').all() as {
      c: string;
      a: string;
    }[];
    expect(new Set(rows.map((r) => r.c)).size).toBe(7);
    expect(new Set(rows.map((r) => r.a)).size).toBe(1);
    expect(JSON.stringify(rows)).not.toMatch(/2001|db8/);
  });

  it('is raised by six reports from six /48s (three times the floor of two)', async () => {
    h = await createHarness({ env: { TRUST_PROXY: '127.0.0.1' } });
    for (let i = 1; i <= 6; i += 1) expect((await report(h, `2001:db8:${i}:1::1`)).statusCode).toBe(202);
    const { reports } = await communityOf(h);
    expect(reports.recent).toBe(6);
    expect(reports.spike).toBe(true);
  });

  it('four /48s with seven /64s between them are still not enough', async () => {
    h = await createHarness({ env: { TRUST_PROXY: '127.0.0.1' } });
    for (const address of ['1:1', '1:2', '1:3', '2:1', '3:1', '4:1', '4:2'])
      expect((await report(h, `2001:db8:${address}::1`)).statusCode).toBe(202);
    const { reports } = await communityOf(h);
    expect(reports.recent).toBe(7);
    expect(reports.spike).toBe(false);
  });
});

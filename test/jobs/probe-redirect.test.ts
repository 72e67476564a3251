// A probe redirected to a forbidden target is our refusal: recorded as nothing, never `unexpected_status 307` and
// never an outage. Real probe job, real door, a fake API on 127.0.0.1 answering with the redirect.
import { afterEach, describe, expect, it } from 'vitest';
import { createProbeJob } from '../../src/jobs/probe.ts';
import type { UpstreamPolicy } from '../../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { catalogWith, createHarness, type Harness } from '../helpers/app.ts';
import { apiLookup, probingAt, startFakeApi, type FakeApi } from '../helpers/probe.ts';

let h: Harness | undefined;
let api: FakeApi | undefined;
afterEach(async () => {
  await h?.close();
  await api?.close();
  h = api = undefined;
});

/** Loopback 127.0.0.1 (the fake API) is allowed; every other private address, 127.0.0.2 included, is not. */
const policy: UpstreamPolicy = { allowHttp: true, isAllowedAddress: (address) => address === '127.0.0.1' };

describe('a probe redirected to a forbidden target', () => {
  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a file URL', 'file:///etc/passwd'],
    ['loopback that is not allowed', 'http://127.0.0.2/v1/models'],
    ['a name resolving to a forbidden address', 'http://metadata.internal.test/'],
    ['an IPv4-compatible form of the metadata address', 'http://[::a9fe:a9fe]/'],
  ])('to %s records nothing, warns, and never reads as an outage', async (_what, location) => {
    api = await startFakeApi({ status: 307, headers: { location }, body: '' });
    h = await createHarness({ catalog: catalogWith([probingAt(api.url('openai'))]) });
    const agent = createUpstreamDispatcher({
      policy,
      lookup: (hostname, options, callback) =>
        hostname === 'metadata.internal.test'
          ? (callback as (e: null, a: string, f: number) => void)(null, '169.254.169.254', 4)
          : apiLookup(hostname, options, callback),
    });
    const warnings: { details: object; message: string }[] = [];
    const job = createProbeJob({
      catalog: h.catalog,
      results: h.store.probes,
      door: createHttpDoor({ dispatcher: agent, policy, userAgent: 'test' }),
      clock: { now: () => h!.clock.now, setTimeout: () => 0, clearTimeout: () => undefined },
      intervalMs: h.config.probeIntervalMs,
      deadlineMs: 1000,
      log: { warn: (details, message) => warnings.push({ details, message }), debug: () => undefined },
    });
    try {
      for (let cycle = 0; cycle < 4; cycle += 1) {
        await job.runCycle();
        h.clock.now += h.config.probeIntervalMs;
      }
      expect(api.requests.length).toBe(4);
      expect(await h.store.probes.since('openai', 0)).toEqual([]);
      expect(warnings).toHaveLength(4);
      expect(warnings[0]!.message).toBe('probe target refused by the address policy');
      expect(JSON.stringify(warnings[0]!.details)).toMatch(/redirect to a forbidden (target|address)/);
      const json = (await h.app.inject({ url: '/api/v1/providers/openai' })).json();
      expect(json.level).not.toMatch(/outage|degraded/);
      expect(JSON.stringify(json)).not.toContain('unexpected_status');
    } finally {
      await job.close();
      await agent.close();
    }
  });
});

// Durations past what a timer can hold: refused at boot with one line each, and never a 1 ms timer in a schedule.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../src/config.ts';
import { parseConfig } from '../src/config.ts';
import { createPollJob } from '../src/jobs/poll.ts';
import { systemClock } from '../src/jobs/clock.ts';
import { MAX_TIMER_MS } from '../src/time.ts';
import { catalogWith, createHarness } from './helpers/app.ts';
import { providerLike, testLookup } from './helpers/poll.ts';
import { fixture, json, startUpstream } from './helpers/upstream.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../src/sources/http.ts';
import { upstreamPolicy } from '../src/sources/addresses.ts';

const TIMER_SECONDS = [
  'POLL_INTERVAL_SECONDS',
  'PROBE_INTERVAL_SECONDS',
  'POLL_TIMEOUT_SECONDS',
  'PROBE_TIMEOUT_SECONDS',
  'REQUEST_TIMEOUT_SECONDS',
  'HEADERS_TIMEOUT_SECONDS',
];

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('durations a timer cannot hold', () => {
  it.each(TIMER_SECONDS)('%s above 2,147,483 s is refused with one line; 2,147,483 s is accepted', (name) => {
    const env: Record<string, string> =
      name === 'HEADERS_TIMEOUT_SECONDS' ? { REQUEST_TIMEOUT_SECONDS: '2147483' } : {};
    expect(problemsOf({ ...env, [name]: '2147484' })).toEqual([
      `${name}="2147484": expected a whole number of seconds, at most 2147483 (about 24 days)`,
    ]);
    expect(problemsOf({ ...env, [name]: '2147483' })).toEqual([]);
  });

  it('KEEP_ALIVE_TIMEOUT_SECONDS leaves room for the second Node.js adds to it', () => {
    expect(problemsOf({ KEEP_ALIVE_TIMEOUT_SECONDS: '2147483' })).toEqual([
      'KEEP_ALIVE_TIMEOUT_SECONDS="2147483": expected a whole number of seconds, at most 2147482 (the connection ' +
        'timer adds a second)',
    ]);
    expect(problemsOf({ KEEP_ALIVE_TIMEOUT_SECONDS: '2147482' })).toEqual([]);
  });

  it.each<Record<string, string>>([
    { REQUEST_TIMEOUT_SECONDS: '400', HEADERS_TIMEOUT_SECONDS: '301' },
    { REQUEST_TIMEOUT_SECONDS: '2147483', HEADERS_TIMEOUT_SECONDS: '2147483', KEEP_ALIVE_TIMEOUT_SECONDS: '2147482' },
  ])('every accepted timeout boots, serves and warns of nothing: %o', async (env) => {
    expect(problemsOf(env)).toEqual([]);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const h = await createHarness({ env });
    try {
      const origin = await h.app.listen({ port: 0, host: '127.0.0.1' });
      for (let i = 0; i < 3; i += 1) expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await h.close();
    }
  });

  it('MAX_EVENT_LOOP_DELAY_MS above what a timer holds is refused', () => {
    expect(problemsOf({ MAX_EVENT_LOOP_DELAY_MS: String(MAX_TIMER_MS + 1) })).toEqual([
      `MAX_EVENT_LOOP_DELAY_MS="${MAX_TIMER_MS + 1}": expected a whole number of milliseconds, at most ${MAX_TIMER_MS}`,
    ]);
  });

  it('the server process stops at boot with one line for POLL_INTERVAL_SECONDS=3000000', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH, POLL_INTERVAL_SECONDS: '3000000', DATABASE_PATH: ':memory:' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([
      'Invalid configuration:',
      '  POLL_INTERVAL_SECONDS="3000000": expected a whole number of seconds, at most 2147483 (about 24 days)',
    ]);
  });

  it('a schedule whose delays (interval plus jitter, deadline plus slack) pass the limit polls once', async () => {
    const upstream = await startUpstream({
      '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic.json')),
      '/api/v2/incidents.json': json('{"incidents":[]}'),
      '/api/v2/scheduled-maintenances.json': json('{"scheduled_maintenances":[]}'),
    });
    const h = await createHarness({
      catalog: catalogWith([providerLike('anthropic', { format: 'statuspage', url: upstream.url })]),
    });
    const policy = upstreamPolicy(true);
    const agent = createUpstreamDispatcher({ policy, lookup: testLookup });
    const job = createPollJob({
      catalog: h.catalog,
      store: h.store,
      door: createHttpDoor({ dispatcher: agent, policy, userAgent: 'test' }),
      clock: systemClock,
      // Derived delays can pass the limit even with every setting in range: interval plus jitter, a probe task's
      // timeout (providers × deadline). The clock holds them at the limit instead of firing them at once.
      intervalMs: MAX_TIMER_MS,
      deadlineMs: MAX_TIMER_MS,
      concurrency: 4,
    });
    try {
      job.start();
      await new Promise((resolve) => setTimeout(resolve, 400));
      const polls = upstream.requests.filter((r) => r.path === '/api/v2/summary.json').length;
      expect(polls).toBe(1);
      expect((await h.store.checks.summary('anthropic', 'main')).lastOkAt).not.toBeNull();
    } finally {
      await job.close();
      await agent.close();
      await upstream.close();
      await h.close();
    }
  });
});

describe('DNS_SERVERS', () => {
  it('takes addresses with optional ports', () => {
    expect(parseConfig({ DNS_SERVERS: '1.1.1.1, [2606:4700::1111]:53,127.0.0.1:5353,::1' }).dnsServers).toEqual([
      '1.1.1.1',
      '[2606:4700::1111]:53',
      '127.0.0.1:5353',
      '::1',
    ]);
  });

  it.each(['dns.google', '1.1.1.1:0', '1.1.1.1:99999', '[::1', '300.1.1.1'])('refuses %s with one line', (value) => {
    expect(problemsOf({ DNS_SERVERS: value })).toEqual([
      `DNS_SERVERS=${JSON.stringify(value)}: expected a comma-separated list of name server addresses, ` +
        'each optionally with a port (1.1.1.1,[::1]:5353)',
    ]);
  });
});

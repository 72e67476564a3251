// The fault matrix: every way a status page can fail ends as a recorded source failure of the right kind,
// never a crash or an outage, with the other providers unaffected and the cycle bounded by the deadline.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/catalog/schema.ts';
import { MAIN_DOCUMENT, type CheckOutcome } from '../../src/domain.ts';
import type { CycleStats } from '../../src/jobs/scheduler.ts';
import { catalogWith, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Answer, type Upstream } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 6, 13, 0);
const DEADLINE_MS = 400;
const healthy = fixture('statuspage-summary-anthropic.json');

const FAULTS: Record<string, { answer: Answer; expected: CheckOutcome }> = {
  'hang-headers': { answer: { fault: 'hang-before-headers' }, expected: 'timeout' },
  'hang-body': { answer: json(healthy, { fault: 'hang-mid-body' }), expected: 'timeout' },
  reset: { answer: { fault: 'reset' }, expected: 'network' },
  'server-error': {
    answer: { status: 500, type: 'text/html', body: '<h1>Internal Server Error</h1>' },
    expected: 'http',
  },
  'rate-limited': {
    answer: { status: 429, type: 'application/json', body: '{}', headers: { 'retry-after': '150' } },
    expected: 'http',
  },
  'invalid-json': { answer: json('{"page": {"id": "x"}, "components": [ {"id": '), expected: 'parse' },
  'wrong-shape': {
    answer: json({ page: { id: 'x' }, components: 'all good', status: { indicator: 3 } }),
    expected: 'schema',
  },
  oversized: {
    answer: json(JSON.stringify({ components: [], pad: 'z'.repeat(3 * 1024 * 1024) })),
    expected: 'too_large',
  },
  'html-not-json': {
    answer: { type: 'text/html; charset=utf-8', body: '<!doctype html><title>Just a moment...</title>' },
    expected: 'content_type',
  },
  'private-redirect': {
    answer: { status: 302, headers: { location: 'http://private.test/api/v2/summary.json' } },
    expected: 'blocked',
  },
};

let h: Harness;
let rig: PollRig;
let stats: CycleStats;
let elapsedMs: number;
const ups: Upstream[] = [];

beforeAll(async () => {
  const providers: Provider[] = [];
  for (const [slug, fault] of Object.entries(FAULTS)) {
    const up = await startUpstream({ '/api/v2/summary.json': fault.answer });
    ups.push(up);
    providers.push(providerLike(slug, { format: 'statuspage', url: up.url }));
  }
  const good = await startUpstream({
    '/api/v2/summary.json': json(healthy),
    '/api/v2/incidents.json': json('{"incidents": []}'),
    '/api/v2/scheduled-maintenances.json': json('{"scheduled_maintenances": []}'),
  });
  ups.push(good);
  providers.push(providerLike('anthropic', { format: 'statuspage', url: good.url }));
  providers.push(providerLike('unknown-host', { format: 'statuspage', url: 'http://nowhere.invalid' }));
  h = await createHarness({ catalog: catalogWith(providers), now: NOW, env: { POLL_INTERVAL_SECONDS: '60' } });
  rig = pollRig(h, { deadlineMs: DEADLINE_MS, concurrency: 16 });
  const started = performance.now();
  stats = await rig.job.runCycle();
  elapsedMs = performance.now() - started;
});
afterAll(async () => {
  await rig.close();
  await h.close();
  await Promise.all(ups.map((u) => u.close()));
});

describe('fault matrix', () => {
  it.each([...Object.entries(FAULTS).map(([slug, f]) => [slug, f.expected]), ['unknown-host', 'dns']])(
    '%s is recorded as %s, not as an outage',
    async (slug, expected) => {
      const check = await h.store.checks.summary(slug, MAIN_DOCUMENT);
      expect(check.lastFailure?.outcome).toBe(expected);
      expect(check.lastOkAt).toBeNull();
      const j = (await h.app.inject({ url: `/api/v1/providers/${slug}` })).json();
      expect(j.level).toBe('unknown');
      expect(j.official).toMatchObject({ state: 'never', lastFailure: { outcome: expected } });
      expect(j.components.every((c: { source: string }) => c.source === 'catalog')).toBe(true);
      const page = await h.app.inject({ url: `/${slug}` });
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toMatch(/The status page could not be read since 6 Oct 2026, 13:00 UTC: /);
    },
  );

  it('keeps the healthy provider unaffected', async () => {
    const j = (await h.app.inject({ url: '/api/v1/providers/anthropic' })).json();
    expect(j.official.state).toBe('fresh');
    expect(j.level).toBe('operational');
  });

  it('records the HTTP status, and honours Retry-After in the schedule', async () => {
    expect((await h.store.checks.summary('server-error', MAIN_DOCUMENT)).lastFailure).toMatchObject({
      httpStatus: 500,
      detail: 'HTTP 500',
    });
    expect(rig.job.dueAt('rate-limited')).toBe(NOW + 150_000);
    expect(rig.job.dueAt('server-error')).toBe(NOW + 60_000);
  });

  it('ends the cycle within the deadline plus a margin, every task accounted for', () => {
    expect(stats).toMatchObject({ ran: 12, failed: 11, timedOut: 0 });
    expect(elapsedMs).toBeLessThan(DEADLINE_MS + 1500);
  });
});

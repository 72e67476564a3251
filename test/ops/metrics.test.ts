// Metrics as Prometheus scrapes them: real traffic on the public port, the real poll and probe jobs against fake
// upstreams, then a real scrape of the metrics listener, asserting each series and its value.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/ops/metrics.ts';
import { createMetricsServer } from '../../src/ops/metrics-server.ts';
import { catalogWith, createHarness, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { probeRig, probingAt, startFakeApi, type FakeApi, type ProbeRig } from '../helpers/probe.ts';
import { tokenIn } from '../helpers/reports.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

let dir: string;
let h: Harness;
let metrics: Metrics;
let scrapes: Server;
let site: string;
let metricsUrl: string;
let upstream: Upstream;
let api: FakeApi;
let poll: PollRig;
let probe: ProbeRig;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'status-metrics-'));
  upstream = await startUpstream({
    '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic.json')),
    '/api/v2/incidents.json': json(fixture('statuspage-incidents-anthropic.json')),
    '/api/v2/scheduled-maintenances.json': json(fixture('statuspage-scheduled-maintenances-upcoming.json')),
  });
  api = await startFakeApi({ status: 401, body: fixture('errors/openai-401-invalid-key.json') });
  const databasePath = join(dir, 'status.db');
  metrics = createMetrics({ databasePath });
  h = await createHarness({
    catalog: catalogWith([
      { ...providerLike('anthropic', { format: 'statuspage', url: upstream.url }), probe: null },
      { ...probingAt(api.url('openai')), statusPage: null },
    ]),
    metrics,
    env: { DATABASE_PATH: databasePath, ALLOW_PRIVATE_UPSTREAMS: 'true' },
  });
  site = await h.app.listen({ port: 0, host: '127.0.0.1' });
  scrapes = createMetricsServer(metrics);
  await new Promise<void>((resolve) => scrapes.listen(0, '127.0.0.1', resolve));
  metricsUrl = `http://127.0.0.1:${(scrapes.address() as { port: number }).port}/metrics`;
  poll = pollRig(h, { recorder: metrics });
  probe = probeRig(h, { recorder: metrics });
});

afterAll(async () => {
  await poll.close();
  await probe.close();
  await new Promise((resolve) => scrapes.close(resolve));
  await h.close();
  await upstream.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Scrapes the metrics listener; returns the exposition text. */
async function scrape(): Promise<string> {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return res.text();
}

/** The value of one sample, e.g. `status_renders_total` or `x_total{a="b"}` (labels in exposition order). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const requests = (route: string, status: number, method = 'GET') =>
  `http_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"}`;

describe('the metrics listener', () => {
  it('counts requests by route pattern and status, never by raw URL', async () => {
    for (const path of ['/', '/', '/openai', '/no-such-provider', '/a/b/c/d/e/f']) await fetch(`${site}${path}`);
    const text = await scrape();
    expect(sample(text, requests('/', 200))).toBe(2);
    expect(sample(text, requests('/:provider', 200))).toBe(1);
    expect(sample(text, requests('/:provider', 404))).toBe(1);
    expect(sample(text, requests('unmatched', 404))).toBe(1);
    expect(text).not.toContain('no-such-provider');
    expect(text).not.toContain('/a/b/c');
    const sum = sample(text, 'http_request_duration_seconds_sum{method="GET",route="/",status_code="200"}')!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(30);
  });

  it('counts renders and render-cache hits', async () => {
    const before = await scrape();
    await fetch(`${site}/anthropic/error/auth-error`);
    const rendered = await scrape();
    expect(sample(rendered, 'status_renders_total')).toBe(sample(before, 'status_renders_total')! + 1);
    expect(sample(rendered, 'status_render_cache_hits_total')).toBe(sample(before, 'status_render_cache_hits_total'));
    await fetch(`${site}/anthropic/error/auth-error`);
    const hit = await scrape();
    expect(sample(hit, 'status_renders_total')).toBe(sample(rendered, 'status_renders_total'));
    expect(sample(hit, 'status_render_cache_hits_total')).toBe(sample(rendered, 'status_render_cache_hits_total')! + 1);
  });

  it('counts poll attempts by provider and outcome', async () => {
    await poll.job.runCycle();
    upstream.set('/api/v2/summary.json', { status: 503, type: 'text/html', body: '<html>busy</html>' });
    h.clock.now += h.config.pollIntervalMs;
    await poll.job.runCycle();
    const text = await scrape();
    expect(sample(text, 'status_poll_attempts_total{provider="anthropic",outcome="ok"}')).toBe(1);
    expect(sample(text, 'status_poll_attempts_total{provider="anthropic",outcome="http"}')).toBe(1);
  });

  it('counts probe outcomes and their latency by provider', async () => {
    await probe.job.runCycle();
    api.set({ status: 502, type: 'text/html', body: '<html>502 Bad Gateway</html>', delayMs: 300 });
    h.clock.now += h.config.probeIntervalMs;
    await probe.job.runCycle();
    const text = await scrape();
    expect(sample(text, 'status_probe_results_total{provider="openai",outcome="rejected_as_expected"}')).toBe(1);
    expect(sample(text, 'status_probe_results_total{provider="openai",outcome="unexpected_status"}')).toBe(1);
    expect(sample(text, 'status_probe_latency_seconds_count{provider="openai"}')).toBe(2);
    // The slow answer falls above 0.3 s, the quick one below it.
    expect(sample(text, 'status_probe_latency_seconds_bucket{le="0.2",provider="openai"}')).toBe(1);
    expect(sample(text, 'status_probe_latency_seconds_sum{provider="openai"}')).toBeGreaterThanOrEqual(0.3);
  });

  it('counts reports accepted and ignored by reason', async () => {
    const send = () =>
      fetch(`${site}/api/v1/providers/openai/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'auth' }),
      });
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    // The form sent the instant the page was served: stored, not counted (too fast for a person).
    const token = tokenIn(await (await fetch(`${site}/openai`)).text());
    const form = await fetch(`${site}/openai/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, category: 'rate_limit', page: '' }).toString(),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    const text = await scrape();
    expect(sample(text, 'status_reports_accepted_total{provider="openai"}')).toBe(1);
    expect(sample(text, 'status_reports_ignored_total{provider="openai",reason="duplicate"}')).toBe(1);
    expect(sample(text, 'status_reports_ignored_total{provider="openai",reason="too_fast"}')).toBe(1);
    expect(sample(text, requests('/api/v1/providers/:provider/reports', 202, 'POST'))).toBe(2);
  });

  it("reports the database's size and Node's event-loop delay", async () => {
    const text = await scrape();
    const path = h.config.databasePath;
    expect(sample(text, 'status_database_size_bytes{file="database"}')).toBe(statSync(path).size);
    expect(sample(text, 'status_database_size_bytes{file="wal"}')).toBe(statSync(`${path}-wal`).size);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('answers only /metrics, and the public port has no /metrics', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(`${metricsUrl}`, { method: 'POST' })).status).toBe(405);
    const pub = await fetch(`${site}/metrics`);
    expect(pub.status).toBe(404);
    expect(await pub.text()).not.toContain('http_request_duration_seconds');
  });
});

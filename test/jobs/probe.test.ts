// The probe job against fake provider APIs on 127.0.0.1: every outcome, its timing phases, the baseline at record
// time, Retry-After, one request per host, and nothing recorded for our own refusals or a shutdown.
import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/catalog/schema.ts';
import { SLOW_FLOOR_MS } from '../../src/probes/baseline.ts';
import type { ProbeResultRow } from '../../src/store/probes.ts';
import { catalogWith, createHarness, type Harness } from '../helpers/app.ts';
import { closedPort, probeRig, probingAt, startFakeApi, type FakeApi, type ProbeRig } from '../helpers/probe.ts';
import { fixture, LOOPBACK_DEADLINE_MS } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const PRIVATE = { ALLOW_PRIVATE_UPSTREAMS: 'true' };
const REJECTION = { status: 401, body: fixture('errors/openai-401-invalid-key.json') };
let h: Harness | undefined;
let rig: ProbeRig | undefined;
let apis: FakeApi[] = [];

afterEach(async () => {
  await rig?.close();
  await h?.close();
  await Promise.all(apis.map((a) => a.close()));
  rig = undefined;
  h = undefined;
  apis = [];
});

async function api(behaviour = {}): Promise<FakeApi> {
  const a = await startFakeApi(behaviour);
  apis.push(a);
  return a;
}

async function setup(providers: Provider[], options: { env?: Record<string, string>; deadlineMs?: number } = {}) {
  h = await createHarness({ catalog: catalogWith(providers), now: NOW, env: options.env ?? PRIVATE });
  rig = probeRig(h, { deadlineMs: options.deadlineMs ?? LOOPBACK_DEADLINE_MS });
  return { h, rig };
}

/** Runs one cycle and returns what it recorded for the provider. */
async function cycle(slug = 'openai'): Promise<ProbeResultRow> {
  await rig!.job.runCycle();
  return (await h!.store.probes.latest(slug, 1))[0]!;
}

describe('outcomes', () => {
  it('a normal rejection: rejected_as_expected with status, latency and the phases of its new connection', async () => {
    const a = await api(REJECTION);
    await setup([probingAt(a.url('openai'))]);
    const row = await cycle();
    expect(row).toMatchObject({ at: NOW, outcome: 'rejected_as_expected', httpStatus: 401, detail: null, tlsMs: null });
    for (const phase of [row.latencyMs, row.dnsMs, row.connectMs, row.ttfbMs]) expect(phase).toBeGreaterThanOrEqual(0);
    expect(row.latencyMs!).toBeGreaterThanOrEqual(row.dnsMs! + row.connectMs!);
    // The next probe opens a new connection too, so it measures the same phases.
    h!.clock.now += 180_000;
    expect((await cycle()).dnsMs).not.toBeNull();
  });

  it("sends only the catalog's fake key, method and headers", async () => {
    const a = await api(REJECTION);
    await setup([probingAt(a.url('openai'))]);
    await cycle();
    expect(a.requests).toHaveLength(1);
    expect(a.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(a.requests[0]!.headers.authorization).toBe('Bearer sk-invalid-key-for-status-probe');
    expect(a.requests[0]!.headers['user-agent']).toBe('test');
  });

  it('a POST probe sends its body', async () => {
    const a = await api({
      status: 401,
      type: 'text/html',
      body: '<html><title>401 Authorization Required</title></html>',
    });
    await setup([probingAt(a.url('perplexity', '/chat/completions'), 'perplexity')]);
    expect((await cycle('perplexity')).outcome).toBe('rejected_as_expected');
    expect(a.requests[0]).toMatchObject({ method: 'POST', path: '/chat/completions' });
    expect(JSON.parse(a.requests[0]!.body)).toMatchObject({ model: 'sonar', max_tokens: 1 });
  });

  it('a 500 is unexpected_status', async () => {
    const a = await api({ status: 500, type: 'text/html', body: '<h1>Internal Server Error</h1>' });
    await setup([probingAt(a.url('openai'))]);
    expect(await cycle()).toMatchObject({
      outcome: 'unexpected_status',
      httpStatus: 500,
      detail: 'HTTP 500 (expected 401): <h1>Internal Server Error</h1>',
    });
  });

  it('a 429 at the auth layer is unexpected_status; its Retry-After delays that host (up to 2 intervals)', async () => {
    const a = await api({ status: 429, body: '{"error":{"message":"slow down"}}', headers: { 'retry-after': '600' } });
    await setup([probingAt(a.url('openai'))]);
    expect(await cycle()).toMatchObject({ outcome: 'unexpected_status', httpStatus: 429 });
    expect(rig!.job.dueAt('openai.api.test')).toBe(NOW + 2 * 180_000);
  });

  it('a 200 means our invalid key was accepted: unexpected_status', async () => {
    const a = await api({ status: 200, body: '{"object":"list","data":[]}' });
    await setup([probingAt(a.url('openai'))]);
    expect(await cycle()).toMatchObject({
      outcome: 'unexpected_status',
      httpStatus: 200,
      detail: 'HTTP 200 (our invalid key was accepted): {"object":"list","data":[]}',
    });
  });

  it('the right status with a changed body is unexpected_body, with what differed', async () => {
    const a = await api({ status: 401, body: '{"error":{"message":"Unauthorized","code":"unauthorized"}}' });
    await setup([probingAt(a.url('openai'))]);
    const row = await cycle();
    expect(row).toMatchObject({ outcome: 'unexpected_body', httpStatus: 401 });
    expect(row.detail).toBe(
      'error.code is "unauthorized", not "invalid_api_key": {"error":{"message":"Unauthorized","code":"unauthorized"}}',
    );
  });

  it('an API that never answers is a timeout at the deadline', async () => {
    const a = await api({ fault: 'hang' });
    await setup([probingAt(a.url('openai'))], { deadlineMs: 300 });
    const row = await cycle();
    expect(row).toMatchObject({ outcome: 'timeout', httpStatus: null });
    expect(row.latencyMs!).toBeGreaterThanOrEqual(300);
  });

  it('a reset connection and a refused one are connection_error', async () => {
    const a = await api({ fault: 'reset' });
    const port = await closedPort();
    await setup([probingAt(a.url('openai')), probingAt(`http://refused.api.test:${port}/v1/models`, 'groq')]);
    expect((await cycle('openai')).outcome).toBe('connection_error');
    const refused = (await h!.store.probes.latest('groq', 1))[0]!;
    expect(refused).toMatchObject({ outcome: 'connection_error', tlsMs: null });
    expect(refused.detail).toContain('ECONNREFUSED');
    expect(refused.detail).not.toContain('127.0.0.1');
  });

  it('https to a plain HTTP server is tls_error, with the TCP connect and the failed handshake timed', async () => {
    const a = await api(REJECTION);
    await setup([probingAt(`https://tls.api.test:${a.port}/v1/models`)]);
    const row = await cycle();
    expect(row.outcome).toBe('tls_error');
    expect(row.connectMs).not.toBeNull();
    expect(row.tlsMs).not.toBeNull();
  });

  it('a name that does not resolve is dns_error, with no connect phase', async () => {
    await setup([probingAt('https://api.nowhere.invalid/v1/models')]);
    const row = await cycle();
    expect(row).toMatchObject({ outcome: 'dns_error', connectMs: null, tlsMs: null });
    expect(row.dnsMs).not.toBeNull();
  });
});

describe('slow, decided at record time against the previous 24 hours', () => {
  const seedNormal = async (count: number, latencyMs: number) => {
    for (let i = 1; i <= count; i += 1) {
      await h!.store.probes.record('openai', {
        at: NOW - i * 180_000,
        outcome: 'rejected_as_expected',
        httpStatus: 401,
        latencyMs,
        dnsMs: null,
        connectMs: null,
        tlsMs: null,
        ttfbMs: null,
        detail: null,
      });
    }
  };

  it('a normal rejection far above a trusted baseline (and above the floor) is slow', async () => {
    const a = await api({ ...REJECTION, delayMs: SLOW_FLOOR_MS + 100 });
    await setup([probingAt(a.url('openai'))]);
    await seedNormal(12, 40);
    const row = await cycle();
    expect(row).toMatchObject({ outcome: 'slow', httpStatus: 401 });
    expect(row.detail).toBe(`${row.latencyMs} ms, slow above ${SLOW_FLOOR_MS} ms (usual 40 ms)`);
  });

  it('the same answer is not slow while too few normal answers make a baseline', async () => {
    const a = await api({ ...REJECTION, delayMs: SLOW_FLOOR_MS + 100 });
    await setup([probingAt(a.url('openai'))]);
    await seedNormal(5, 40);
    expect((await cycle()).outcome).toBe('rejected_as_expected');
  });

  it('results older than 24 hours are not part of the baseline', async () => {
    const a = await api({ ...REJECTION, delayMs: SLOW_FLOOR_MS + 100 });
    await setup([probingAt(a.url('openai'))]);
    await seedNormal(12, 40);
    h!.clock.now = NOW + 24 * 3_600_000;
    expect((await cycle()).outcome).toBe('rejected_as_expected');
  });
});

describe('schedule', () => {
  it('one request in flight per host: providers sharing a host are probed in turn', async () => {
    const a = await api({ ...REJECTION, delayMs: 30 });
    await setup([
      probingAt(a.url('shared'), 'openai'),
      probingAt(a.url('shared'), 'groq'),
      probingAt(a.url('shared'), 'together-ai'),
    ]);
    await rig!.job.runCycle();
    expect(a.requests).toHaveLength(3);
    expect(a.maxInFlight()).toBe(1);
    for (const slug of ['openai', 'groq', 'together-ai']) expect(await h!.store.probes.latest(slug, 1)).toHaveLength(1);
  });

  it('aborted on shutdown: closing mid-request ends it at once and records nothing', async () => {
    const a = await api({ fault: 'hang' });
    await setup([probingAt(a.url('openai'))], { deadlineMs: 15_000 });
    const running = rig!.job.runCycle();
    await a.received();
    await rig!.job.close();
    await running;
    expect(await h!.store.probes.latest('openai', 5)).toEqual([]);
  });

  it('records nothing when our own address rules refuse the target: never a false failure', async () => {
    const a = await api(REJECTION);
    await setup([probingAt(a.url('openai'))], { env: {} });
    await rig!.job.runCycle();
    expect(a.requests).toHaveLength(0);
    expect(await h!.store.probes.latest('openai', 5)).toEqual([]);
  });
});

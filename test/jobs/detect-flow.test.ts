// Judged end to end, on both engines: a fake provider API on loopback fails our probes and recovers, its fake status
// page posts the incident later; the real probe, poll, detection and events jobs under a controlled clock produce a
// detected incident with the right start and end and an acknowledgement lag within seconds of the truth, shown in
// pages, feeds and JSON. All probed providers failing at once (our own network) opens nothing.
import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/catalog/schema.ts';
import type { Detector } from '../../src/jobs/detect.ts';
import { createEventRecorder } from '../../src/jobs/events.ts';
import { apiAssessor } from '../../src/assessment/readings.ts';
import { catalogWith, createHarness, realCatalog, textOf, type Harness } from '../helpers/app.ts';
import { harnessDetector, harnessReader } from '../helpers/detector.ts';
import { ENGINES, rows } from '../helpers/engines.ts';
import { pollRig, type PollRig } from '../helpers/poll.ts';
import { closedPort, probeRig, startFakeApi, type FakeApi, type ProbeRig } from '../helpers/probe.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const STEP = 180_000;
const SUMMARY = '/api/v2/summary.json';
const INCIDENTS = '/api/v2/incidents.json';
const MAINTENANCES = '/api/v2/scheduled-maintenances.json';
const NORMAL_401 = { status: 401, body: fixture('errors/anthropic-401.json') };
const OPENAI_401 = { status: 401, body: fixture('errors/openai-401-invalid-key.json') };
const SERVER_ERROR = { status: 500, body: '{"type":"error","error":{"type":"api_error","message":"Internal"}}' };

let h: Harness | undefined;
let poll: PollRig | undefined;
let probe: ProbeRig | undefined;
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await poll?.close();
  await probe?.close();
  await h?.close();
  for (const close of closers) await close();
  closers = [];
  h = poll = probe = undefined;
});

/** The recorded Anthropic summary: operational, or listing the recorded incident as posted (open) at `postedAt`. */
function summary(postedAt: number | null): object {
  const page = JSON.parse(fixture('statuspage-summary-anthropic.json')) as object;
  if (postedAt === null) return { ...page, incidents: [] };
  const recorded = JSON.parse(fixture('statuspage-summary-anthropic-incident.json')) as {
    incidents: { incident_updates: Record<string, unknown>[] }[];
  };
  const incident = recorded.incidents[0]!;
  const at = new Date(postedAt).toISOString();
  const first = { ...incident.incident_updates.at(-1)!, created_at: at, updated_at: at, display_at: at };
  return {
    ...page,
    incidents: [
      {
        ...incident,
        status: 'investigating',
        created_at: at,
        started_at: at,
        updated_at: at,
        resolved_at: null,
        incident_updates: [first],
      },
    ],
  };
}

/** The incidents document: the posted incident, resolved when it is. */
function incidentsDocument(posted: { at: number; resolvedAt?: number } | null): object {
  if (!posted) return { page: {}, incidents: [] };
  const doc = summary(posted.at) as { incidents: Record<string, unknown>[] };
  const open = doc.incidents[0]!;
  if (!posted.resolvedAt) return { page: {}, incidents: [open] };
  const resolved = new Date(posted.resolvedAt).toISOString();
  const updates = open.incident_updates as Record<string, unknown>[];
  return {
    page: {},
    incidents: [
      {
        ...open,
        status: 'resolved',
        resolved_at: resolved,
        updated_at: resolved,
        incident_updates: [
          {
            ...updates[0]!,
            id: 'resolved-update',
            status: 'resolved',
            body: 'This incident has been resolved.',
            created_at: resolved,
            updated_at: resolved,
            display_at: resolved,
          },
          ...updates,
        ],
      },
    ],
  };
}

type Rig = { h: Harness; api: FakeApi; page: Upstream; detector: () => Detector; tick: (at: number) => Promise<void> };

/** Acme (Anthropic's probe and status page format, both faked) and three healthy providers on their own fake API. */
async function setup(engine: (typeof ENGINES)[number]): Promise<Rig> {
  const page = await startUpstream();
  const api = await startFakeApi(NORMAL_401);
  const others = await startFakeApi(OPENAI_401);
  closers.push(
    () => page.close(),
    () => api.close(),
    () => others.close(),
  );
  const anthropic = realCatalog().providerBySlug.get('anthropic')!;
  const openai = realCatalog().providerBySlug.get('openai')!;
  const acme: Provider = {
    ...anthropic,
    slug: 'acme',
    name: 'Acme',
    statusPage: { format: 'statuspage', url: page.url, pageUrl: 'https://status.acme.example' },
    probe: { ...anthropic.probe!, url: api.url('acme') },
  };
  const healthy = ['bravo', 'charlie', 'delta'].map((slug): Provider => ({
    ...openai,
    slug,
    name: `Test ${slug}`,
    statusPage: null,
    probe: { ...openai.probe!, url: others.url(slug) },
  }));
  h = await createHarness({
    engine,
    catalog: catalogWith([acme, ...healthy]),
    now: T0,
    env: { ALLOW_PRIVATE_UPSTREAMS: 'true', POLL_INTERVAL_SECONDS: '60', PROBE_INTERVAL_SECONDS: '180' },
  });
  const harness = h;
  poll = pollRig(harness);
  probe = probeRig(harness);
  const reader = harnessReader(harness);
  const detector = () => harnessDetector(harness, reader);
  const events = createEventRecorder({
    store: harness.store,
    catalog: harness.catalog,
    assess: apiAssessor(reader),
    siteUrl: harness.config.siteUrl,
    now: () => harness.clock.now,
  });
  let current = detector();
  const rig: Rig = {
    h: harness,
    api,
    page,
    detector: () => current,
    // One probe cycle, a poll of the status page a minute later, detection after the probes, then the events.
    async tick(at) {
      harness.clock.now = at;
      await probe!.job.runCycle();
      await current.run();
      harness.clock.now = at + 60_000;
      await poll!.job.runCycle();
      await events.run();
    },
  };
  Object.defineProperty(rig, 'restart', { value: () => (current = detector()) });
  return rig;
}

const restart = (rig: Rig) => (rig as Rig & { restart(): void }).restart();

describe.each(ENGINES)('detected incidents on %s', (engine) => {
  it('opens at the first failed probe, closes at the first good one, and measures how late the provider posted', async () => {
    const rig = await setup(engine);
    const { api, page } = rig;
    const failFrom = T0 + 2 * STEP;
    const recoverAt = T0 + 7 * STEP;
    // The provider posts 9.5 minutes after our first failed probe, between two polls.
    const postedAt = failFrom + 3 * STEP + 30_000;
    const resolvedAt = T0 + 9 * STEP + 10_000;
    const setPage = (posted: { at: number; resolvedAt?: number } | null) => {
      page.set(SUMMARY, json(summary(posted && !posted.resolvedAt ? posted.at : null)));
      page.set(INCIDENTS, json(incidentsDocument(posted)));
      page.set(MAINTENANCES, json({ page: {}, scheduled_maintenances: [] }));
    };
    setPage(null);

    const detected = () =>
      rows<{ source_key: string; started_at: number; resolved_at: number | null; state: string }>(
        rig.h.store,
        "SELECT source_key, started_at, resolved_at, state FROM incidents WHERE origin = 'detected'",
      );
    for (let k = 0; k <= 10; k += 1) {
      const at = T0 + k * STEP;
      if (at === failFrom) api.set(SERVER_ERROR);
      if (at === recoverAt) api.set(NORMAL_401);
      if (at >= postedAt - STEP) setPage({ at: postedAt, ...(at >= resolvedAt - STEP ? { resolvedAt } : {}) });
      if (k === 5) restart(rig); // a restart mid-incident continues it
      await rig.tick(at);
      const found = await detected();
      if (k < 4) expect(found).toEqual([]);
      if (k >= 4 && k < 8) expect(found.map((d) => [d.started_at, d.resolved_at])).toEqual([[failFrom, null]]);
      if (k === 5) {
        // The provider's page still lists nothing: what we detected shows on its own, marked as ours.
        const open = textOf((await rig.h.app.inject({ url: '/acme' })).body);
        expect(open).toContain('The API fails our live probes');
        expect(open).toContain('Detected by us');
      }
    }
    const found = await detected();
    expect(found.map((d) => [d.started_at, d.resolved_at, d.state])).toEqual([[failFrom, recoverAt, 'resolved']]);
    // Running the job again over the same data changes nothing.
    expect(await rig.detector().run()).toBe(0);
    expect(await detected()).toHaveLength(1);

    const provider = (await rig.h.app.inject({ url: '/api/v1/providers/acme' })).json<{
      incidents: { source: string; origin: string; startedAt: string; resolvedAt: string; ackLagSeconds: number }[];
    }>();
    const ours = provider.incidents.find((i) => i.source === 'detected')!;
    expect(ours).toMatchObject({
      startedAt: new Date(failFrom).toISOString(),
      resolvedAt: new Date(recoverAt).toISOString(),
      ackLagSeconds: null,
    });
    const theirs = provider.incidents.find((i) => i.source === 'official')!;
    const truth = (postedAt - failFrom) / 1000;
    expect(Math.abs(theirs.ackLagSeconds - truth)).toBeLessThanOrEqual(2);

    const accountability = (await rig.h.app.inject({ url: '/api/v1/accountability' })).json<{
      providers: { slug: string; medianAckLagSeconds: number; seenFirst: number; missed: number }[];
    }>();
    const acme = accountability.providers.find((p) => p.slug === 'acme')!;
    expect(accountability.providers[0]!.slug).toBe('acme');
    expect(acme).toMatchObject({ seenFirst: 1, unacknowledged: 0, missed: 0, uptime30d: null, uptime90d: null });
    expect(Math.abs(acme.medianAckLagSeconds - truth)).toBeLessThanOrEqual(2);

    const html = textOf((await rig.h.app.inject({ url: '/acme' })).body);
    expect(html).toContain('We detected this 9 min before Acme posted it.');
    const ranking = textOf((await rig.h.app.inject({ url: '/accountability' })).body);
    expect(ranking).toMatch(/1 Acme 9 min 9 min 1 0 0 — \(nothing measured\) — \(nothing measured\)/);
    const feed = (await rig.h.app.inject({ url: '/acme/feed.atom' })).body;
    expect(feed).toContain('The API fails our live probes');
    expect(feed).toContain('term="detected"');

    const events = (await rig.h.store.events.recent(50)).map((e) => e.event);
    const announced = events.filter((e) => e.incident?.source === 'detected').map((e) => e.type);
    expect(announced).toEqual(expect.arrayContaining(['incident_opened', 'incident_resolved']));
  });

  it('opens nothing when every probed provider fails at once (our own network), during or after', async () => {
    const port = await closedPort();
    const providers = realCatalog().providers.filter((p) => p.probe !== null);
    // Every probe points at a loopback port nothing listens on: the connections of all of them fail together.
    const offline = providers.map((p): Provider => ({
      ...p,
      statusPage: null,
      probe: { ...p.probe!, url: `http://${p.slug}.api.test:${port}/v1/models` },
    }));
    h = await createHarness({
      engine,
      catalog: catalogWith(offline),
      now: T0,
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true', PROBE_INTERVAL_SECONDS: '180' },
    });
    const harness = h;
    probe = probeRig(harness);
    const detector = harnessDetector(harness);
    for (let k = 0; k < 5; k += 1) {
      harness.clock.now = T0 + k * STEP;
      await probe.job.runCycle();
      expect(await detector.run()).toBe(0);
    }
    const outcomes = await rows<{ outcome: string }>(harness.store, 'SELECT DISTINCT outcome FROM probe_results');
    expect(outcomes).toEqual([{ outcome: 'connection_error' }]);
    // Our network is back: every API answers normally again, and the failures behind us still open nothing.
    for (let k = 5; k < 7; k += 1) {
      for (const p of offline) {
        await harness.store.probes.record(p.slug, {
          at: T0 + k * STEP,
          outcome: 'rejected_as_expected',
          httpStatus: 401,
          latencyMs: 90,
          dnsMs: null,
          connectMs: null,
          tlsMs: null,
          ttfbMs: null,
          detail: null,
        });
      }
      harness.clock.now = T0 + k * STEP;
      expect(await detector.run()).toBe(0);
    }
    expect(await rows(harness.store, "SELECT id FROM incidents WHERE origin = 'detected'")).toEqual([]);
    const json = (await harness.app.inject({ url: `/api/v1/providers/${offline[0]!.slug}` })).json<{
      incidents: unknown[];
    }>();
    expect(json.incidents).toEqual([]);
  });
});

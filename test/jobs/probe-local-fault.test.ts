// A machine with no network: the real poll and probe jobs against hosts that cannot be reached read Unknown
// everywhere with the reason, never an outage per provider; a few providers failing alone still read as outages.
import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/catalog/schema.ts';
import { createPollJob } from '../../src/jobs/poll.ts';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { catalogWith, createHarness, realCatalog, textOf, type Harness } from '../helpers/app.ts';
import {
  apiLookup,
  closedPort,
  probeRig,
  probingAt,
  startFakeApi,
  type FakeApi,
  type ProbeRig,
} from '../helpers/probe.ts';
import { fixture } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 180_000;
let h: Harness;
let rig: ProbeRig;
let api: FakeApi | undefined;
let closeMore: () => Promise<void> = async () => undefined;

afterEach(async () => {
  await rig.close();
  await closeMore();
  closeMore = async () => undefined;
  await h.close();
  await api?.close();
  api = undefined;
});

type ProviderJson = {
  slug: string;
  level: string;
  summary: string;
  signals: { probe: { state: string; level: string } };
};
const providersJson = async (): Promise<ProviderJson[]> =>
  (await h.app.inject({ url: '/api/v1/providers' })).json().providers;

describe('our own network down', () => {
  it('every provider reads Unknown with the reason, in pages and JSON, instead of one outage each', async () => {
    const port = await closedPort();
    // Status pages on names that do not resolve, APIs on a loopback port nothing listens on.
    const offline = realCatalog().providers.map((p): Provider => ({
      ...p,
      statusPage: p.statusPage && { ...p.statusPage, url: `https://status-${p.slug}.offline.test/` },
      probe: p.probe && { ...p.probe, url: `http://${p.slug}.api.test:${port}/v1/models` },
    }));
    h = await createHarness({ catalog: catalogWith(offline), now: NOW, env: { ALLOW_PRIVATE_UPSTREAMS: 'true' } });
    rig = probeRig(h);
    const policy = upstreamPolicy(true);
    const connectionLog = createConnectionLog();
    const agent = createUpstreamDispatcher({ policy, lookup: apiLookup, connectionLog });
    const door = createHttpDoor({ dispatcher: agent, policy, connectionLog, userAgent: 'test' });
    const poll = createPollJob({
      catalog: h.catalog,
      store: h.store,
      door,
      intervalMs: h.config.pollIntervalMs,
      deadlineMs: 1000,
      concurrency: 32,
      clock: { now: () => h.clock.now, setTimeout: () => 0, clearTimeout: () => undefined },
    });
    closeMore = async () => {
      await poll.close();
      await agent.close();
    };

    for (let k = 0; k < 4; k += 1) {
      h.clock.now = NOW + k * STEP;
      await Promise.all([rig.job.runCycle(), poll.runCycle()]);
    }

    const probed = offline.filter((p) => p.probe !== null);
    expect(await h.store.probes.latestPerProvider(0, 0)).toHaveLength(probed.length);
    expect(new Set((await h.store.probes.latestPerProvider(0, 0)).map((r) => r.outcome))).toEqual(
      new Set(['connection_error']),
    );
    const list = await providersJson();
    expect(list.map((p) => p.level)).toEqual(offline.map(() => 'unknown'));
    const reason =
      `Our probes of ${probed.length} of ${probed.length} providers fail the same way ` +
      `(connections fail) since 22 Nov 2026, 12:00 UTC: the fault is most likely on our side`;
    for (const p of probed) {
      const json = list.find((x) => x.slug === p.slug)!;
      expect(json.signals.probe).toMatchObject({ state: 'suspended', level: 'unknown' });
      expect(json.summary).toContain(reason);
      const page = textOf((await h.app.inject({ url: `/${p.slug}` })).body);
      expect(page).toMatch(/Current status Unknown/);
      expect(page).toContain(reason);
      expect(page).toContain('Suspended');
      expect(page).not.toMatch(/Partial Outage|Major Outage|Degraded/);
      const error = textOf((await h.app.inject({ url: `/${p.slug}/error/auth-error` })).body);
      expect(error).toContain('Inconclusive');
      expect(error).not.toContain('answering normally');
    }
    expect(textOf((await h.app.inject({ url: '/' })).body)).not.toMatch(/Partial Outage|Major Outage/);
  });
});

describe('a few providers failing alone', () => {
  it('are their outages, not ours: the others keep answering', async () => {
    api = await startFakeApi({ status: 401, body: fixture('errors/openai-401-invalid-key.json') });
    const port = await closedPort();
    const healthy = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'].map((slug) =>
      probingAt(api!.url(slug), 'openai', slug),
    );
    const down = ['golf', 'hotel'].map((slug) =>
      probingAt(`http://${slug}.api.test:${port}/v1/models`, 'openai', slug),
    );
    h = await createHarness({
      catalog: catalogWith([...healthy, ...down]),
      now: NOW,
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true' },
    });
    rig = probeRig(h);
    for (let k = 0; k < 3; k += 1) {
      h.clock.now = NOW + k * STEP;
      await rig.job.runCycle();
    }
    const list = await providersJson();
    for (const p of list) {
      const failing = p.slug === 'golf' || p.slug === 'hotel';
      expect(p.signals.probe.state, p.slug).toBe('fresh');
      expect(p.level, p.slug).toBe(failing ? 'partial_outage' : 'operational');
    }
    expect(textOf((await h.app.inject({ url: '/golf' })).body)).toContain(
      '3 probes failed since 22 Nov 2026, 12:00 UTC',
    );
  });
});

// A frozen mirror: a Statuspage page whose newest change is 60 days old, read green while our probe fails, is
// suspect — never fresh, never Operational — and the page says since when it has not changed.
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';
import { T0, textOf, type Harness } from '../helpers/app.ts';
import { pollOne, type PollOne, type PollRig } from '../helpers/poll.ts';
import { recordProbes } from '../helpers/signals.ts';
import { json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const SLUG = 'deepseek';

describe('a frozen mirror', () => {
  let one: PollOne | undefined;
  let h: Harness;
  let rig: PollRig;
  let up: Upstream;
  afterEach(() => one?.close());

  async function setUp(frozenDays: number) {
    const last = new Date(T0 - frozenDays * DAY_MS).toISOString();
    const incident = {
      id: 'old1',
      name: 'Degraded API performance',
      status: 'resolved',
      impact: 'minor',
      created_at: last,
      started_at: last,
      updated_at: last,
      resolved_at: last,
      incident_updates: [{ id: 'u1', status: 'resolved', body: 'Resolved.', created_at: last, display_at: last }],
      components: [],
    };
    up = await startUpstream({
      '/api/v2/summary.json': json({
        page: { id: 'p', url: 'https://status.deepseek.com', updated_at: last },
        status: { indicator: 'none' },
        components: [{ id: 'api', name: 'API', status: 'operational', position: 1, updated_at: last }],
        incidents: [],
        scheduled_maintenances: [],
      }),
      '/api/v2/incidents.json': json({ incidents: [incident] }),
      '/api/v2/scheduled-maintenances.json': json({ scheduled_maintenances: [] }),
    });
    one = await pollOne(SLUG, { format: 'statuspage', url: up.url }, up);
    ({ h, rig } = one);
    h.clock.now += MINUTE_MS;
    await rig.job.runCycle();
  }
  const api = async () => (await h.app.inject({ url: `/api/v1/providers/${SLUG}` })).json();

  it('is suspect while the probe fails: never fresh, never Operational, and says since when', async () => {
    await setUp(60);
    await recordProbes(h.store, SLUG, h.clock.now, h.config.probeIntervalMs, 'failing');
    const body = await api();
    expect(body.level).not.toBe('operational');
    expect(body.level).toBe('partial_outage');
    expect(body.signals.official.state).toBe('suspect');
    expect(JSON.stringify(body.reasons)).toMatch(/has not changed since .* \(60 days\)/);
    const page = textOf((await h.app.inject({ url: `/${SLUG}` })).body);
    expect(page).toMatch(/has not changed since .* \(60 days\)/);

    // The probe's results then go stale: still never Operational.
    h.clock.now += 10 * h.config.probeIntervalMs;
    for (let i = 0; i < 3; i += 1) {
      h.clock.now += MINUTE_MS;
      await rig.job.runCycle();
    }
    expect((await api()).level).toBe('unknown');
  });

  it('is an ordinary fresh reading while nothing else shows trouble, or when it changed recently', async () => {
    await setUp(60);
    await recordProbes(h.store, SLUG, h.clock.now, h.config.probeIntervalMs, 'healthy');
    expect((await api()).level).toBe('operational');
    await one?.close();
    await setUp(5);
    await recordProbes(h.store, SLUG, h.clock.now, h.config.probeIntervalMs, 'failing');
    const body = await api();
    expect(body.signals.official.state).toBe('fresh');
    expect(JSON.stringify(body)).not.toMatch(/has not changed since/);
  });
});

// No false recoveries on either engine: a probe that keeps failing while its readings go stale now and then, beside
// a green official page, never makes the events job announce "recovered", across a restart of the recorder too.
import { afterEach, describe, expect, it } from 'vitest';
import { createEventRecorder } from '../../src/jobs/events.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { apiAssessor } from '../../src/assessment/readings.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { ENGINES, rows } from '../helpers/engines.ts';
import { recordOfficial } from '../helpers/signals.ts';

const SLUG = 'deepseek';

describe.each(ENGINES)('no false recovery on %s', (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const recorder = () =>
    createEventRecorder({
      store: h.store,
      catalog: h.catalog,
      assess: apiAssessor(createAssessor({ store: h.store, catalog: h.catalog, config: h.config })),
      siteUrl: h.config.siteUrl,
      now: () => h.clock.now,
    });

  const failProbe = () =>
    h.store.probes.record(SLUG, {
      at: h.clock.now,
      outcome: 'timeout',
      httpStatus: null,
      latencyMs: null,
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      ttfbMs: null,
      detail: null,
    });

  it('a failing probe whose readings go stale now and then never produces a "recovered" event', async () => {
    h = await createHarness({ engine });
    const probeMs = h.config.probeIntervalMs;
    let events = recorder();
    // The official page stays green all along; the probe fails at every attempt it makes.
    const minute = async (probe: boolean) => {
      h.clock.now += MINUTE_MS;
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
      if (probe && h.clock.now % probeMs < MINUTE_MS) await failProbe();
      await events.run();
    };
    for (let i = 0; i < 15; i += 1) await minute(true);
    const announced = await h.store.events.announced(SLUG);
    expect(announced.level).toBe('partial_outage');

    for (let round = 0; round < 3; round += 1) {
      // The probe's results stop for longer than its freshness (an agent restart, a slow cycle): stale.
      for (let i = 0; i < (4 * probeMs) / MINUTE_MS; i += 1) await minute(false);
      // A restart (or another node taking the jobs) starts a new recorder over the same store.
      events = recorder();
      for (let i = 0; i < 10; i += 1) await minute(true);
    }

    const outbox = await rows<{ type: string; payload: string }>(
      h.store,
      "SELECT type, payload FROM events WHERE type = 'level_changed' ORDER BY seq",
    );
    const levels = outbox.map((e) => (JSON.parse(e.payload) as { level: string }).level);
    expect(levels.filter((l) => l === 'operational')).toEqual([]);
    expect((await h.store.events.announced(SLUG)).level).toBe('partial_outage');
  }, 180_000);
});

// A first look announces nothing, on either engine: a new database (or a provider new to it) records the incidents
// already open on the official page as history, even when the events job looks before the first poll lands.
import { afterEach, describe, expect, it } from 'vitest';
import { createEventRecorder } from '../../src/jobs/events.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { apiAssessor } from '../../src/assessment/readings.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { ENGINES, rows } from '../helpers/engines.ts';
import { recordIncident, recordOfficial, recordProbes } from '../helpers/signals.ts';

const SLUG = 'openai';

describe.each(ENGINES)('first look on %s', (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('announces no already-open incident, then announces the next one', async () => {
    h = await createHarness({ engine });
    const events = createEventRecorder({
      store: h.store,
      catalog: h.catalog,
      assess: apiAssessor(createAssessor({ store: h.store, catalog: h.catalog, config: h.config })),
      siteUrl: h.config.siteUrl,
      now: () => h.clock.now,
    });
    // The jobs start: the probe answers first, the events job looks before the status page was ever read.
    await recordProbes(h.store, SLUG, h.clock.now, h.config.probeIntervalMs, 'healthy');
    expect(await events.run()).toBe(0);
    // The first poll lands: an incident is already open and the API reads Major Outage.
    h.clock.now += MINUTE_MS;
    await recordIncident(h.store, SLUG, h.clock.now, 'Already open before we looked');
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'major_outage' });
    expect(await events.run()).toBe(0);
    h.clock.now += MINUTE_MS;
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'major_outage' });
    expect(await events.run()).toBe(0);
    expect(await rows(h.store, 'SELECT type FROM events')).toEqual([]);

    // What opens after the first look is news.
    h.clock.now += MINUTE_MS;
    await recordIncident(h.store, SLUG, h.clock.now, 'A new incident');
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'major_outage' });
    expect(await events.run()).toBe(1);
    const outbox = await rows<{ type: string; payload: string }>(h.store, 'SELECT type, payload FROM events');
    expect(outbox.map((e) => e.type)).toEqual(['incident_opened']);
    expect(JSON.parse(outbox[0]!.payload)).toMatchObject({ incident: { title: 'A new incident' } });
  }, 120_000);

  it('announces a level change only once it held for the hold: a shorter flap sends nothing', async () => {
    h = await createHarness({ engine });
    const hold = 2 * MINUTE_MS;
    const assess = apiAssessor(createAssessor({ store: h.store, catalog: h.catalog, config: h.config }));
    const events = createEventRecorder({
      store: h.store,
      catalog: h.catalog,
      assess,
      siteUrl: h.config.siteUrl,
      now: () => h.clock.now,
      levelHoldMs: hold,
    });
    const official = async (api: 'operational' | 'major_outage') => {
      h.clock.now += MINUTE_MS;
      await recordOfficial(h.store, SLUG, h.clock.now, { API: api });
      return events.run();
    };
    expect(await official('operational')).toBe(0);
    // A flap: Major Outage until the API reads it (the page's own damping), then Operational again within the hold.
    let flapReadings = 0;
    while (
      (await assess(h.catalog.providerBySlug.get(SLUG)!, h.clock.now)).level !== 'major_outage' &&
      flapReadings < 5
    ) {
      expect(await official('major_outage')).toBe(0);
      flapReadings++;
    }
    expect((await assess(h.catalog.providerBySlug.get(SLUG)!, h.clock.now)).level).toBe('major_outage');
    while ((await assess(h.catalog.providerBySlug.get(SLUG)!, h.clock.now)).level !== 'operational')
      expect(await official('operational')).toBe(0);
    expect(await rows(h.store, "SELECT type FROM events WHERE type = 'level_changed'")).toEqual([]);
    // A change that holds (the page's own damping first, then the hold): announced once, when the hold has passed.
    let since: number | null = null;
    let announcedAt: number | null = null;
    for (let minute = 0; minute < 8; minute++) {
      const recorded = await official('major_outage');
      const level = (await assess(h.catalog.providerBySlug.get(SLUG)!, h.clock.now)).level;
      if (level === 'major_outage') since ??= h.clock.now;
      if (recorded > 0) {
        expect(announcedAt).toBeNull();
        announcedAt = h.clock.now;
      }
    }
    expect(since).not.toBeNull();
    expect(announcedAt).toBe(since! + hold);
    const changed = await rows<{ payload: string }>(h.store, "SELECT payload FROM events WHERE type = 'level_changed'");
    expect(changed.map((e) => JSON.parse(e.payload) as { level: string; previousLevel: string })).toMatchObject([
      { level: 'major_outage', previousLevel: 'operational' },
    ]);
  }, 120_000);
});

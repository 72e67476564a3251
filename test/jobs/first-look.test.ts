// A first look announces nothing, on either engine: a new database (or a provider new to it) records the incidents
// already open on the official page as history, even when the events job looks before the first poll lands.
import { afterEach, describe, expect, it } from 'vitest';
import { createEventRecorder } from '../../src/jobs/events.ts';
import { apiAssessor, createProviderReader } from '../../src/web/provider-data.ts';
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
      assess: apiAssessor(createProviderReader({ store: h.store, catalog: h.catalog, config: h.config })),
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
});

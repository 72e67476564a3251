// The daily rollups on both engines: samples add time to the right UTC day (split at midnight), a gap and a restart
// count nothing twice and nothing as green, levels come from the one assessment, probe totals are rolled up before
// their raw results are pruned, and rollups are kept 400 days.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Level } from '../../src/domain.ts';
import { PROBE_RETENTION_MS, pruneSignals } from '../../src/jobs/prune-signals.ts';
import { createRollupRecorder } from '../../src/jobs/rollup.ts';
import { dayOf, HISTORY_MAX_GAP_MS, HISTORY_RETENTION_DAYS, type SampledLevels } from '../../src/status/history.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';
import { createHistoryReader } from '../../src/assessment/history.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { levelsSampler } from '../../src/assessment/readings.ts';
import { realCatalog } from '../helpers/catalog.ts';
import { ENGINES, openTestStore } from '../helpers/engines.ts';
import { seedAnthropicOutage, seedOpenAiHealthy } from '../helpers/seed.ts';
import { probeRow } from '../helpers/signals.ts';

const MIDNIGHT = Date.UTC(2026, 10, 29);
const DAY = dayOf(MIDNIGHT);
const catalog = realCatalog();

describe.each(ENGINES)('daily rollups on %s', (engine) => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let clock: number;
  /** What the next sample sees for openai's API (other providers are not sampled here). */
  let level: Level;
  beforeEach(async () => {
    store = await openTestStore(engine);
    await store.providers.sync(catalog.providers, MIDNIGHT - 100 * DAY_MS);
  });
  afterEach(() => store.dispose());

  const recorder = () =>
    createRollupRecorder({
      store,
      catalog,
      now: () => clock,
      sample: async () => new Map<string, SampledLevels>([['openai', { api: level, 'component:chat': 'operational' }]]),
    });
  const minutes = async (day: number, subject = 'api') =>
    Object.fromEntries(
      (await store.rollups.levels('openai', day, day, subject)).map((r) => [r.level, r.ms / MINUTE_MS]),
    );

  it('adds the time between samples to the level seen, split at UTC midnight', async () => {
    const job = recorder();
    level = 'operational';
    clock = MIDNIGHT - 2 * MINUTE_MS;
    expect(await job.run()).toBe(1);
    clock += MINUTE_MS;
    await job.run();
    level = 'major_outage';
    clock += 2 * MINUTE_MS; // one minute before midnight, one after: still the operational seen last
    await job.run();
    clock += 3 * MINUTE_MS;
    await job.run();
    expect(await minutes(DAY - 1)).toEqual({ operational: 2 });
    expect(await minutes(DAY)).toEqual({ operational: 1, major_outage: 3 });
    expect(await minutes(DAY, 'component:chat')).toEqual({ operational: 4 });
  });

  it('counts a gap longer than the bound as no data, and a restarted job counts nothing twice', async () => {
    level = 'operational';
    clock = MIDNIGHT + HOUR_MS;
    await recorder().run();
    clock += MINUTE_MS;
    await recorder().run();
    // The node was down for an hour: nothing is counted for it, the next minute is.
    clock += HOUR_MS;
    await recorder().run();
    clock += MINUTE_MS;
    const restarted = recorder();
    await restarted.run();
    // A second node (or a retried pass) at the same time adds nothing.
    await recorder().run();
    clock += HISTORY_MAX_GAP_MS;
    await restarted.run();
    expect(await minutes(DAY)).toEqual({ operational: 2 + HISTORY_MAX_GAP_MS / MINUTE_MS });
    const history = await createHistoryReader({ store }).read(catalog.providerBySlug.get('openai')!, clock);
    expect(history.api.days.at(-1)).toMatchObject({ level: 'operational' });
    expect(history.api.days.at(-2)).toMatchObject({ level: 'no_data' });
    expect(history.api.uptime90d.share).toBe(1);
  });

  it('does not count a stale mark moved by another writer', async () => {
    level = 'operational';
    clock = MIDNIGHT + HOUR_MS;
    await recorder().run();
    const mark = (await store.rollups.mark('openai'))!;
    const time = [{ subject: 'api', day: DAY, level: 'operational' as const, ms: MINUTE_MS }];
    expect(await store.rollups.advance('openai', mark.at, { ...mark, at: mark.at + MINUTE_MS }, time)).toBe(true);
    expect(await store.rollups.advance('openai', mark.at, { ...mark, at: mark.at + MINUTE_MS }, time)).toBe(false);
    expect(await minutes(DAY)).toEqual({ operational: 1 });
  });

  it('records the API level the one assessment gives, components apart', async () => {
    const reader = createAssessor({ store, catalog, config: parseConfig({}) });
    const job = createRollupRecorder({ store, catalog, now: () => clock, sample: levelsSampler(reader) });
    clock = MIDNIGHT + 12 * HOUR_MS;
    await seedAnthropicOutage(store, clock);
    await seedOpenAiHealthy(store, clock);
    const assessed = async (slug: string) =>
      (await reader.of(catalog.providerBySlug.get(slug)!, clock)).assessment.api.level;
    const expected = { anthropic: await assessed('anthropic'), openai: await assessed('openai') };
    expect(expected.openai).toBe('operational');
    expect(expected.anthropic).not.toBe('operational');
    await job.run();
    clock += MINUTE_MS;
    await job.run();
    for (const slug of ['anthropic', 'openai'] as const) {
      const rows = await store.rollups.levels(slug, DAY, DAY, 'api');
      expect(rows).toEqual([{ subject: 'api', day: DAY, level: expected[slug], ms: MINUTE_MS }]);
    }
    const components = await store.rollups.levels('openai', DAY, DAY);
    expect(components.map((r) => r.subject)).toContain('component:chat');
    // A provider with no fresh signal at all is recorded as unknown time, which a day reads as unknown, not green.
    const quiet = await store.rollups.levels('mistral', DAY, DAY, 'api');
    expect(quiet.map((r) => r.level)).toEqual(['unknown']);
  });

  it('rolls up on its first pass the probe days a stopped node missed, then today and yesterday', async () => {
    clock = MIDNIGHT + 12 * HOUR_MS;
    level = 'operational';
    for (const at of [MIDNIGHT - 3 * DAY_MS + HOUR_MS, MIDNIGHT - HOUR_MS, MIDNIGHT + HOUR_MS])
      await store.probes.record(
        'openai',
        probeRow({ at, outcome: 'rejected_as_expected', httpStatus: 401, latencyMs: 150 }),
      );
    await recorder().run();
    expect((await store.rollups.probeDays('openai', DAY - 10, DAY)).map((p) => [p.day, p.attempts])).toEqual([
      [DAY - 3, 1],
      [DAY - 1, 1],
      [DAY, 1],
    ]);
  });

  it("keeps each region's probe totals apart (the history reads this node's own region)", async () => {
    clock = MIDNIGHT + 12 * HOUR_MS;
    level = 'operational';
    for (const [region, outcome, latencyMs] of [
      ['local', 'rejected_as_expected', 100],
      ['local', 'rejected_as_expected', 120],
      ['ap-southeast', 'unexpected_status', 300],
    ] as const)
      await store.probes.record('openai', {
        region,
        ...probeRow({
          at: MIDNIGHT + HOUR_MS,
          outcome,
          httpStatus: outcome === 'unexpected_status' ? 503 : 401,
          latencyMs,
        }),
      });
    await recorder().run();
    expect(await store.rollups.probeDays('openai', DAY, DAY)).toEqual([
      { day: DAY, attempts: 2, successes: 2, medianMs: 110 },
    ]);
    expect(await store.rollups.probeDays('openai', DAY, DAY, 'ap-southeast')).toEqual([
      { day: DAY, attempts: 1, successes: 0, medianMs: null },
    ]);
  });

  it("rolls up a day's probe totals before its raw results are pruned; prunes rollups after 400 days", async () => {
    const now = MIDNIGHT + 12 * HOUR_MS;
    const old = MIDNIGHT - PROBE_RETENTION_MS - DAY_MS;
    for (const [at, outcome, latencyMs] of [
      [old + HOUR_MS, 'rejected_as_expected', 100],
      [old + 2 * HOUR_MS, 'rejected_as_expected', 300],
      [old + 3 * HOUR_MS, 'timeout', null],
    ] as const) {
      await store.probes.record('openai', probeRow({ at, outcome, httpStatus: latencyMs ? 401 : null, latencyMs }));
    }
    const ancient = DAY - HISTORY_RETENTION_DAYS;
    await store.rollups.recordProbeDay('openai', { day: ancient, attempts: 1, successes: 1, medianMs: 1 });
    await store.rollups.advance('openai', null, { at: now, levels: {} }, [
      { subject: 'api', day: ancient, level: 'operational', ms: 1 },
      { subject: 'api', day: ancient + 1, level: 'operational', ms: 1 },
    ]);
    const removed = await pruneSignals(store, now);
    expect(removed.probes).toBe(3);
    expect(removed.rollups).toBe(2);
    expect(await store.rollups.probeDays('openai', ancient, DAY)).toEqual([
      { day: dayOf(old), attempts: 3, successes: 2, medianMs: 200 },
    ]);
    expect((await store.rollups.levels('openai', 0, DAY)).map((r) => r.day)).toEqual([ancient + 1]);
  });
});

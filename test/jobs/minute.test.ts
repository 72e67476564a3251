// The leader's minute: one assessment of every provider, handed to the daily history, detection and the events;
// none of the three reads a provider itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAssessor, type Assessor } from '../../src/assessment/assessor.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import { createDetector } from '../../src/jobs/detect.ts';
import { createEventRecorder } from '../../src/jobs/events.ts';
import { minuteTask } from '../../src/jobs/minute.ts';
import { createRollupRecorder } from '../../src/jobs/rollup.ts';
import { DAY_MS } from '../../src/time.ts';
import { openTestStore } from '../helpers/engines.ts';
import { seedOpenAiHealthy } from '../helpers/seed.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const catalog = loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
const config = parseConfig({});
const never = (what: string) => () => {
  throw new Error(`${what} read the providers itself`);
};

describe("the leader's minute", () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    store = await openTestStore('sqlite');
    await store.providers.sync(catalog.providers, NOW - 30 * DAY_MS);
    await seedOpenAiHealthy(store, NOW);
  });
  afterEach(() => store.dispose());

  it('assesses every provider once and hands the readings to the rollups, detection and the events', async () => {
    const real = createAssessor({ store, catalog, config });
    const calls = { all: 0, one: 0 };
    const assessor: Assessor = {
      all: (now, scope) => ((calls.all += 1), real.all(now, scope)),
      of: (provider, now) => ((calls.one += 1), real.of(provider, now)),
      signals: (provider, now) => ((calls.one += 1), real.signals(provider, now)),
      correlation: (now) => real.correlation(now),
    };
    const now = () => NOW;
    const rollups = createRollupRecorder({ store, catalog, sample: never('the rollups'), now });
    const detector = createDetector({ store, catalog, probeIntervalMs: 180_000, communities: never('detection'), now });
    let eventReads = 0;
    const assess = () => {
      eventReads += 1;
      return never('the events')();
    };
    const events = createEventRecorder({ store, catalog, assess, siteUrl: 'https://x.test', now });

    await minuteTask({ catalog, versions: store.versions, assessor, rollups, detector, events, now })();

    expect(calls).toEqual({ all: 1, one: 0 });
    expect(eventReads).toBe(0);
    const openai = (await real.all(NOW)).find((d) => d.provider.slug === 'openai')!;
    // The daily history sampled every provider, the events looked at every provider (openai's page was read).
    for (const provider of catalog.providers) expect(await store.rollups.mark(provider.slug)).not.toBeNull();
    expect((await store.events.announced('openai')).level).toBe(openai.assessment.api.level);
    // Within the same minute the events' next pass reads nothing: nothing changed since the readings it was given.
    expect(await events.run()).toBe(0);
    expect(eventReads).toBe(0);
  });
});

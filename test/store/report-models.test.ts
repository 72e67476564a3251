// Models named in reports, on both engines: distinct allocations per model and day back from now (and in the same hour
// of each day), names grouped lower-cased, uncounted reports and reports past the lookback left out, top N only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import type { NewReport } from '../../src/store/reports.ts';
import { MODEL_LOOKBACK_MS, MODEL_RECENT_MS, summariseModels } from '../../src/status/models.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';
import { ENGINES, openTestStore } from '../helpers/engines.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
let n = 0;
const report = (model: string | null, allocation: string, at: number, over: Partial<NewReport> = {}): NewReport => {
  n += 1;
  return {
    providerSlug: 'openai',
    category: 'server_error',
    httpStatus: 500,
    model,
    sdk: null,
    region: null,
    clientHash: `client-${n}`,
    allocationHash: allocation,
    counted: true,
    ignoredReason: null,
    at,
    ...over,
  };
};

describe.each(ENGINES)('model counts on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeEach(async () => {
    store = await openTestStore(engine);
    await store.providers.sync(
      [
        { slug: 'openai', name: 'OpenAI' },
        { slug: 'anthropic', name: 'Anthropic' },
      ],
      NOW,
    );
  });
  afterEach(() => store.dispose());

  const counts = (top = 5) =>
    store.reports.modelCounts('openai', NOW, {
      days: MODEL_LOOKBACK_MS / DAY_MS,
      recentMs: MODEL_RECENT_MS,
      top,
      minAllocations: 2,
    });

  it('counts distinct allocations per model and day, and in the same hour of each day', async () => {
    const add = async (...reports: NewReport[]) => {
      for (const r of reports) await store.reports.add(r);
    };
    await add(
      // Last hour: two allocations, one spelling each.
      report('GPT-4o', 'a1', NOW - 10 * MINUTE_MS),
      report('gpt-4o', 'a2', NOW - 20 * MINUTE_MS),
      // Earlier today: a third, and a second report from a1 that counts once.
      report('gpt-4o', 'a3', NOW - 5 * HOUR_MS),
      report('gpt-4o', 'a1', NOW - 6 * HOUR_MS),
      // Yesterday, in the same hour and outside it.
      report('gpt-4o', 'b1', NOW - DAY_MS - 30 * MINUTE_MS),
      report('gpt-4o', 'b2', NOW - DAY_MS - 3 * HOUR_MS),
      // Seven days back is read; eight is not.
      report('gpt-4o', 'c1', NOW - 7 * DAY_MS - 5 * HOUR_MS),
      report('gpt-4o', 'd1', NOW - 8 * DAY_MS - MINUTE_MS),
      // One allocation (many clients) alone never makes a model; nor do uncounted reports; nor reports without one.
      report('o3-mini', 'e1', NOW - 10 * MINUTE_MS),
      report('o3-mini', 'e1', NOW - 15 * MINUTE_MS),
      report('spam-model', 'f1', NOW - MINUTE_MS, { counted: false, ignoredReason: 'duplicate' }),
      report('spam-model', 'f2', NOW - MINUTE_MS, { counted: false, ignoredReason: 'honeypot' }),
      report(null, 'g1', NOW - MINUTE_MS),
      report(null, 'g2', NOW - MINUTE_MS),
      // Another provider's reports stay there.
      report('gpt-4o', 'h1', NOW - MINUTE_MS, { providerSlug: 'anthropic' }),
    );
    const rows = (await counts()).sort((a, b) => a.day - b.day);
    expect(rows).toEqual([
      { model: 'gpt-4o', day: 0, allocations: 3, recentAllocations: 2 },
      { model: 'gpt-4o', day: 1, allocations: 2, recentAllocations: 1 },
      { model: 'gpt-4o', day: 7, allocations: 1, recentAllocations: 0 },
    ]);
    expect(summariseModels(rows)).toEqual([{ model: 'gpt-4o', lastHour: 2, last24h: 3, usualHour: 0, usual24h: 0 }]);
  });

  it('keeps only the top models of the last 24 hours, by allocations', async () => {
    for (const [model, allocations] of [
      ['a-model', 2],
      ['b-model', 4],
      ['c-model', 3],
    ] as const)
      for (let i = 0; i < allocations; i += 1)
        await store.reports.add(report(model, `${model}-${i}`, NOW - HOUR_MS * 2));
    expect((await counts(2)).map((r) => r.model).sort()).toEqual(['b-model', 'c-model']);
  });
});

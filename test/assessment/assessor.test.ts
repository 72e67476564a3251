// The assessor over a real store: a Provider in (never a slug), each provider read once per data version (reused
// for `reuseMs`, read again after any write), the per-error results kept with their read, and `all` agreeing with `of`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAssessor, NO_REUSE } from '../../src/assessment/assessor.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import { summariseCommunity } from '../../src/status/community.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';
import { ENGINES, openTestStore } from '../helpers/engines.ts';
import { recordOfficial, recordReports } from '../helpers/signals.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const catalog = loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
const config = parseConfig({});
const openai = catalog.providerBySlug.get('openai')!;
const auth = catalog.errorTypeBySlug.get('auth-error')!;
const PAGE_TIMING = { correlation: { minAgeMs: 1000, refreshMs: 5000, reuseMs: 60_000 }, reuseMs: 1000 };

describe.each(ENGINES)('the assessor on %s', (engine) => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    store = await openTestStore(engine);
    await store.providers.sync(catalog.providers, NOW - 30 * DAY_MS);
    await recordOfficial(store, 'openai', NOW, { 'API & Chat Completions': 'operational' });
    await recordReports(store, 'openai', NOW, 'auth', 6);
  });
  afterEach(() => store.dispose());

  it('reuses a read while its data version holds, and reads again after a write or once reuseMs passed', async () => {
    const assessor = createAssessor({ store, catalog, config, timing: PAGE_TIMING });
    const first = await assessor.of(openai, NOW);
    const again = await assessor.of(openai, NOW + 500);
    expect(again.assessment).toBe(first.assessment);
    expect(again.error(auth)).toBe(first.error(auth));

    await recordReports(store, 'openai', NOW + 600, 'rate_limit', 4);
    const changed = await assessor.of(openai, NOW + 700);
    expect(changed.assessment).not.toBe(first.assessment);
    expect([first.community.recent, changed.community.recent]).toEqual([6, 10]);

    const later = await assessor.of(openai, NOW + 700 + 1001);
    expect(later.assessment).not.toBe(changed.assessment);
    expect(later.assessment.api.level).toBe(changed.assessment.api.level);
  });

  it('without reuse, reads afresh at every other instant', async () => {
    const assessor = createAssessor({ store, catalog, config, timing: NO_REUSE });
    const first = await assessor.signals(openai, NOW);
    expect((await assessor.signals(openai, NOW)).assessment).toBe(first.assessment);
    expect((await assessor.signals(openai, NOW + 1)).assessment).not.toBe(first.assessment);
  });

  it('gives every provider from `all` as `of` gives each, the chart only where it was read', async () => {
    const assessor = createAssessor({ store, catalog, config });
    const all = await assessor.all(NOW);
    expect(all.map((d) => d.provider)).toEqual(catalog.providers);
    for (const provider of [openai, catalog.providerBySlug.get('anthropic')!]) {
      const one = await assessor.of(provider, NOW);
      const listed = all.find((d) => d.provider === provider)!;
      expect(listed.assessment).toEqual(one.assessment);
      expect(listed.correlation).toEqual(one.correlation);
      expect(() => listed.buckets).toThrow(/were not read/);
      expect(one.buckets.length).toBe(provider === openai ? 1 : 0);
      expect(one.models).toEqual([]);
    }
  });

  it("keeps each error type's result with the read: the category's summary over every bucket of the chart", async () => {
    const assessor = createAssessor({ store, catalog, config });
    const data = await assessor.of(openai, NOW + MINUTE_MS);
    const result = data.error(auth);
    expect(data.error(auth)).toBe(result);
    expect(result.community).toEqual(summariseCommunity(data.buckets, data.now, auth.category, data.reporters));
    expect(result.community.recent).toBe(6);
    expect(result.verdict.level).toBe(data.status.level);
  });
});

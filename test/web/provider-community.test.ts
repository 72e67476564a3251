// The community summary each provider read carries is computed from a few buckets (the window now and on each
// baseline day, and the latest report) instead of eight days of them: it must equal the summary of all of them.
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_CATEGORIES } from '../../src/domain.ts';
import { communitySinceAt, communityWindowStart, summariseCommunity } from '../../src/status/community.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { createHarness, T0, type Harness } from '../helpers/app.ts';

let h: Harness;
afterEach(() => h.close());

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('the community summary of a provider read', () => {
  it('equals the summary of every bucket, whatever the reports, for many moments', async () => {
    h = await createHarness();
    const next = random(7);
    const slug = 'openai';
    // Reports over ten days around T0 (some after it), bursts included, in every category.
    for (let i = 0; i < 3000; i += 1) {
      const burst = next() < 0.3;
      const at = burst ? T0 - Math.floor(next() * 40) * MINUTE_MS : T0 - 9 * DAY_MS + Math.floor(next() * 10 * DAY_MS);
      await h.store.reports.add({
        providerSlug: slug,
        category: REPORT_CATEGORIES[Math.floor(next() * REPORT_CATEGORIES.length)]!,
        httpStatus: null,
        model: null,
        sdk: null,
        region: null,
        clientHash: `client-${i}`,
        counted: true,
        ignoredReason: null,
        at,
      });
    }
    // Buckets from before exact times were kept: no last_at.
    h.store
      .sqlite!.prepare(
        'INSERT INTO report_buckets (provider_slug, category, bucket_at, count, last_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(slug, 'timeout', Math.floor((T0 - 3 * DAY_MS) / 900_000) * 900_000 - 7 * 900_000, 4, null);

    const assessor = createAssessor({ store: h.store, catalog: h.catalog, config: h.config });
    const moments = [T0, T0 - 7 * MINUTE_MS, T0 + 20 * MINUTE_MS, T0 - DAY_MS, T0 - 2 * DAY_MS + 13 * MINUTE_MS];
    for (let i = 0; i < 40; i += 1) moments.push(T0 - Math.floor(next() * 3 * DAY_MS));
    for (const now of moments) {
      const all = await h.store.reports.buckets(slug, communitySinceAt(now));
      const data = await assessor.of(h.catalog.providerBySlug.get(slug)!, now);
      const reporters = await h.store.reports.allocations(slug, communityWindowStart(now));
      expect(data.community, new Date(now).toISOString()).toEqual(summariseCommunity(all, now, undefined, reporters));
      expect(data.buckets).toEqual(all);
    }
    const reads = await Promise.all(moments.map((now) => assessor.of(h.catalog.providerBySlug.get(slug)!, now)));
    const spikes = reads.filter((data) => data.community.spike).length;
    expect(spikes).toBeGreaterThan(0);
    expect(spikes).toBeLessThan(moments.length);
  });
});

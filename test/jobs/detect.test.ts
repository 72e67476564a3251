// The detection job over a real store on both engines: a community spike opens one detected incident from the start
// of the window that spiked, running again adds nothing, and it closes when a bucket starts without the spike.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../src/domain.ts';
import { bucketOf, communityWindowStart } from '../../src/status/community.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { ENGINES, rows } from '../helpers/engines.ts';
import { harnessDetector } from '../helpers/detector.ts';
import { probeRow, recordReports } from '../helpers/signals.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 7, 0);
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(ENGINES)('the detection job on %s', (engine) => {
  it('opens a community incident on a spike, once, and closes it when the spike is over', async () => {
    h = await createHarness({ engine, now: NOW });
    const harness = h;
    const detector = harnessDetector(harness);
    await recordReports(harness.store, 'openai', NOW, 'auth', 9);
    expect(await detector.run()).toBe(1);
    expect(await detector.run()).toBe(0);
    const detected = () =>
      rows<{ provider_slug: string; started_at: number; resolved_at: number | null; impact: string }>(
        harness.store,
        "SELECT provider_slug, started_at, resolved_at, impact FROM incidents WHERE origin = 'detected'",
      );
    expect(await detected()).toEqual([
      { provider_slug: 'openai', started_at: communityWindowStart(NOW), resolved_at: null, impact: 'minor' },
    ]);
    const page = textOf((await harness.app.inject({ url: '/openai' })).body);
    expect(page).toContain('Users report problems with the API');
    expect(page).toContain('Detected by us');

    harness.clock.now = NOW + 40 * MINUTE_MS;
    expect(await detector.run()).toBe(1);
    expect(await detected()).toEqual([
      {
        provider_slug: 'openai',
        started_at: communityWindowStart(NOW),
        resolved_at: bucketOf(NOW + 40 * MINUTE_MS),
        impact: 'minor',
      },
    ]);
    expect(await detector.run()).toBe(0);
  });
});

describe.each(ENGINES)('the detection job with probe agents on %s', (engine) => {
  const env = { AGENT_KEYS: `us-east=${'k'.repeat(40)},eu-west=${'e'.repeat(40)}`, PROBE_INTERVAL_SECONDS: '60' };
  /** Five results of `outcome` from `region`, one a minute, the last just before now. */
  async function probed(harness: Harness, region: string, outcome: ProbeOutcome) {
    for (let i = 4; i >= 0; i -= 1)
      await harness.store.probes.record('openai', {
        region,
        ...probeRow({
          at: harness.clock.now - 1000 - i * MINUTE_MS,
          outcome,
          httpStatus: outcome === 'rejected_as_expected' ? 401 : 503,
          latencyMs: 100,
        }),
      });
  }
  const detected = (harness: Harness) =>
    rows<{ started_at: number }>(harness.store, "SELECT started_at FROM incidents WHERE origin = 'detected'");

  it('opens nothing when only this node fails while the agents answer, and opens once two of three fail', async () => {
    h = await createHarness({ engine, now: NOW, env });
    const harness = h;
    const detector = harnessDetector(harness);
    await probed(harness, 'local', 'unexpected_status');
    await probed(harness, 'us-east', 'rejected_as_expected');
    await probed(harness, 'eu-west', 'rejected_as_expected');
    expect(await detector.run()).toBe(0);
    expect(await detected(harness)).toEqual([]);
    expect(textOf((await harness.app.inject({ url: '/openai' })).body)).toMatch(/Partly: failing from local/);

    harness.clock.now += 5 * MINUTE_MS;
    await probed(harness, 'local', 'unexpected_status');
    await probed(harness, 'us-east', 'unexpected_status');
    await probed(harness, 'eu-west', 'rejected_as_expected');
    expect(await detector.run()).toBe(1);
    expect(await detected(harness)).toHaveLength(1);
    expect(await detector.run()).toBe(0);
  });
});

// The probe schedule on a manual clock: a first cycle at start, then one per interval with jitter that only delays,
// so a host is never probed more often than the interval; nothing runs after close.
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/jobs/clock.ts';
import { catalogWith, createHarness, type Harness } from '../helpers/app.ts';
import { manualClock } from '../helpers/clock.ts';
import { probeRig, probingAt, startFakeApi, type FakeApi, type ProbeRig } from '../helpers/probe.ts';
import { fixture } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const INTERVAL = 180_000;
let h: Harness;
let rig: ProbeRig;
let api: FakeApi;

afterEach(async () => {
  await rig.close();
  await h.close();
  await api.close();
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('probe schedule', () => {
  it('probes at start, then once per interval plus at most a tenth, never sooner; nothing after close', async () => {
    api = await startFakeApi({ status: 401, body: fixture('errors/openai-401-invalid-key.json') });
    h = await createHarness({
      catalog: catalogWith([probingAt(api.url('openai'))]),
      now: NOW,
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true' },
    });
    const base = manualClock(NOW);
    // When each cycle timer (far longer than a task timeout) is due, so the clock can be moved exactly there.
    const cycleTimers: number[] = [];
    const clock: Clock = {
      now: base.now,
      setTimeout(callback, ms) {
        if (ms > 60_000) cycleTimers.push(base.now() + ms);
        return base.setTimeout(callback, ms);
      },
      clearTimeout: base.clearTimeout,
    };
    // The extremes of the random source: with symmetric jitter, 0 would start a cycle a tenth of an interval early.
    const draws = [0, 1, 0, 0.5, 1, 0];
    let cyclesDone = 0;
    rig = probeRig(h, { clock, random: () => draws[cyclesDone % draws.length]!, onCycle: () => (cyclesDone += 1) });

    rig.job.start();
    for (let n = 0; n < 6; n += 1) {
      // Ticks do not wait for cycles, so let each cycle finish before the clock jumps to the next tick.
      while (cycleTimers.length <= n || cyclesDone <= n) await tick();
      await base.advance(cycleTimers[n]! - base.now());
    }
    while (cyclesDone < 7) await tick();
    const at = (await h.store.probes.since('openai', 0)).map((r) => r.at);
    expect(at).toHaveLength(7);
    expect(at[0]).toBe(NOW);
    const gaps = at.slice(1).map((t, k) => t - at[k]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(INTERVAL);
      expect(gap).toBeLessThanOrEqual(INTERVAL * 1.1);
    }
    expect(gaps).toContain(INTERVAL);
    expect(gaps).toContain(198_000);

    while (cycleTimers.length <= 6) await tick();
    await rig.job.close();
    await base.advance(10 * INTERVAL);
    expect(await h.store.probes.since('openai', 0)).toHaveLength(7);
    expect(api.requests).toHaveLength(7);
  });
});

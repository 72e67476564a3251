import { afterEach, describe, expect, it } from 'vitest';
import { errorTypesFor } from '../../src/catalog/load.ts';
import type { ProbeOutcome } from '../../src/domain.ts';
import { createHarness, textOf, T0, type Harness } from '../helpers/app.ts';
import { probeRow } from '../helpers/signals.ts';

const ENV = { AGENT_KEYS: `us-east=${'k'.repeat(40)},eu-west=${'e'.repeat(40)}`, PROBE_INTERVAL_SECONDS: '60' };
const INTERVAL_MS = 60_000;

/** Five results of `outcome` from `region`, one per interval, the last just before now. */
async function probed(h: Harness, region: string, outcome: ProbeOutcome) {
  for (let i = 4; i >= 0; i -= 1)
    await h.store.probes.record('openai', {
      region,
      ...probeRow({
        at: h.clock.now - 1000 - i * INTERVAL_MS,
        outcome,
        httpStatus: outcome === 'rejected_as_expected' ? 401 : 503,
        latencyMs: 100 + i,
      }),
    });
}

describe('probe regions on the pages', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('one line per region when they differ, on the dashboard, is-it-down and the error JSON', async () => {
    h = await createHarness({ env: ENV, now: T0 });
    await probed(h, 'local', 'rejected_as_expected');
    await probed(h, 'us-east', 'rejected_as_expected');
    await probed(h, 'eu-west', 'unexpected_status');

    const page = await h.app.inject({ url: '/openai' });
    expect(page.statusCode).toBe(200);
    const lines = /<ul class="region-lines"[^>]*>([\s\S]*?)<\/ul>/.exec(page.body)?.[1] ?? '';
    expect(textOf(lines)).toMatch(
      /^local and us-east: Answering normally eu-west: Failing · since 4 min ago ?: the API answered with an unexpected status \(HTTP 503/,
    );
    expect(textOf(page.body)).toMatch(/Partly: failing from eu-west, normal from local and us-east/);
    // The probe line itself says "Partly failing", never "Slow" or "Failing", above the region lines.
    expect(textOf(page.body)).toMatch(/Live probe: Partly failing ·/);

    const down = await h.app.inject({ url: '/openai/is-it-down' });
    expect(textOf(down.body)).toMatch(/eu-west: Failing/);
    expect(textOf(down.body)).toMatch(
      /Our probes fail only from eu-west and answer from local and us-east: if your requests leave from a failing region/,
    );
    const downJson = (await h.app.inject({ url: '/api/v1/providers/openai/is-it-down' })).json();
    expect(downJson.regions.map((r: { region: string; state: string }) => [r.region, r.state])).toEqual([
      ['local', 'operational'],
      ['us-east', 'operational'],
      ['eu-west', 'failing'],
    ]);

    const error = errorTypesFor(h.catalog, h.catalog.providerBySlug.get('openai')!)[0]!;
    const errorJson = (await h.app.inject({ url: `/api/v1/providers/openai/errors/${error.slug}` })).json();
    expect(errorJson.regions).toHaveLength(3);
    expect(errorJson.regions[0]).toMatchObject({ region: 'local', state: 'operational', p50Ms: 102, p99Ms: 104 });
    expect(errorJson.regions[2]).toMatchObject({ region: 'eu-west', state: 'failing', p50Ms: null });
    expect(errorJson.regions[2].failingSince).toBe(new Date(T0 - 1000 - 4 * INTERVAL_MS).toISOString());
  });

  it('one folded line when every region says the same', async () => {
    h = await createHarness({ env: ENV, now: T0 });
    for (const region of ['local', 'us-east', 'eu-west']) await probed(h, region, 'rejected_as_expected');
    const page = await h.app.inject({ url: '/openai' });
    expect(page.body).not.toContain('region-lines');
    expect(textOf(page.body)).toMatch(/Answering normally · last normal answer .* · from all 3 regions/);
  });

  it('tables the latency percentiles on the dashboard over the days with data', async () => {
    h = await createHarness({ env: ENV, now: T0 });
    for (const region of ['local', 'us-east', 'eu-west']) await probed(h, region, 'rejected_as_expected');
    // Three days ago, a slower answer from us-east.
    await h.store.probes.record('openai', {
      region: 'us-east',
      ...probeRow({
        at: T0 - 3 * 24 * 3_600_000 + 60_000,
        outcome: 'rejected_as_expected',
        httpStatus: 401,
        latencyMs: 900,
      }),
    });
    const page = await h.app.inject({ url: '/openai' });
    const live = textOf(/<section class="card" id="live"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '');
    expect(live).toContain(
      'Latency by region (p50/p95/p99 ms) over 24 hours: local 102/104/104 · us-east 102/104/104 · eu-west 102/104/104',
    );
    expect(live).toContain('Over 3 days with data: local 102/104/104 · us-east 102/900/900 · eu-west 102/104/104');
    // One place only: without agents there is no regional table.
    const single = await createHarness({ now: T0 });
    try {
      await probed(single, 'local', 'rejected_as_expected');
      expect((await single.app.inject({ url: '/openai' })).body).not.toContain('Latency by region');
    } finally {
      await single.close();
    }
  });
});

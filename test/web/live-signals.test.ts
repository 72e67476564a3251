// The Live Signals block: the chart with empty, single, gapped and failing series, its accessible SVG on the page,
// the block's words, and the JSON agreeing with the page.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../src/domain.ts';
import { latencyBaseline } from '../../src/probes/baseline.ts';
import type { ProbeResultRow } from '../../src/store/probes.ts';
import { probeChartView, type ChartSample } from '../../src/web/blocks/probe-chart.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 180_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const options = (latencies: number[] = []) => ({
  now: NOW,
  windowMs: DAY,
  intervalMs: STEP,
  baseline: latencyBaseline(latencies),
});
const sample = (
  at: number,
  outcome: ProbeOutcome = 'rejected_as_expected',
  latencyMs: number | null = 200,
  httpStatus: number | null = 401,
): ChartSample => ({ at, outcome, latencyMs, httpStatus });
/** Samples every interval over [from, to], oldest first. */
const every = (from: number, to: number, make: (at: number) => ChartSample = (at) => sample(at)) => {
  const out: ChartSample[] = [];
  for (let at = from; at <= to; at += STEP) out.push(make(at));
  return out;
};
const numbersOf = (value: unknown): number[] =>
  JSON.stringify(value)
    .match(/-?\d+(\.\d+)?(e-?\d+)?/g)!
    .map(Number);

describe('probeChartView', () => {
  it('with no data: says so, draws nothing, and every coordinate is a number', () => {
    const c = probeChartView([], options());
    expect(c).toMatchObject({
      empty: true,
      lines: [],
      dots: [],
      failures: [],
      usual: null,
      slowAbove: null,
      summary: 'No probe results in the last 24 hours.',
    });
    expect(c.yTicks.map((t) => t.label)).toEqual(['0 ms', '50 ms', '100 ms']);
    expect(JSON.stringify(c)).not.toMatch(/NaN|Infinity|null,"label"/);
  });

  it('with a single point: drawn over the hour with data, not a day of "no results"', () => {
    const c = probeChartView([sample(NOW - 60_000, 'rejected_as_expected', 210)], options([210]));
    expect(c.empty).toBe(false);
    expect(c.lines).toEqual([]);
    expect(c.dots).toEqual([{ x: 347, y: 25, slow: false, label: '11:59 UTC: 210 ms' }]);
    expect(c.gaps).toEqual([]);
    expect(c.title).toBe('Probe latency and failures over the last hour');
    expect(c.summary).toBe(
      'Last hour: 1 probe, 1 answered as expected (100%). None failed. Usual latency 210 ms, highest 210 ms.',
    );
    expect(c.xTicks.map((t) => t.label)).toEqual(['1 h ago', '30 min ago', 'now']);
    expect(c.yTicks.map((t) => t.label)).toEqual(['0 ms', '125 ms', '250 ms']);
  });

  it('on a server probing for 5 hours: drawn over those 5 hours, with the gaps inside them', () => {
    const c = probeChartView([...every(NOW - 5 * HOUR + STEP, NOW - 3 * HOUR), ...every(NOW - 2 * HOUR, NOW)], {
      ...options([200]),
    });
    expect(c.title).toBe('Probe latency and failures over the last 5 hours');
    expect(c.xTicks.map((t) => t.label)).toEqual(['5 h ago', '2 h 30 min ago', 'now']);
    expect(c.gaps).toEqual([{ x: 178, width: 58, label: 'No results from 09:00 UTC to 10:00 UTC' }]);
    expect(c.summary).toMatch(/^Last 5 hours: /);
  });

  it('leaves room left of the plot for the widest latency label', () => {
    const c = probeChartView(
      every(NOW - HOUR, NOW, (at) => sample(at, 'rejected_as_expected', 450)),
      options([450]),
    );
    expect(c.yTicks.map((t) => t.label)).toEqual(['0 ms', '250 ms', '500 ms']);
    // "500 ms" is 3.72 em in DejaVu Sans; at 13.5 units it needs 51 units left of its anchor (plot.x - 6).
    expect(c.plot.x - 6).toBeGreaterThanOrEqual(51);
  });

  it('with a gap: the line breaks, the gap is shaded with its times, and the summary says how long', () => {
    const before = every(NOW - DAY + STEP, NOW - 10 * HOUR);
    const after = every(NOW - 8 * HOUR, NOW);
    const c = probeChartView([...before, ...after], options([200]));
    expect(c.lines).toHaveLength(2);
    expect(c.gaps).toEqual([{ x: 231, width: 24, label: 'No results from 02:00 UTC to 04:00 UTC' }]);
    expect(c.summary).toContain('No results for 2 h in all; the longest gap from 02:00 UTC to 04:00 UTC.');
    expect(c.summary).toMatch(/^Last 24 hours: 441 probes, 441 answered as expected \(100%\)\. None failed\./);
  });

  it('a gap shorter than three intervals is not a gap', () => {
    const c = probeChartView([sample(NOW - 9 * STEP), sample(NOW - 3 * STEP), sample(NOW - STEP + 1000), sample(NOW)], {
      ...options([200]),
      windowMs: 10 * STEP,
    });
    expect(c.lines).toHaveLength(1);
    expect(c.gaps).toHaveLength(1);
    expect(c.gaps[0]!.label).toBe('No results from 11:33 UTC to 11:51 UTC');
  });

  it('failures break the line and are marked with what failed; slow answers are flagged, the threshold drawn', () => {
    const latencies = Array.from({ length: 20 }, () => 200);
    const series = [
      ...every(NOW - 2 * HOUR, NOW - HOUR),
      sample(NOW - HOUR + STEP, 'unexpected_status', 80, 500),
      sample(NOW - HOUR + 2 * STEP, 'timeout', 10_000, null),
      ...every(NOW - HOUR + 3 * STEP, NOW - 30 * 60_000),
      sample(NOW - 27 * 60_000, 'slow', 1900),
      ...every(NOW - 24 * 60_000, NOW),
    ];
    const c = probeChartView(series, options(latencies));
    // Consecutive failures are one mark, however long the run.
    expect(c.failures.map((f) => f.label)).toEqual(['11:03 UTC to 11:06 UTC: 2 failed (1 × HTTP 500, 1 × timeout)']);
    expect(c.lines).toHaveLength(2);
    expect(c.dots).toEqual([expect.objectContaining({ slow: true, label: '11:33 UTC: 1.9 s, slow' })]);
    expect(c.slowAbove).toMatchObject({ label: 'slow above 800 ms' });
    expect(c.usual).toMatchObject({ label: 'usual 200 ms' });
    expect(c.yTicks.map((t) => t.label)).toEqual(['0 ms', '1.25 s', '2.5 s']);
    expect(c.summary).toContain('2 failed: 1 × HTTP 500, 1 × timeout; the last at 11:06 UTC.');
    expect(c.summary).toContain('1 of them slowly');
    // Every point lies inside the plot.
    const inside = (x: number, y: number) => x >= c.plot.x && x <= c.plot.right && y >= c.plot.y && y <= c.plot.bottom;
    for (const line of c.lines)
      for (const point of line.split(' '))
        expect(inside(...(point.split(',').map(Number) as [number, number]))).toBe(true);
    expect(numbersOf(c).every(Number.isFinite)).toBe(true);
  });
});

let h: Harness;

const row = (
  at: number,
  outcome: ProbeOutcome,
  latencyMs: number,
  extra: Partial<ProbeResultRow> = {},
): ProbeResultRow => ({
  at,
  outcome,
  httpStatus: 401,
  latencyMs,
  dnsMs: 4,
  connectMs: 20,
  tlsMs: 31,
  ttfbMs: latencyMs - 55,
  detail: null,
  ...extra,
});

describe('the block on the pages', () => {
  afterEach(() => h.close());

  it('renders an accessible SVG chart, styled by classes only, with the same summary the JSON gives', async () => {
    h = await createHarness({ now: NOW });
    for (let at = NOW - 5 * HOUR; at <= NOW - 2 * STEP; at += STEP)
      await h.store.probes.record('openai', row(at, 'rejected_as_expected', 180));
    await h.store.probes.record('openai', row(NOW - STEP, 'timeout', 10_000, { httpStatus: null }));
    await h.store.probes.record('openai', row(NOW, 'rejected_as_expected', 190));
    const total = (await h.store.probes.since('openai', 0)).length;
    const res = await h.app.inject({ url: '/openai' });
    const html = res.body;
    const live = /<section class="card" id="live"[\s\S]*?<\/section>/.exec(html)![0];
    expect(live).toMatch(
      new RegExp(
        [
          /<svg viewBox="0 0 360 140" role="img" /.source,
          /aria-labelledby="probe-chart-title" aria-describedby="probe-chart-summary">/.source,
        ].join(''),
      ),
    );
    expect(live).toContain('<title id="probe-chart-title">Probe latency and failures over the last 5 hours</title>');
    expect(live).not.toMatch(/style=/);
    expect(res.headers['content-security-policy']).toContain("style-src 'self'");

    const json = (await h.app.inject({ url: '/api/v1/providers/openai' })).json().probes;
    const text = textOf(live);
    expect(/<figcaption id="probe-chart-summary">([^<]*)<\/figcaption>/.exec(live)![1]).toBe(
      json.summary24h.replace(/'/g, '&#39;'),
    );
    expect(json).toMatchObject({
      configured: true,
      state: 'fresh',
      stateLabel: 'Answering normally',
      count24h: total,
      answered24h: total - 1,
      last: {
        outcome: 'rejected_as_expected',
        httpStatus: 401,
        latencyMs: 190,
        phases: { dnsMs: 4, connectMs: 20, tlsMs: 31, ttfbMs: 135 },
        detail: null,
      },
      baseline: { samples: total - 1, medianMs: 180, madMs: 0, trusted: true, slowAboveMs: 800 },
    });
    expect(json.summary24h).toContain('1 failed: 1 × timeout; the last at 11:57 UTC.');
    expect(json.successRate24h).toBeCloseTo((total - 1) / total);
    expect(json.results24h).toHaveLength(total);
    // The last result in words is the probe's reason, in the evidence of the answer block: not repeated here.
    expect(text).not.toContain(json.last.text);
    expect(textOf(html)).toContain(json.summary);
    expect(text).toContain(': DNS 4 ms · connect 20 ms · TLS 31 ms · first byte 135 ms');
    expect(text).toContain(
      'Latency: 190 ms on the last probe, usual 180 ms; answers slower than 800 ms count as slow.',
    );
    expect(text).toContain(
      `${total} probes, ${total - 1} answered as expected (${((100 * (total - 1)) / total).toFixed(1)}%).`,
    );
    // The provider list carries the same block without the 24-hour series.
    const listed = (await h.app.inject({ url: '/api/v1/providers' }))
      .json()
      .providers.find((p: { slug: string }) => p.slug === 'openai').probes;
    expect(listed.results24h).toBeUndefined();
    expect({ ...listed }).toEqual((({ results24h: _omit, ...rest }) => rest)(json));
  });

  it('shows what came back when the last answer was unusual, escaped', async () => {
    h = await createHarness({ now: NOW });
    await h.store.probes.record('openai', row(NOW - STEP, 'rejected_as_expected', 180));
    await h.store.probes.record(
      'openai',
      row(NOW, 'unexpected_status', 40, {
        httpStatus: 503,
        detail: 'HTTP 503 (expected 401): <script>alert(1)</script>',
      }),
    );
    const html = (await h.app.inject({ url: '/openai' })).body;
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const text = textOf(html);
    expect(text).toContain('Live Signals');
    expect(text).toContain('Live probe: Unusual result, not confirmed');
    expect(text).toContain('A single unusual result is not enough to declare trouble');
    expect(text).toContain('What came back: HTTP 503 (expected 401): <script>alert(1)</script>');
    expect(text).toContain('no answer to time on the last probe; usual 180 ms');
  });

  it('with no results yet: one plain line, no chart', async () => {
    h = await createHarness({ now: NOW });
    const live = /<section class="card" id="live"[\s\S]*?<\/section>/.exec(
      (await h.app.inject({ url: '/openai' })).body,
    )![0];
    expect(textOf(live)).toBe(
      'Live Signals Every 3 min we call GET https://api.openai.com/v1/models with a deliberately invalid key; ' +
        "a quick 401 rejection in OpenAI's usual format means its authentication layer is up.",
    );
    expect((await h.app.inject({ url: '/api/v1/providers/openai' })).json().probes).toMatchObject({
      last: null,
      count24h: 0,
      successRate24h: null,
      summary24h: 'No probe results in the last 24 hours.',
      results24h: [],
    });
  });

  it('for a provider we cannot probe: says why, and nothing more', async () => {
    h = await createHarness({ now: NOW });
    const live = /<section class="card" id="live"[\s\S]*?<\/section>/.exec(
      (await h.app.inject({ url: '/azure-openai' })).body,
    )![0];
    expect(textOf(live)).toBe(
      "Live Signals We do not probe Azure OpenAI's API: it has no public endpoint we can call without a real account.",
    );
    expect((await h.app.inject({ url: '/api/v1/providers/azure-openai' })).json().probes).toMatchObject({
      configured: false,
      state: 'absent',
      last: null,
      summary24h: null,
    });
  });

  it('a new result shows on the next request: pages are cached by data version', async () => {
    h = await createHarness({ now: NOW });
    await h.store.probes.record('openai', row(NOW - STEP, 'rejected_as_expected', 180));
    expect(textOf((await h.app.inject({ url: '/openai' })).body)).toContain('1 probe, 1 answered');
    h.clock.now = NOW + 2000;
    await h.store.probes.record('openai', row(NOW, 'rejected_as_expected', 170));
    expect(textOf((await h.app.inject({ url: '/openai' })).body)).toContain('2 probes, 2 answered');
  });
});

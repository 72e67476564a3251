// "What We're Seeing Right Now" from stored reports: the 24-hour SVG chart with its usual band, the sentence and
// top categories, an error page's own category, the spike in the headline, and the same figures in the JSON API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportCategory } from '../../src/domain.ts';
import { COMMUNITY_BUCKET_MS } from '../../src/status/community.ts';
import { DAY_MS, HOUR_MS } from '../../src/time.ts';
import { createHarness, T0, textOf, type Harness } from '../helpers/app.ts';
import { recordProbes } from '../helpers/signals.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ now: T0 + 7 * 60_000 });
});
afterEach(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });
const chartOf = (html: string) => /<figure class="chart">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';

/** Counted reports as if sent by `count` different clients at `at`. */
async function seed(at: number, count: number, category: ReportCategory = 'auth', slug = 'openai') {
  for (let i = 0; i < count; i += 1) {
    await h.store.reports.add({
      providerSlug: slug,
      category,
      httpStatus: null,
      model: null,
      sdk: null,
      region: null,
      clientHash: `seed-${at}-${i}`,
      counted: true,
      ignoredReason: null,
      at,
    });
  }
}

describe('the chart', () => {
  it('with no data draws no empty chart: one sentence says so', async () => {
    const html = (await get('/openai')).body;
    expect(chartOf(html)).toBe('');
    expect(html).not.toContain('reports-chart-title');
    expect(html).toMatch(
      new RegExp(
        [
          /<p class="note" id="reports-chart-summary">/.source,
          /No reports in the last 24 hours\. On the previous 7 days there were usually none at any time of day\./
            .source,
          /<\/p>/.source,
        ].join(''),
      ),
    );
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('on a server gathering data for 4 hours is drawn over those hours, not a day of zeros', async () => {
    // Four probe results an hour apart, the first at 08:07 (12:07 now), and one report at 11:00: the chart keeps
    // whole hours of 15-minute buckets back from now's, so it starts at 07:15.
    await recordProbes(h.store, 'openai', h.clock.now, HOUR_MS, 'healthy');
    await seed(T0 - HOUR_MS, 1);
    const chart = chartOf((await get('/openai')).body);
    expect(chart).toContain('<title id="reports-chart-title">Reports per 15 minutes over the last 5 hours</title>');
    expect(textOf(chart)).toContain('1 report in the last 5 hours; the most, 1, in the 15 minutes from 11:00 UTC.');
    expect(textOf(chart)).toMatch(/07:15 09:45 now, 12:07 UTC/);
    // Without probes or reports there is nothing to say when the data began: the whole day (and nothing to draw).
    expect(textOf((await get('/anthropic')).body)).toContain('No reports in the last 24 hours.');
  });

  it('draws a bar per 15 minutes with reports and the usual range as a band', async () => {
    await seed(T0, 3);
    await seed(T0 - 2 * HOUR_MS, 1, 'timeout');
    await seed(T0 - 2 * HOUR_MS, 1, 'quota');
    await seed(T0 - 25 * HOUR_MS, 4); // outside the chart, inside the band's history
    for (let day = 1; day <= 7; day += 1) await seed(T0 - 6 * HOUR_MS - day * DAY_MS, day);
    const chart = chartOf((await get('/openai')).body);
    // One stroke per 15 minutes with reports: `M x bottom V top`.
    const path = /<path class="chart-bar" stroke-width="[\d.]+" d="([^"]+)"\/>/.exec(chart)![1]!;
    const bars = [...path.matchAll(/M([\d.]+) ([\d.]+)V([\d.]+)/g)].map((m) => ({
      x: Number(m[1]),
      bottom: Number(m[2]),
      height: Number(m[2]) - Number(m[3]),
    }));
    expect(bars).toHaveLength(2);
    const [tenOClock, noon] = bars;
    // 10:00 is 8 of the 96 buckets before 12:00, the last one.
    expect(Math.abs(noon!.x - tenOClock!.x - (8 * 330) / 96)).toBeLessThanOrEqual(1);
    expect(Math.abs(noon!.height - tenOClock!.height * 1.5)).toBeLessThanOrEqual(1);
    expect(noon!.bottom).toBe(tenOClock!.bottom);
    expect(chart).toMatch(/<path class="chart-band" d="M[\d., L]+ Z"\/>/);
    expect(textOf(chart)).toContain('5 reports in the last 24 hours; the most, 3, in the 15 minutes from 12:00 UTC.');
    expect(textOf(chart)).toContain(
      'The band shows the usual range for each time of day on the previous 7 days, up to 6 per 15 minutes.',
    );

    const api = (await get('/api/v1/providers/openai')).json();
    const buckets = api.reports.last24h.buckets as { at: string; count: number; usualLow: number; usualHigh: number }[];
    expect(buckets).toHaveLength(96);
    expect(api.reports.last24h.bucketMinutes).toBe(COMMUNITY_BUCKET_MS / 60_000);
    expect(buckets.at(-1)!.at).toBe(new Date(T0).toISOString());
    expect(buckets.filter((b) => b.count > 0).map((b) => [b.at.slice(11, 16), b.count])).toEqual([
      ['10:00', 2],
      ['12:00', 3],
    ]);
    expect(buckets.find((b) => b.at.slice(11, 16) === '06:00')).toMatchObject({ count: 0, usualLow: 2, usualHigh: 6 });
  });
});

describe('what we are seeing', () => {
  it('shows the sentence, the top categories and the last report, the same in HTML and JSON', async () => {
    await seed(T0 + 3 * 60_000, 9, 'auth');
    await seed(T0 - COMMUNITY_BUCKET_MS, 4, 'timeout');
    await seed(T0 - COMMUNITY_BUCKET_MS, 1, 'other');
    for (let day = 1; day <= 7; day += 1) await seed(T0 - day * DAY_MS, 2);
    const html = (await get('/openai')).body;
    const block = textOf(/<section[^>]*id="now"[\s\S]*?<\/section>/.exec(html)![0]);
    const sentence = '14 reports in the last 30 minutes, 7× the usual level; most: authentication errors (9).';
    expect(block).toContain(sentence);
    expect(block).toContain('Authentication / API key: 9 Timeouts: 4 Other: 1');
    expect(block).toContain('Last report: 22 Nov 2026, 12:03 UTC (4 min ago)');

    const api = (await get('/api/v1/providers/openai')).json();
    expect(api.reports).toMatchObject({
      windowMinutes: 30,
      recent: 14,
      usual: 2,
      baseline: 2,
      ratio: 7,
      spike: true,
      sentence,
      byCategory: { auth: 9, timeout: 4, other: 1 },
      lastReportAt: new Date(T0 + 3 * 60_000).toISOString(),
      rules: { baselineDays: 7, baselineFloor: 2, spikeMultiple: 3, spikeMinReports: 5, dedupeMinutes: 30 },
    });
    const list = (await get('/api/v1/providers')).json();
    const fromList = list.providers.find((p: { slug: string }) => p.slug === 'openai').reports;
    expect(fromList.sentence).toBe(sentence);
    expect(fromList.last24h).toBeUndefined();
  });

  it('turns a spike into the community signal: degraded at most, with its reason, on page and in the API', async () => {
    await seed(T0, 400, 'server_error');
    const html = (await get('/openai')).body;
    expect(textOf(/<section[^>]*id="answer"[\s\S]*?<\/section>/.exec(html)![0])).toMatch(/Current status Degraded/);
    expect(textOf(html)).toContain(
      'Community reports: Users report problems: 400 reports in the last 30 minutes, 200× the usual level; ' +
        'most: server errors (400).',
    );
    const api = (await get('/api/v1/providers/openai')).json();
    expect(api).toMatchObject({ level: 'degraded', reports: { spike: true } });
    expect(api.reasons[0]).toMatchObject({ signal: 'community', level: 'degraded' });
  });

  it('gives an error page the counts of its own category next to the total', async () => {
    await seed(T0, 6, 'auth');
    await seed(T0, 30, 'timeout');
    for (let day = 1; day <= 7; day += 1) await seed(T0 - day * DAY_MS, 40, 'timeout');
    const block = textOf(
      /<section[^>]*id="now"[\s\S]*?<\/section>/.exec((await get('/openai/error/auth-error')).body)![0],
    );
    expect(block).toContain(
      'Authentication / API key: 6 reports of authentication errors in the last 30 minutes, 3× the usual level.',
    );
    expect(block).toContain(
      'All reports for OpenAI: 36 reports in the last 30 minutes, within the usual level; most: timeouts (30).',
    );
    const answer = textOf(
      /<section[^>]*id="answer"[\s\S]*?<\/section>/.exec((await get('/openai/error/auth-error')).body)![0],
    );
    // Reports of this error alone, with nothing else known, do not blame the provider: is-it-down cannot tell either.
    expect(answer).toContain('Inconclusive There are signs of trouble with this error at OpenAI');
    expect(answer).toContain('Users report this error now: 6 reports of authentication errors');
  });
});

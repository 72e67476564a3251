// One uptime everywhere, in a world of our own: an official critical API incident read after the fact on a day the
// samples called operational, a provider we cannot measure, a report spike, a component hidden while operational.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT, type Impact } from '../../src/domain.ts';
import { confirmLevel } from '../../src/status/damping.ts';
import { dateOfDay, dayOf } from '../../src/status/history.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';
import { formatUptime } from '../../src/web/blocks/history.ts';
import { HISTORY_INCIDENTS_SHOWN } from '../../src/web/pages/history.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { incident } from '../helpers/seed.ts';

const NOW = Date.UTC(2026, 10, 30, 9, 0);
const TODAY = dayOf(NOW);
const OUTAGE_DAY = TODAY - 4;
const DAYS = 20;
let h: Harness;

/** `DAYS` full days before today and the nine hours of today, every one sampled at `level`. */
function sampledDays(level: 'operational' | 'unknown', subjects: string[]) {
  return Array.from({ length: DAYS + 1 }, (_, i) => TODAY - DAYS + i).flatMap((day) =>
    subjects.map((subject) => ({ subject, day, level, ms: day === TODAY ? 9 * HOUR_MS : DAY_MS })),
  );
}

/** A resolved incident we detected, keyed as the detection job keys it. */
async function detected(slug: string, cause: string, at: number, minutes: number, title: string, impact: Impact) {
  const resolvedAt = at + minutes * MINUTE_MS;
  const found = incident(`${cause}:${at}`, { title, state: 'resolved', impact, startedAt: at, resolvedAt });
  await h.store.incidents.upsert(slug, 'detected', [found], NOW);
}

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  await h.store.checks.record({
    providerSlug: 'cohere',
    document: MAIN_DOCUMENT,
    startedAt: NOW - MINUTE_MS,
    durationMs: 120,
    outcome: 'ok',
    httpStatus: 200,
    detail: null,
  });
  const shown = { groupName: null, rawStatus: 'operational', level: 'operational' as const };
  await h.store.components.applySnapshot(
    'cohere',
    [
      { ...shown, key: 'chat', name: 'Chat API', position: 0, onlyShowIfDegraded: false },
      { ...shown, key: 'legacy', name: 'Legacy Generate Endpoint', position: 1, onlyShowIfDegraded: true },
      { ...shown, key: 'embed', name: 'Embed API', position: 2, onlyShowIfDegraded: false },
      { ...shown, key: 'rerank', name: 'Rerank API', position: 3, onlyShowIfDegraded: false },
    ],
    NOW - MINUTE_MS,
    confirmLevel,
  );
  await h.store.rollups.add(
    'cohere',
    sampledDays('operational', ['api', 'component:chat', 'component:legacy', 'component:embed', 'component:rerank']),
  );
  // Read today, about a day four days ago: the samples then saw nothing wrong.
  const from = OUTAGE_DAY * DAY_MS + 11 * HOUR_MS;
  await h.store.incidents.upsert(
    'cohere',
    'official',
    [
      incident('past-critical', {
        title: 'Chat API unavailable in some regions',
        state: 'resolved',
        rawState: 'resolved',
        impact: 'critical',
        rawImpact: 'critical',
        startedAt: from,
        resolvedAt: from + 108 * MINUTE_MS,
        components: [{ key: 'chat', name: 'Chat API' }],
      }),
    ],
    NOW,
  );
  // Writesonic has no status page and no probe: the sampler could only ever record it unknown.
  await h.store.rollups.add('writesonic', sampledDays('unknown', ['api']));
  await h.store.rollups.add('perplexity', sampledDays('operational', ['api']));
  // An outage our probes detected on a day whose probe totals were not kept, and a report spike.
  await detected('cohere', 'probe', (TODAY - 6) * DAY_MS + 3 * HOUR_MS, 30, 'The API fails our live probes', 'major');
  await detected('perplexity', 'community', (TODAY - 2) * DAY_MS + 14 * HOUR_MS, 40, 'Users report problems', 'minor');
});
afterAll(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });
const page = async (url: string) => {
  const res = await get(url);
  expect(res.statusCode, url).toBe(200);
  return res.body;
};
/** The accountability row of one provider, as HTML. */
const rowOf = (html: string, name: string) => html.slice(html.indexOf(`>${name}</a>`)).split('</tr>')[0]!;

describe('one uptime, defined once', () => {
  it('counts an official critical API incident against its day, read after the fact', async () => {
    const history = (await get('/api/v1/providers/cohere/history')).json();
    const day = history.days.find((d: { date: string }) => d.date === dateOfDay(OUTAGE_DAY));
    expect(day.level).toBe('major_outage');
    expect(day.minutes).toEqual({ operational: 1440 - 108, major_outage: 108 });
    expect(day.uptime).toBeLessThan(1);
    expect(history.uptime30d).toBeLessThan(1);
    expect(history.coverage30d).toEqual({ days: 30, daysWithData: DAYS + 1, measuredMinutes: DAYS * 1440 + 540 });
    const view = textOf(await page(`/cohere/history?day=${dateOfDay(OUTAGE_DAY)}`));
    // The API's figure for the day: 108 minutes of 1440 down.
    expect(view).toContain('Major Outage Uptime 92.50 % over 1 d measured');
    expect(view).toContain('Chat API unavailable in some regions');
  });

  it('gives the same figure, with its coverage, on the history page, the dashboard, /accountability and the JSON', async () => {
    const history = (await get('/api/v1/providers/cohere/history')).json();
    const ranking = (await get('/api/v1/accountability')).json().providers;
    const cohere = ranking.find((p: { slug: string }) => p.slug === 'cohere');
    expect(cohere).toMatchObject({ uptime30d: history.uptime30d, uptime90d: history.uptime90d, rank: null });
    expect(cohere.coverage30d).toEqual(history.coverage30d);
    const figure = `${formatUptime(history.uptime30d)} over ${DAYS + 1} days with data`;
    expect(figure).toMatch(/^99\.\d\d %/);
    expect(textOf(await page('/cohere/history'))).toContain(`Uptime 30 days ${figure}`);
    expect(textOf(await page('/cohere'))).toContain(`Uptime 30 days ${figure}`);
    const row = textOf(rowOf(await page('/accountability'), 'Cohere'));
    expect(row).toContain(`${formatUptime(history.uptime30d)} over ${DAYS + 1} days with data`);
  });

  it('shows no percentage for a provider we cannot measure, anywhere', async () => {
    const history = (await get('/api/v1/providers/writesonic/history')).json();
    expect(history).toMatchObject({ uptime30d: null, uptime90d: null });
    expect(history.coverage90d).toEqual({ days: 90, daysWithData: 0, measuredMinutes: 0 });
    expect(history.days.every((d: { uptime: number | null }) => d.uptime === null)).toBe(true);
    const ranking = (await get('/api/v1/accountability')).json().providers;
    expect(ranking.find((p: { slug: string }) => p.slug === 'writesonic')).toMatchObject({
      uptime30d: null,
      uptime90d: null,
      rank: null,
    });
    for (const html of [await page('/writesonic/history'), await page('/writesonic')]) {
      const from = html.indexOf('<figure class="history">');
      const bars = html.slice(from, html.indexOf('</section>', from));
      expect(textOf(bars)).toContain('Uptime 30 days — (nothing measured) · 90 days — (nothing measured)');
      expect(textOf(bars)).not.toContain('%');
    }
    const row = textOf(rowOf(await page('/accountability'), 'Writesonic'));
    expect(row).not.toContain('%');
    expect(row).toContain('— (nothing measured)');
  });

  it('ranks only providers with a measured lag and lists the others apart, within 25 KB', async () => {
    const html = await page('/accountability');
    // The largest provider's row, so that 50 providers still fit.
    const rows = html.split('<tr>').slice(1);
    const row = Math.max(...rows.map((r) => r.split('</tr>')[0]!.length));
    const fixed = html.length - rows.reduce((sum, r) => sum + r.split('</tr>')[0]!.length, 0);
    expect(fixed + 50 * row).toBeLessThan(25_000);
    expect(html).toContain('No provider has a measured lag yet');
    expect(textOf(html)).toContain('Not ranked: no measured lag');
    expect(html).not.toMatch(/<td class="rank">/);
  });

  it('counts a probe outage against its day, and never says no probe results recorded during it', async () => {
    const view = textOf(await page(`/cohere/history?day=${dateOfDay(TODAY - 6)}`));
    expect(view).toContain('Partial Outage 30 min');
    expect(view).toContain('Detected by our probes');
    expect(view).not.toContain('No probe results recorded that day');
    expect(view).toContain('the outage our probes detected is listed below');
  });

  it('lists the newest incidents and sums up the older ones, so a flapping probe keeps the page light', async () => {
    for (let i = 0; i < HISTORY_INCIDENTS_SHOWN + 15; i += 1)
      await detected('mistral', 'probe', NOW - (i + 1) * 2 * HOUR_MS, 10, 'The API fails our live probes', 'major');
    const html = await page('/mistral/history');
    expect(html.match(/Detected by our probes/g)).toHaveLength(HISTORY_INCIDENTS_SHOWN);
    expect(textOf(html)).toMatch(/and 15 older incidents \(started .+\), all in the JSON/);
    expect(html.length).toBeLessThan(25_000);
    expect((await get('/api/v1/providers/mistral/history')).json().incidents).toHaveLength(
      HISTORY_INCIDENTS_SHOWN + 15,
    );
  });

  it('says where a detected incident came from', async () => {
    const text = textOf(await page('/perplexity/history'));
    expect(text).toContain('Users report problems');
    expect(text).toContain('Detected from community reports');
    expect(text).not.toContain('Detected by our probes');
    // A report spike is Degraded at most: it does not count as down.
    const history = (await get('/api/v1/providers/perplexity/history')).json();
    expect(history.uptime30d).toBe(1);
    expect(history.incidents[0]).toMatchObject({ origin: 'detected', cause: 'community' });
  });

  it('draws no bars for a component the status page hides while operational', async () => {
    for (const url of ['/cohere', '/cohere/history']) expect(await page(url)).not.toContain('Legacy Generate');
    const history = (await get('/api/v1/providers/cohere/history')).json();
    expect(history.components.map((c: { name: string }) => c.name)).toEqual(['Chat API', 'Embed API', 'Rerank API']);
  });

  it('tells components with the same days once, so the history stays short however many there are', async () => {
    const text = textOf(await page('/cohere/history'));
    expect(text).toContain('Each day of Embed API and Rerank API in words');
    expect(text).toContain('Each day of Chat API in words');
    const day = textOf(await page(`/cohere/history?day=${dateOfDay(OUTAGE_DAY)}`));
    expect(day).toContain('Embed API and Rerank API: 26 Nov 2026: Operational.');
  });

  it('draws the last 30 days for a phone and the 90 for wider screens', async () => {
    const html = await page('/cohere');
    const wide = html.match(/<div class="history-wide"><svg[^>]*viewBox="0 0 (\d+) /)!;
    const narrow = html.match(/<div class="history-narrow"><svg[^>]*viewBox="0 0 (\d+) /)!;
    expect(Number(wide[1])).toBe(90 * 4 - 1);
    expect(Number(narrow[1])).toBe(30 * 8 - 1);
  });
});

// The history as served: the JSON (validated against the OpenAPI document), bad `days` and dates answered with 400
// or 404 that say why, the history page with every incident and a day view, and the dashboard's bars.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollupRecorder } from '../../src/jobs/rollup.ts';
import { dateOfDay, dayOf } from '../../src/status/history.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';
import { createHistoryReader } from '../../src/assessment/history.ts';
import { openApiDocument } from '../../src/web/api/openapi.ts';
import { historyPageView } from '../../src/web/pages/history.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { levelsSampler } from '../../src/assessment/readings.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { incident, seedAnthropicOutage, seedOpenAiHealthy } from '../helpers/seed.ts';

const NOW = Date.UTC(2026, 10, 30, 9, 0);
const TODAY = dayOf(NOW);
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  // Yesterday through the real job: healthy OpenAI sampled for two hours, across one gap of an hour.
  const reader = createAssessor({ store: h.store, catalog: h.catalog, config: h.config });
  let clock = (TODAY - 1) * DAY_MS + 10 * HOUR_MS;
  const job = createRollupRecorder({
    store: h.store,
    catalog: h.catalog,
    now: () => clock,
    sample: levelsSampler(reader),
  });
  await seedOpenAiHealthy(h.store, clock);
  for (let minute = 0; minute <= 120; minute += 1) {
    clock = (TODAY - 1) * DAY_MS + 10 * HOUR_MS + minute * MINUTE_MS;
    if (minute % 3 === 0) await seedOpenAiHealthy(h.store, clock);
    if (minute < 30 || minute > 90) await job.run();
  }
  // Two days ago: an outage of an hour, recorded as the job would have.
  await h.store.rollups.advance('openai', clock, { at: clock + 1, levels: {} }, [
    { subject: 'api', day: TODAY - 2, level: 'operational', ms: 23 * HOUR_MS },
    { subject: 'api', day: TODAY - 2, level: 'major_outage', ms: HOUR_MS },
  ]);
  await h.store.incidents.upsert(
    'openai',
    'official',
    [
      incident('outage', {
        title: 'Elevated errors on Chat Completions',
        state: 'resolved',
        impact: 'major',
        startedAt: (TODAY - 2) * DAY_MS + 5 * HOUR_MS,
        resolvedAt: (TODAY - 2) * DAY_MS + 6 * HOUR_MS,
      }),
    ],
    NOW,
  );
  await seedAnthropicOutage(h.store, NOW);
});
afterAll(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });

describe('the history JSON', () => {
  it('gives 90 days oldest first, no data before anything was recorded, and uptime over known time', async () => {
    const res = await get('/api/v1/providers/openai/history');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.days).toHaveLength(90);
    expect(body.days.at(-1).date).toBe(dateOfDay(TODAY));
    const yesterday = body.days.at(-2);
    expect(yesterday.level).toBe('operational');
    // 29 minutes before the gap, 29 after it: the hour the job did not run is no data, not operational.
    expect(yesterday.minutes).toEqual({ operational: 58 });
    // Probes answered as expected every three minutes of those two hours, rolled up by the same job.
    expect(yesterday.probeSuccessRate).toBe(1);
    expect(yesterday.probeAttempts).toBeGreaterThanOrEqual(40);
    expect(yesterday.probeMedianMs).toBeGreaterThan(0);
    const twoDaysAgo = body.days.at(-3);
    expect(twoDaysAgo).toMatchObject({ level: 'major_outage', minutes: { operational: 1380, major_outage: 60 } });
    expect(twoDaysAgo.incidents).toHaveLength(1);
    expect(body.incidents).toEqual([
      expect.objectContaining({ id: twoDaysAgo.incidents[0], title: 'Elevated errors on Chat Completions' }),
    ]);
    expect(body.days.slice(0, -3).every((d: { level: string }) => d.level === 'no_data')).toBe(true);
    expect(body.uptime90d).toBeCloseTo((58 + 1380) / (58 + 1440));
    expect(body.uptime30d).toBe(body.uptime90d);
    expect(body.coverage30d).toEqual({ days: 30, daysWithData: 2, measuredMinutes: 58 + 1440 });
    expect(body.components.map((c: { name: string }) => c.name)).toContain('Chat Completions');
  });

  it('validates against the OpenAPI document, with and without data', async () => {
    const doc = JSON.parse(JSON.stringify(openApiDocument(h.config, h.catalog)));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'openapi.json');
    const validate = ajv.compile({ $ref: 'openapi.json#/components/schemas/ProviderHistory' });
    for (const url of ['/api/v1/providers/openai/history?days=7', '/api/v1/providers/mistral/history']) {
      const body = (await get(url)).json();
      expect(validate(body), `${url}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(validate({ ...body, days: [{ ...body.days[0], level: 'fine' }] })).toBe(false);
    }
  });

  it('takes 1 to 90 days, keeping the uptime figures over 30 and 90', async () => {
    const week = (await get('/api/v1/providers/openai/history?days=7')).json();
    const all = (await get('/api/v1/providers/openai/history')).json();
    expect(week.days).toEqual(all.days.slice(-7));
    expect(week.uptime90d).toBe(all.uptime90d);
    expect((await get('/api/v1/providers/mistral/history')).json()).toMatchObject({ uptime30d: null, uptime90d: null });
  });

  it('answers a bad number of days with a 400 that says what is wrong, and an unknown provider with 404', async () => {
    for (const days of ['0', '91', 'abc', '2.5', '-3']) {
      const res = await get(`/api/v1/providers/openai/history?days=${days}`);
      expect(res.statusCode, days).toBe(400);
      expect(res.json().error.message, days).toMatch(/days: (from 1 to 90|a whole number of days)/);
    }
    expect((await get('/api/v1/providers/nobody/history')).statusCode).toBe(404);
  });
});

describe('the history pages', () => {
  it('shows the bars, each day in words, every incident, and links each day with data to its day view', async () => {
    const res = await get('/openai/history');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    // Two days with data, today without yet, and one bar for the 87 days before anything was recorded.
    expect(res.body.match(/<rect class="hb-/g)!.length).toBeGreaterThanOrEqual(4);
    expect(text).toContain('2 Sep 2026–27 Nov 2026: no data');
    expect(text).toContain('Elevated errors on Chat Completions');
    expect(text).toContain('Official · from');
    expect(text).toMatch(/: no data/);
    expect(res.body).toContain(`href="/openai/history?day=${dateOfDay(TODAY - 2)}"`);
    expect(text).toContain(
      '28 Nov 2026: Major Outage. Operational 1380 min, Major Outage 60 min. Uptime 95.83 % over 1 d measured.',
    );
    // No acknowledgement lag is measured here: none is shown.
    expect(text).not.toContain('acknowledged');
  });

  it('shows an acknowledgement lag only where one was measured', async () => {
    const history = await createHistoryReader({ store: h.store }).read(h.catalog.providerBySlug.get('openai')!, NOW);
    const [official] = historyPageView(history, null).incidents;
    expect(official!.ackLag).toBeNull();
    const measured = historyPageView(history, null, { ackLagOf: (id) => (id === official!.id ? 720 : null) });
    expect(measured.showAckLag).toBe(true);
    expect(measured.incidents[0]!.ackLag).toBe('12 min after we detected it');
  });

  it('shows one day: its minutes per level, probe totals and incidents', async () => {
    const res = await get(`/openai/history?day=${dateOfDay(TODAY - 2)}`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Major Outage 60 min');
    expect(text).toContain('Operational 1380 min');
    expect(text).toContain('Elevated errors on Chat Completions');
    const empty = textOf((await get(`/openai/history?day=${dateOfDay(TODAY - 30)}`)).body);
    expect(empty).toContain('No data: nothing was recorded that day');
    expect(empty).not.toContain('Operational');
  });

  it('answers a malformed date with 400 and a day outside the 90 with 404, each saying why', async () => {
    const bad = await get('/openai/history?day=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('a calendar date written YYYY-MM-DD');
    const old = await get('/openai/history?day=2025-01-01');
    expect(old.statusCode).toBe(404);
    expect(textOf(old.body)).toContain('We show the last 90 days of OpenAI here; 2025-01-01 is not one of them.');
  });

  it('puts the bars on the dashboard after the answer, with uptime figures and the link to the history', async () => {
    const res = await get('/openai');
    expect(res.statusCode).toBe(200);
    const answer = res.body.indexOf('class="answer');
    const history = res.body.indexOf('id="history"');
    expect(answer).toBeGreaterThan(0);
    expect(history).toBeGreaterThan(answer);
    expect(res.body).toContain('href="/openai/history"');
    expect(textOf(res.body)).toContain('Uptime 30 days 95.99 % over 2 days with data');
    const quiet = textOf((await get('/mistral')).body);
    expect(quiet).toContain('Uptime 30 days — (nothing measured) · 90 days — (nothing measured)');
  });
});

describe('acknowledgement lags and uptime, measured', () => {
  it('gives the history and /accountability the lag of an incident we detected first, and the rollups uptime', async () => {
    const ours = (TODAY - 3) * DAY_MS + 8 * HOUR_MS;
    const posted = ours + 12 * MINUTE_MS;
    const span = { state: 'resolved' as const, impact: 'major' as const, resolvedAt: ours + HOUR_MS };
    await h.store.incidents.upsert('cohere', 'detected', [incident('probe:1', { ...span, startedAt: ours })], NOW);
    await h.store.incidents.upsert(
      'cohere',
      'official',
      [incident('late', { ...span, title: 'Errors on Chat', startedAt: posted })],
      NOW,
    );
    const history = (await get('/api/v1/providers/cohere/history')).json();
    const official = history.incidents.find((i: { source: string }) => i.source === 'official');
    expect(official).toMatchObject({ title: 'Errors on Chat', ackLagSeconds: 720 });
    expect(history.incidents.find((i: { source: string }) => i.source === 'detected').ackLagSeconds).toBeNull();
    expect(textOf((await get('/cohere/history')).body)).toContain('acknowledged 12 min after we detected it');

    const ranking = (await get('/api/v1/accountability')).json().providers;
    expect(ranking[0]).toMatchObject({ slug: 'cohere', medianAckLagSeconds: 720, seenFirst: 1 });
    const openai = (await get('/api/v1/providers/openai/history')).json();
    expect(openai.uptime90d).not.toBeNull();
    expect(ranking.find((p: { slug: string }) => p.slug === 'openai')).toMatchObject({
      uptime30d: openai.uptime30d,
      uptime90d: openai.uptime90d,
    });
  });
});

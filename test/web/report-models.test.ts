// Models named in reports, over the real app: posted through the JSON route from distinct networks, shown on the
// dashboard and the error pages below the answer and in `reports.models`, against the same hours on previous days;
// many networks of one allocation never make a model show.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, SECOND_MS } from '../../src/time.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { postJson } from '../helpers/reports.ts';
import { MODEL_COUNTS_REUSE_MS } from '../../src/assessment/signals.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

async function report(model: string, address: string): Promise<void> {
  const res = await postJson(h, 'openai', { category: 'server_error', model }, { remoteAddress: address });
  expect(res.statusCode, res.body).toBe(202);
}

const modelsJson = async () => (await h.app.inject({ url: '/api/v1/providers/openai' })).json().reports.models;

describe('models in reports', () => {
  it('shows the models several networks name, below the answer, on the dashboard and the error pages', async () => {
    await report('GPT-4o', '198.51.100.1');
    await report('gpt-4o', '198.51.100.2');
    await report('gpt-4o', '198.51.100.3');
    await report('o3-mini', '198.51.100.4');
    await report('o3-mini', '198.51.100.5');
    h.clock.now += 2 * SECOND_MS;
    expect(await modelsJson()).toEqual([
      { model: 'gpt-4o', lastHour: 3, last24h: 3, usualHour: 0, usual24h: 0 },
      { model: 'o3-mini', lastHour: 2, last24h: 2, usualHour: 0, usual24h: 0 },
    ]);
    for (const path of ['/openai', '/openai/error/server-error', '/openai/error/auth-error']) {
      const html = (await h.app.inject({ url: path })).body;
      expect(html.indexOf('<table class="models">'), path).toBeGreaterThan(html.indexOf('id="answer"'));
      expect(textOf(html), path).toContain(
        'Models named in reports Model Last hour Last 24 h gpt-4o 3 (usually 0) 3 (usually 0) o3-mini 2 (usually 0)',
      );
    }
  });

  it('counts again after MODEL_COUNTS_REUSE_MS, not on every report', async () => {
    await report('gpt-4o', '198.51.100.1');
    await report('gpt-4o', '198.51.100.2');
    expect(await modelsJson()).toHaveLength(1);
    await report('o3-mini', '198.51.100.3');
    await report('o3-mini', '198.51.100.4');
    h.clock.now += 2 * SECOND_MS;
    expect((await modelsJson()).map((m: { model: string }) => m.model)).toEqual(['gpt-4o']);
    h.clock.now += MODEL_COUNTS_REUSE_MS;
    expect((await modelsJson()).map((m: { model: string }) => m.model)).toEqual(['gpt-4o', 'o3-mini']);
  });

  it('never shows a model that one allocation names, however many of its networks report', async () => {
    for (let i = 1; i <= 6; i += 1) await report('o1-mini', `2001:db8:aa:${i}::1`);
    await report('gpt-4o', '198.51.100.1');
    h.clock.now += 2 * SECOND_MS;
    expect(await modelsJson()).toEqual([]);
    expect(textOf((await h.app.inject({ url: '/openai' })).body)).toContain(
      'No model was named in reports from 2 or more networks in the last 24 hours.',
    );
  });

  it('compares with the same hours on the previous days', async () => {
    const now = h.clock.now;
    for (const daysAgo of [1, 2, 3, 4]) {
      h.clock.now = now - daysAgo * DAY_MS - 10 * MINUTE_MS;
      await report('gpt-4o', `203.0.113.${daysAgo}`);
      await report('gpt-4o', `203.0.113.${10 + daysAgo}`);
    }
    h.clock.now = now;
    for (let i = 1; i <= 5; i += 1) await report('gpt-4o', `198.51.100.${i}`);
    h.clock.now += 2 * SECOND_MS;
    // Two networks in the same hour on four of the seven previous days: the median day has two.
    expect(await modelsJson()).toEqual([{ model: 'gpt-4o', lastHour: 5, last24h: 5, usualHour: 2, usual24h: 2 }]);
    expect(textOf((await h.app.inject({ url: '/openai' })).body)).toContain('gpt-4o 5 (usually 2) 5 (usually 2)');
  });
});

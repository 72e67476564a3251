import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_RESULTS_PATH, MAX_BATCH_BYTES, signedHeaders, type AgentResult } from '../../src/agents/batch.ts';
import { ENGINES } from '../helpers/engines.ts';
import { createHarness, T0, type Harness } from '../helpers/app.ts';

const KEY = 'k'.repeat(40);
const OTHER_KEY = 'o'.repeat(40);
const ENV = { AGENT_KEYS: `us-east=${KEY},eu-west=${OTHER_KEY}` };

const result = (id: string, at = T0 - 1000, provider = 'openai'): AgentResult => ({
  id,
  provider,
  at,
  outcome: 'rejected_as_expected',
  httpStatus: 401,
  latencyMs: 120,
  dnsMs: 5,
  connectMs: 10,
  tlsMs: 20,
  ttfbMs: 80,
  detail: null,
});

function send(h: Harness, body: string, headers: Record<string, string>) {
  return h.app.inject({ method: 'POST', url: AGENT_RESULTS_PATH, payload: body, headers });
}

/** A batch signed as an agent of `region` signs it, at the site's clock unless told otherwise. */
function signed(h: Harness, batch: unknown, region = 'us-east', key = KEY, at = h.clock.now) {
  const body = JSON.stringify(batch);
  return { body, headers: signedHeaders(region, key, body, Math.floor(at / 1000)) };
}

const stored = async (h: Harness) => (await h.store.probes.since('openai', 0)).filter((r) => r.region !== 'local');

describe.each(ENGINES)('agent results on %s', (engine) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('takes a signed batch, and a batch sent again counts each result once', async () => {
    h = await createHarness({ env: ENV, engine });
    const first = signed(h, { region: 'us-east', results: [result('aaaaaaaa1'), result('aaaaaaaa2', T0 - 500)] });
    const answer = await send(h, first.body, first.headers);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ region: 'us-east', accepted: 2, duplicates: 0 });
    // The agent retries after a lost answer: a new signature over the same results and one new result.
    h.clock.now += 1000;
    const retry = signed(h, {
      region: 'us-east',
      results: [result('aaaaaaaa1'), result('aaaaaaaa2', T0 - 500), result('aaaaaaaa3', T0 + 500)],
    });
    expect((await send(h, retry.body, retry.headers)).json()).toEqual({
      region: 'us-east',
      accepted: 1,
      duplicates: 2,
    });
    const rows = await stored(h);
    expect(rows.map((r) => [r.region, r.at])).toEqual([
      ['us-east', T0 - 1000],
      ['us-east', T0 - 500],
      ['us-east', T0 + 500],
    ]);
    // The same id from another region is another result.
    const other = signed(h, { region: 'eu-west', results: [result('aaaaaaaa1')] }, 'eu-west', OTHER_KEY);
    expect((await send(h, other.body, other.headers)).json()).toMatchObject({ accepted: 1 });
  });

  it('refuses unsigned, mis-signed, replayed, stale and unknown batches, changing nothing', async () => {
    h = await createHarness({ env: ENV, engine });
    const batch = { region: 'us-east', results: [result('bbbbbbbb1')] };
    const good = signed(h, batch);
    const cases: [string, ReturnType<typeof send>, number, RegExp][] = [
      ['unsigned', send(h, good.body, { 'content-type': 'application/json' }), 401, /unsigned/i],
      [
        'mis-signed',
        send(h, good.body, {
          ...good.headers,
          'x-agent-signature': signed(h, batch, 'us-east', OTHER_KEY).headers['x-agent-signature'],
        }),
        401,
        /signature does not match/,
      ],
      ['tampered', send(h, good.body.replace('120', '121'), good.headers), 401, /signature does not match/],
      [
        'old timestamp',
        send(
          h,
          ...(Object.values(signed(h, batch, 'us-east', KEY, T0 - 6 * 60_000)) as [string, Record<string, string>]),
        ),
        401,
        /minutes from our clock/,
      ],
      [
        'unknown region',
        send(
          h,
          ...(Object.values(signed(h, { ...batch, region: 'mars' }, 'mars')) as [string, Record<string, string>]),
        ),
        403,
        /"mars" is not configured/,
      ],
    ];
    for (const [what, answer, status, message] of cases) {
      const res = await answer;
      expect(res.statusCode, what).toBe(status);
      expect(res.json().error.message, what).toMatch(message);
    }
    expect(await stored(h)).toEqual([]);
    expect((await send(h, good.body, good.headers)).statusCode).toBe(200);
    const replay = await send(h, good.body, good.headers);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.message).toMatch(/replayed/i);
    expect(await stored(h)).toHaveLength(1);
  });

  it('refuses malformed, oversized and unknown-provider batches with the problem named', async () => {
    h = await createHarness({ env: ENV, engine });
    const cases: [unknown, number, RegExp][] = [
      [{ region: 'us-east', results: [{ ...result('cccccccc1'), outcome: 'fine' }] }, 400, /results\.0\.outcome/],
      [{ region: 'us-east', results: [] }, 400, /results/],
      [{ region: 'eu-west', results: [result('cccccccc2')] }, 400, /signed for region "us-east"/],
      [{ region: 'us-east', results: [result('cccccccc3', T0, 'nobody')] }, 422, /provider called "nobody"/],
      [{ region: 'us-east', results: [result('cccccccc4', T0 - 8 * 86_400_000)] }, 422, /results\.0\.at/],
    ];
    for (const [batch, status, message] of cases) {
      const { body, headers } = signed(h, batch);
      const res = await send(h, body, headers);
      expect(res.statusCode, JSON.stringify(batch)).toBe(status);
      expect(res.json().error.message).toMatch(message);
    }
    const notJson = signed(h, 0);
    const res = await send(h, '{not json', {
      ...notJson.headers,
      ...signedHeaders('us-east', KEY, '{not json', Math.floor(h.clock.now / 1000)),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/not JSON/);
    const huge = 'x'.repeat(MAX_BATCH_BYTES + 1);
    const big = await send(h, huge, signedHeaders('us-east', KEY, huge, Math.floor(h.clock.now / 1000)));
    expect(big.statusCode).toBe(413);
    expect(await stored(h)).toEqual([]);
  });
});

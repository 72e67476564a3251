// Reporting as an abuser would: floods from one client, forged X-Forwarded-For, many addresses of one IPv6 /64,
// the honeypot and the minimum fill time. Nothing forged is counted, and each answer says whether it was, and why not.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMUNITY_DEDUPE_MS } from '../../src/status/community.ts';
import { REPORT_MIN_FILL_MS } from '../../src/web/http/form-token.ts';
import { DAY_MS, MINUTE_MS, SECOND_MS } from '../../src/time.ts';
import { createHarness, T0, textOf, type Harness } from '../helpers/app.ts';
import { countedReports, pageToken, postForm, postJson, storedReports, type Client } from '../helpers/reports.ts';

let h: Harness;
afterEach(() => h.close());

const FLOOD = 10_000;

/** Everything in an answer that could tell a client apart from another, minus what always differs. */
const VARYING = new Set(['date', 'x-ratelimit-remaining', 'x-ratelimit-reset']);
const answerOf = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => ({
  status: res.statusCode,
  headers: Object.fromEntries(Object.entries(res.headers).filter(([name]) => !VARYING.has(name))),
  body: res.body,
});

describe('a flood from one client', () => {
  it(`of ${FLOOD} posts is counted once and rate-limited after the configured number, politely`, async () => {
    h = await createHarness({ env: { REPORT_RATE_LIMIT_PER_10_MIN: '30' } });
    const statuses = new Map<number, number>();
    let limited: Awaited<ReturnType<typeof postJson>> | undefined;
    for (let i = 0; i < FLOOD; i += 1) {
      const res = await postJson(h, 'openai', { category: 'auth', httpStatus: 401 });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 429) limited = res;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 202: 30, 429: FLOOD - 30 });
    expect(limited!.json().error.message).toMatch(
      new RegExp(
        [
          /^Thank you: we have received many reports from your network in the last few minutes, /.source,
          /which is all we need for now\. You can send more in \d+ minutes?\.$/.source,
        ].join(''),
      ),
    );
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(await storedReports(h)).toHaveLength(30);
    expect(await countedReports(h)).toBe(1);

    // The budget is per client across both routes and every provider; another client is unaffected.
    const form = await postForm(h, 'anthropic', { category: 'timeout', token: await pageToken(h, '/anthropic') });
    expect(form.statusCode).toBe(429);
    expect(textOf(form.body)).toContain('Too many requests');
    expect((await postJson(h, 'openai', { category: 'auth' }, { remoteAddress: '198.51.100.2' })).statusCode).toBe(202);
    expect(await countedReports(h)).toBe(2);
  });

  it('with the rate limit raised, counts once per category per 30 min and answers every repeat the same', async () => {
    h = await createHarness({ env: { REPORT_RATE_LIMIT_PER_10_MIN: String(3 * FLOOD) } });
    expect((await postJson(h, 'openai', { category: 'auth' })).json().counted).toBe(true);
    h.clock.now += 1;
    const first = answerOf(await postJson(h, 'openai', { category: 'auth' }));
    expect(JSON.parse(first.body).notCountedBecause).toBe('duplicate');
    for (let i = 2; i < FLOOD; i += 1) {
      h.clock.now = T0 + Math.floor((i * (COMMUNITY_DEDUPE_MS - 1)) / FLOOD);
      const res = await postJson(h, 'openai', { category: 'auth' });
      if (i % 997 === 0) expect(answerOf(res)).toEqual(first);
      else expect(res.statusCode).toBe(202);
    }
    expect(await storedReports(h)).toHaveLength(FLOOD);
    expect(await countedReports(h)).toBe(1);
    expect((await storedReports(h)).filter((r) => r.ignoredReason === 'duplicate')).toHaveLength(FLOOD - 1);

    await postJson(h, 'openai', { category: 'timeout' });
    h.clock.now = T0 + COMMUNITY_DEDUPE_MS;
    await postJson(h, 'openai', { category: 'auth' });
    expect(await countedReports(h)).toBe(3);
  });

  it('across midnight (a new salt) is still counted once per 30 minutes', async () => {
    const beforeMidnight = Math.floor(T0 / DAY_MS) * DAY_MS + DAY_MS - 10 * MINUTE_MS;
    h = await createHarness({ now: beforeMidnight });
    await postJson(h, 'openai', { category: 'auth' });
    h.clock.now = beforeMidnight + 15 * MINUTE_MS;
    await postJson(h, 'openai', { category: 'auth' });
    expect(await countedReports(h)).toBe(1);
    const [before, after] = await storedReports(h);
    expect(after!.clientHash).not.toBe(before!.clientHash);
  });
});

describe('X-Forwarded-For', () => {
  const forged = (i: number): Client => ({
    remoteAddress: '203.0.113.7',
    headers: { 'x-forwarded-for': `198.51.100.${i}` },
  });

  it('from an untrusted peer is ignored: the peer counts once and is rate-limited whatever it claims', async () => {
    h = await createHarness({ env: { REPORT_RATE_LIMIT_PER_10_MIN: '5' } });
    const statuses = [];
    for (let i = 1; i <= 20; i += 1)
      statuses.push((await postJson(h, 'openai', { category: 'auth' }, forged(i))).statusCode);
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(await countedReports(h)).toBe(1);
    expect(new Set((await storedReports(h)).map((r) => r.clientHash)).size).toBe(1);
  });

  it('from an untrusted peer stays ignored when TRUST_PROXY names another proxy', async () => {
    h = await createHarness({ env: { TRUST_PROXY: '127.0.0.1' } });
    for (let i = 1; i <= 10; i += 1) await postJson(h, 'openai', { category: 'auth' }, forged(i));
    expect(await countedReports(h)).toBe(1);
  });

  it('from a trusted proxy names the client, and only the address the proxy itself added', async () => {
    h = await createHarness({ env: { TRUST_PROXY: '127.0.0.1' } });
    const viaProxy = (xff: string): Client => ({ remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': xff } });
    for (let i = 1; i <= 10; i += 1) await postJson(h, 'openai', { category: 'auth' }, viaProxy(`198.51.100.${i}`));
    expect(await countedReports(h)).toBe(10);
    // A client that forges its own header behind our proxy is still its real address, the right-most one.
    for (let i = 1; i <= 10; i += 1)
      await postJson(h, 'openai', { category: 'timeout' }, viaProxy(`10.9.9.${i}, 192.0.2.44`));
    expect(await countedReports(h)).toBe(11);
  });
});

describe('IPv6', () => {
  it('counts a whole /64 as one client and different /64s apart', async () => {
    h = await createHarness();
    for (let i = 1; i <= 10; i += 1)
      await postJson(h, 'openai', { category: 'auth' }, { remoteAddress: `2001:db8:aa:bb::${i.toString(16)}` });
    expect(await countedReports(h)).toBe(1);
    for (let i = 1; i <= 10; i += 1)
      await postJson(h, 'openai', { category: 'auth' }, { remoteAddress: `2001:db8:aa:${i.toString(16)}::1` });
    expect(await countedReports(h)).toBe(11);
  });
});

describe('the honeypot and the minimum fill time', () => {
  /** The notice on the page the form's answer redirects to. */
  const noticeAfter = async (res: { headers: Record<string, unknown> }) => {
    const page = await h.app.inject({ method: 'GET', url: String(res.headers.location) });
    return textOf(/<p class="notice[^"]*" id="report"[\s\S]*?<\/p>/.exec(page.body)?.[0] ?? 'no notice');
  };

  it('a filled honeypot is counted zero times, and its answer says it was not counted', async () => {
    h = await createHarness();
    const token = await pageToken(h, '/openai');
    h.clock.now += 10 * SECOND_MS;
    const bot = await postForm(
      h,
      'openai',
      { category: 'auth', token, website: 'https://spam.example' },
      { remoteAddress: '198.51.100.1' },
    );
    const person = await postForm(
      h,
      'openai',
      { category: 'auth', token, website: '' },
      { remoteAddress: '198.51.100.2' },
    );
    expect(bot.headers.location).toBe('/openai?reported=auth&outcome=honeypot#report');
    expect(await noticeAfter(bot)).toContain(
      'Not counted: your report (Authentication / API key) arrived, but a field',
    );
    expect(await noticeAfter(person)).toBe('Thank you: your report (Authentication / API key) was counted.');
    expect((await storedReports(h)).map((r) => [r.counted, r.ignoredReason])).toEqual([
      [0, 'honeypot'],
      [1, null],
    ]);
  });

  it('a form sent sooner than the minimum fill time is counted zero times, and its answer says so', async () => {
    h = await createHarness();
    const token = await pageToken(h, '/openai');
    h.clock.now += REPORT_MIN_FILL_MS - SECOND_MS;
    const hasty = await postForm(h, 'openai', { category: 'auth', token }, { remoteAddress: '198.51.100.1' });
    expect(hasty.headers.location).toBe('/openai?reported=auth&outcome=too_fast#report');
    const notice = await noticeAfter(hasty);
    expect(notice).toBe(
      `Not counted: your report (Authentication / API key) arrived, but it came within ` +
        `${REPORT_MIN_FILL_MS / SECOND_MS} seconds of loading the page, sooner than a person fills in the form; send ` +
        'it again if the problem persists.',
    );
    expect(notice).not.toContain('Thank you');
    h.clock.now += SECOND_MS;
    const patient = await postForm(h, 'openai', { category: 'auth', token }, { remoteAddress: '198.51.100.2' });
    expect(patient.headers.location).toBe('/openai?reported=auth&outcome=counted#report');
    expect((await storedReports(h)).map((r) => [r.counted, r.ignoredReason])).toEqual([
      [0, 'too_fast'],
      [1, null],
    ]);
    h.clock.now += SECOND_MS;
    expect(textOf((await h.app.inject({ method: 'GET', url: '/openai' })).body)).toContain(
      '1 report in the last 30 minutes',
    );
  });

  it('a duplicate from the form or the API says it was already counted in this window', async () => {
    h = await createHarness();
    const token = await pageToken(h, '/openai');
    h.clock.now += 10 * SECOND_MS;
    const counted = await postForm(h, 'openai', { category: 'auth', token });
    const duplicate = await postForm(h, 'openai', { category: 'auth', token });
    expect(counted.headers.location).toBe('/openai?reported=auth&outcome=counted#report');
    expect(duplicate.headers.location).toBe('/openai?reported=auth&outcome=duplicate#report');
    const minutes = COMMUNITY_DEDUPE_MS / MINUTE_MS;
    expect(await noticeAfter(duplicate)).toBe(
      `Not counted: your report (Authentication / API key) arrived, but your network already sent one in the last ` +
        `${minutes} minutes, and a network counts once per category in that time.`,
    );
    const api = await postJson(h, 'openai', { category: 'auth' });
    expect(api.json()).toMatchObject({ received: true, counted: false, notCountedBecause: 'duplicate' });
    expect((await storedReports(h)).map((r) => r.ignoredReason)).toEqual([null, 'duplicate', 'duplicate']);
  });
});

// Subscribing through the API and the no-JavaScript form: 400s that name the field, the rate limit shared across
// the creation routes, hashed manage tokens, the manage page, e-mail offered only with a mail server, and no
// address or URL in the logs.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { hashToken } from '../../src/notify/tokens.ts';
import { DAY_MS } from '../../src/time.ts';
import { CONFIRMATION_TTL_MS } from '../../src/notify/subscriptions.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { rows } from '../helpers/engines.ts';

const HOOK = 'https://hooks.example.com/status-hook-secret-path';

describe('the subscription API', () => {
  let h: Harness;
  let logs = '';
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    });
    h = await createHarness({
      env: { SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '8' },
      logger: { ...(loggerOptions('trace') as object), stream },
    });
  });
  afterAll(() => h.close());

  const post = (payload: object, remoteAddress = '203.0.113.7') =>
    h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload, remoteAddress });

  it('creates a webhook subscription, shows its secret once and keeps only the hash of its manage token', async () => {
    const res = await post({
      channel: 'webhook',
      target: HOOK,
      providers: ['openai'],
      components: ['Chat Completions'],
      errors: ['auth-error'],
      minLevel: 'partial_outage',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'active' });
    expect(body.manageToken.length).toBeGreaterThanOrEqual(43);
    expect(body.secret).toMatch(/^whsec_/);
    const stored = await rows<{ manage_hash: string }>(h.store, `SELECT * FROM subscriptions WHERE id = '${body.id}'`);
    expect(stored[0]!.manage_hash).toBe(hashToken(body.manageToken));
    expect(JSON.stringify(stored)).not.toContain(body.manageToken);

    const got = await h.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${body.manageToken}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({
      id: body.id,
      channel: 'webhook',
      status: 'active',
      providers: ['openai'],
      components: ['Chat Completions'],
      errors: ['auth-error'],
      minLevel: 'partial_outage',
      deliveries: [],
    });
    expect(got.json()).not.toHaveProperty('secret');
    const page = await h.app.inject({ method: 'GET', url: `/subscriptions/${body.manageToken}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(textOf(page.body)).toContain('Providers OpenAI');
    expect(page.body).toContain('Unsubscribe');

    const gone = await h.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/${body.manageToken}` });
    expect(gone.json()).toEqual({ id: body.id, status: 'unsubscribed' });
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${body.manageToken}` })).statusCode).toBe(
      404,
    );
  });

  let refused = 0;
  it.each([
    [{ channel: 'pager', target: HOOK }, 'channel'],
    [{ channel: 'webhook', target: 'not a url' }, 'target: a valid https:// URL'],
    [{ channel: 'webhook', target: 'http://hooks.example.com/x' }, 'target: an https:// URL'],
    [{ channel: 'webhook', target: 'https://169.254.169.254/latest' }, 'target: a URL on a public address'],
    [{ channel: 'webhook', target: 'https://10.0.0.5/hook' }, 'target: a URL on a public address'],
    [{ channel: 'webhook', target: 'https://localhost/hook' }, 'target: a URL on a public address'],
    [{ channel: 'slack', target: 'ftp://hooks.example.com/x' }, 'target'],
    [{ channel: 'email', target: 'someone@example.com' }, 'channel: e-mail is not offered here'],
    [{ channel: 'webhook', target: HOOK, providers: ['nope'] }, 'providers.0: unknown provider "nope"'],
    [{ channel: 'webhook', target: HOOK, providers: ['openai'], components: ['Warp Drive'] }, 'components'],
    [{ channel: 'webhook', target: HOOK, errors: ['bad-vibes'] }, 'errors.0: unknown error type "bad-vibes"'],
    [{ channel: 'webhook', target: HOOK, minLevel: 'apocalypse' }, 'minLevel'],
    [{ channel: 'webhook', target: HOOK, extra: 1 }, 'unknown field(s) extra'],
  ])('refuses %j with a 400 naming the field', async (payload, field) => {
    // Refused attempts count against the limit too: each case comes from its own network.
    refused += 1;
    const res = await post(payload, `198.51.${refused}.20`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(field);
  });

  it('limits creation per client network across the API and the form', async () => {
    const client = '192.0.2.44';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post({ channel: 'webhook', target: HOOK }, client)).statusCode);
    for (let i = 0; i < 4; i += 1) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/subscribe',
        remoteAddress: client,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `channel=webhook&target=${encodeURIComponent(HOOK)}`,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 201, 429]);
    // Another network still can.
    expect((await post({ channel: 'webhook', target: HOOK }, '192.0.2.99')).statusCode).toBe(201);
  });

  it('never writes a target to the logs', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain('hooks.example.com');
    expect(logs).not.toContain('status-hook-secret-path');
  });
});

describe('the subscription form', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('offers every channel but e-mail without a mail server, without a word of e-mail', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/subscribe' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form class="report-form subscribe-form" method="post" action="/subscribe">');
    expect(res.body).not.toContain('value="email"');
    expect(textOf(res.body)).not.toMatch(/e-mail/i);
    expect(res.body).toContain(
      '<label for="sub-target">Webhook or topic URL, PagerDuty or Opsgenie key, or Telegram bot token/chat id</label>',
    );
    expect(res.body).toContain('name="providers" value="anthropic"');
  });

  it("fixes the provider on a provider's form and answers the POST with the manage link", async () => {
    const form = await h.app.inject({ method: 'GET', url: '/anthropic/subscribe' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<input type="hidden" name="providers" value="anthropic">');
    expect((await h.app.inject({ method: 'GET', url: '/nobody/subscribe' })).statusCode).toBe(404);

    const res = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `channel=discord&target=${encodeURIComponent('https://discord.com/api/webhooks/1/x')}&providers=anthropic&minLevel=&components=`,
    });
    expect(res.statusCode).toBe(201);
    const link = /http:\/\/127\.0\.0\.1:3000\/subscriptions\/([\w-]+)/.exec(res.body)!;
    expect(link).not.toBeNull();
    const page = await h.app.inject({ method: 'GET', url: `/subscriptions/${link[1]}` });
    expect(textOf(page.body)).toContain('Providers Anthropic');
    const bye = await h.app.inject({ method: 'POST', url: `/subscriptions/${link[1]}/unsubscribe` });
    expect(bye.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: `/subscriptions/${link[1]}` })).statusCode).toBe(404);
  });

  it('refuses a form posted from another site', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      payload: `channel=webhook&target=${encodeURIComponent(HOOK)}`,
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('e-mail subscriptions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ env: { SMTP_URL: 'smtp://127.0.0.1:2525', SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '50' } });
  });
  afterAll(() => h.close());

  const subscribe = async (target: string) =>
    (
      await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: { channel: 'email', target } })
    ).json();

  it('sends each subscription its own confirmation, at most three a day per address however it is spelt', async () => {
    const spellings = [
      'person@example.org',
      'PERSON@Example.ORG',
      'person@EXAMPLE.org',
      ' person@example.org ',
      'person@example.org',
    ];
    const answers = [];
    for (const target of spellings) {
      answers.push(
        await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: { channel: 'email', target } }),
      );
    }
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 429, 429]);
    expect(answers[0]!.json()).toMatchObject({ status: 'pending_confirmation', confirmation: 'pending' });
    expect(answers[3]!.json().error.message).toContain('This address was sent 3 confirmation mails');
    expect(Number(answers[3]!.headers['retry-after'])).toBe(DAY_MS / 1000);
    const tokens = await rows(h.store, 'SELECT token FROM email_confirmations WHERE token IS NOT NULL');
    expect(tokens).toHaveLength(3);
  });

  it.each([
    ['a zero-width space', 'vic\u200btim@example.org'],
    ['a control character', 'vic\u0001tim@example.org'],
    ['a tab', 'vic\ttim@example.org'],
    ['a soft hyphen in the domain', 'victim@exam\u00adple.org'],
    ['a right-to-left mark', 'victim@example.org\u200f'],
    ['a space', 'vic tim@example.org'],
    ['no dotted domain', 'victim@localhost'],
    ['two @', 'a@b@example.org'],
    ['angle brackets', '<victim@example.org>'],
  ])('refuses an address with %s, naming the field', async (_what, target) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { channel: 'email', target },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('target: a valid e-mail address');
  });

  it('accepts an internationalised domain in Unicode and punycode as one address', async () => {
    const targets = ['dev@bücher.de', 'dev@xn--bcher-kva.de', 'dev@例え.テスト', 'DEV@XN--R8JZ45G.XN--ZCKZAH'];
    const stored = [];
    for (const target of targets) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'email', target },
      });
      expect(res.statusCode, res.body).toBe(201);
      stored.push((await h.store.subscriptions.byId(res.json().id))!);
    }
    expect(stored.map((s) => s.target)).toEqual([
      'dev@xn--bcher-kva.de',
      'dev@xn--bcher-kva.de',
      'dev@xn--r8jz45g.xn--zckzah',
      'DEV@xn--r8jz45g.xn--zckzah',
    ]);
    expect(stored[0]!.addressHash).toBe(stored[1]!.addressHash);
    expect(stored[2]!.addressHash).toBe(stored[3]!.addressHash);
  });

  it('confirms only by POST, only its own subscription, and not after the link expires', async () => {
    const created: { id: string; manageToken: string }[] = [];
    for (const target of ['owner@example.net', 'owner@example.net']) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'email', target },
      });
      created.push(res.json<{ id: string; manageToken: string }>());
    }
    // The first confirmation's token, as its mail would carry it.
    const [first] = await rows<{ token: string }>(
      h.store,
      `SELECT token FROM email_confirmations WHERE subscription_id = '${created[0]!.id}'`,
    );
    const path = `/subscriptions/confirm/${first!.token}`;
    const state = async (i: number) => (await h.store.subscriptions.byId(created[i]!.id))!.state;
    expect((await h.app.inject({ method: 'HEAD', url: path })).statusCode).toBe(200);
    const page = await h.app.inject({ method: 'GET', url: path });
    expect(page.body).toContain(`<form method="post" action="${path}">`);
    expect(await state(0)).toBe('pending_confirmation');
    expect(
      (await h.app.inject({ method: 'POST', url: path, headers: { 'sec-fetch-site': 'cross-site' } })).statusCode,
    ).toBe(403);
    expect(await state(0)).toBe('pending_confirmation');
    const confirmed = await h.app.inject({ method: 'POST', url: path });
    expect(textOf(confirmed.body)).toContain('Subscription confirmed');
    expect([await state(0), await state(1)]).toEqual(['active', 'pending_confirmation']);
    // Following it again changes nothing; a subscription made later is not activated by it.
    const later = await h.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { channel: 'email', target: 'owner@example.net' },
    });
    expect((await h.app.inject({ method: 'POST', url: path })).statusCode).toBe(200);
    expect((await h.store.subscriptions.byId(later.json().id))!.state).toBe('pending_confirmation');
    expect(await state(1)).toBe('pending_confirmation');
    h.clock.now += CONFIRMATION_TTL_MS;
    const expired = await h.app.inject({ method: 'GET', url: path });
    expect(expired.statusCode).toBe(404);
    expect(textOf(expired.body)).toContain('links work for 48 hours');
    expect((await h.app.inject({ method: 'POST', url: path })).statusCode).toBe(404);
    h.clock.now -= CONFIRMATION_TTL_MS;
  });

  it('unsubscribes in one click, whether the mail client posts urlencoded or multipart', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'List-Unsubscribe=One-Click'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
      ],
    ] as const) {
      const created = await subscribe(`click-${type.length}@example.org`);
      const [row] = await rows<{ unsubscribe_token: string }>(
        h.store,
        `SELECT unsubscribe_token FROM subscriptions WHERE id = '${created.id}'`,
      );
      const page = await h.app.inject({ method: 'GET', url: `/subscriptions/unsubscribe/${row!.unsubscribe_token}` });
      expect(page.body).toContain('<button class="button" type="submit">Unsubscribe</button>');
      const res = await h.app.inject({
        method: 'POST',
        url: `/subscriptions/unsubscribe/${row!.unsubscribe_token}`,
        headers: { 'content-type': type },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
      expect(await h.store.subscriptions.byId(created.id)).toBeUndefined();
    }
  });
});

// Subscribing through the API and the no-JavaScript form: 400s that name the field, the rate limit shared across
// the creation routes, hashed manage tokens, the manage page, e-mail offered only with a mail server, and no
// address or URL in the logs.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { hashToken } from '../../src/notify/tokens.ts';
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
    [{ channel: 'webhook', target: HOOK, providers: ['nope'] }, 'providers: unknown provider "nope"'],
    [{ channel: 'webhook', target: HOOK, providers: ['openai'], components: ['Warp Drive'] }, 'components'],
    [{ channel: 'webhook', target: HOOK, errors: ['bad-vibes'] }, 'errors: unknown error type "bad-vibes"'],
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

  it('offers every channel but e-mail without a mail server, and says why', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/subscribe' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form class="report-form subscribe-form" method="post" action="/subscribe">');
    expect(res.body).toContain('value="email" required disabled');
    expect(textOf(res.body)).toContain('E-mail is not offered here: this site has no mail server configured.');
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

  it('send one confirmation while one is open, and at most three a day per address', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const created = await subscribe(i % 2 === 0 ? 'person@example.org' : 'PERSON@example.org');
      expect(created.status).toBe('pending_confirmation');
      answers.push(created.confirmation);
      // Following the link closes the open confirmation; the next subscription needs a new one.
      const pending = await rows<{ token_hash: string }>(
        h.store,
        'SELECT token_hash FROM email_confirmations WHERE confirmed_at IS NULL',
      );
      if (i >= 1) for (const p of pending) await h.store.subscriptions.confirm(p.token_hash, h.clock.now);
    }
    expect(answers).toEqual(['sent', 'already_sent', 'sent', 'sent', 'limit']);
    const tokens = await rows(h.store, 'SELECT token FROM email_confirmations WHERE token IS NOT NULL');
    expect(tokens).toHaveLength(3);
  });

  it('refuses a bad address, naming the field', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { channel: 'email', target: 'not an address' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('target: a valid e-mail address');
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

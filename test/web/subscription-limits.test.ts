// Limits on creating subscriptions that hold under abuse: one budget per IPv6 /48, site-wide caps on subscriptions
// and on confirmations waiting (each a 429 with Retry-After), the per-address cap under 20 concurrent requests on
// both engines, and no token in the request log at the default level.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { ENGINES, rows } from '../helpers/engines.ts';

const HOOK = 'https://hooks.example.com/hook';

describe('subscription limits', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  const post = (app: Harness, payload: object, remoteAddress: string) =>
    app.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload, remoteAddress });

  it('gives one IPv6 /48 one budget: 30 creations from its /64s in an hour get the limit of 10', async () => {
    h = await createHarness();
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 30; i += 1) {
      const res = await post(h, { channel: 'webhook', target: HOOK }, `2001:db8:77:${i.toString(16)}::1`);
      statuses.push(res.statusCode);
      if (res.statusCode === 429) retryAfter = String(res.headers['retry-after']);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another /48 has its own budget.
    expect((await post(h, { channel: 'webhook', target: HOOK }, '2001:db8:78::1')).statusCode).toBe(201);
  });

  it('caps subscriptions and confirmations waiting site-wide, with Retry-After', async () => {
    h = await createHarness({
      env: {
        SMTP_URL: 'smtp://127.0.0.1:2525',
        MAX_SUBSCRIPTIONS: '4',
        MAX_PENDING_CONFIRMATIONS: '2',
        SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '100',
      },
    });
    const mails = [];
    for (let i = 0; i < 3; i += 1) {
      mails.push(await post(h, { channel: 'email', target: `p${i}@example.org` }, `198.51.100.${i + 1}`));
    }
    expect(mails.map((r) => r.statusCode)).toEqual([201, 201, 429]);
    expect(mails[2]!.json().error.message).toContain('Too many e-mail confirmations are waiting');
    // Until the oldest confirmation expires (48 hours).
    expect(Number(mails[2]!.headers['retry-after'])).toBe(48 * 3600);
    const hooks = [];
    for (let i = 0; i < 3; i += 1) hooks.push(await post(h, { channel: 'webhook', target: HOOK }, `192.0.2.${i + 1}`));
    expect(hooks.map((r) => r.statusCode)).toEqual([201, 201, 429]);
    expect(hooks[2]!.json().error.message).toContain('as many subscriptions as it can');
    expect(Number(hooks[2]!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('says which setting is wrong when a cap is not a whole number', () => {
    expect(() => parseConfig({ MAX_SUBSCRIPTIONS: 'lots' })).toThrow(
      'MAX_SUBSCRIPTIONS="lots": expected a whole number of subscriptions',
    );
    expect(() => parseConfig({ MAX_PENDING_CONFIRMATIONS: '0' })).toThrow(
      'MAX_PENDING_CONFIRMATIONS="0": expected a whole number of confirmations, at least 1',
    );
  });

  it.each(ENGINES)(
    'sends one address at most its cap of confirmations from 20 concurrent requests on %s',
    async (engine) => {
      h = await createHarness({
        engine,
        env: { SMTP_URL: 'smtp://127.0.0.1:2525', SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '100' },
      });
      const app = h;
      const spellings = ['target@example.com', 'Target@example.com', 'target@EXAMPLE.com', 'target@example.COM'];
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(app, { channel: 'email', target: spellings[i % spellings.length]! }, `203.0.113.${i + 1}`),
        ),
      );
      expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(3);
      expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(17);
      expect(await rows(h.store, 'SELECT id FROM email_confirmations')).toHaveLength(3);
    },
  );

  it('never writes a manage, confirmation or unsubscribe token to the log at the default level', async () => {
    let logs = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs += String(chunk);
        done();
      },
    });
    const level = parseConfig({}).logLevel;
    h = await createHarness({
      env: { SMTP_URL: 'smtp://127.0.0.1:2525' },
      logger: { ...(loggerOptions(level) as object), stream },
    });
    const created = (await post(h, { channel: 'email', target: 'reader@example.org' }, '192.0.2.9')).json();
    const [secrets] = await rows<{ token: string; unsubscribe_token: string }>(
      h.store,
      `SELECT c.token, s.unsubscribe_token FROM email_confirmations c JOIN subscriptions s ON s.id = c.subscription_id`,
    );
    const manage = created.manageToken as string;
    for (const [method, url] of [
      ['GET', `/subscriptions/${manage}`],
      ['GET', `/api/v1/subscriptions/${manage}`],
      ['POST', `/subscriptions/${manage}/resume`],
      ['GET', `/subscriptions/confirm/${secrets!.token}`],
      ['POST', `/subscriptions/confirm/${secrets!.token}?from=mail`],
      ['GET', `/subscriptions/unsubscribe/${secrets!.unsubscribe_token}`],
      ['POST', `/subscriptions/unsubscribe/${secrets!.unsubscribe_token}`],
      ['GET', `/subscriptions/${manage}`],
      ['DELETE', `/api/v1/subscriptions/${manage}`],
    ] as const) {
      await h.app.inject({ method, url });
    }
    expect(logs).toContain('/subscriptions/confirm/[token]');
    expect(logs).toContain('/subscriptions/[token]/resume');
    expect(logs).toContain('/api/v1/subscriptions/[token]');
    for (const token of [manage, secrets!.token, secrets!.unsubscribe_token]) expect(logs).not.toContain(token);
  });
});

// Confirmation mails on their own schedule, against a real SMTP server on loopback: refused addresses are retried a
// bounded number of times and never block a real one, the API says "pending" until the server accepted the mail, and
// a slow mail server holds up neither event recording nor webhook deliveries.
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIRMATION_RETRY_MS, CONFIRMATION_TRIES } from '../../src/jobs/confirmation-mail.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { rows } from '../helpers/engines.ts';
import { notifyRig, type NotifyRig } from '../helpers/notify.ts';
import { startMailbox, startReceiver, type Mailbox, type Receiver } from '../helpers/receivers.ts';
import { recordOfficial } from '../helpers/signals.ts';

const SLUG = 'openai';

describe('confirmation mails', () => {
  let h: Harness;
  let rig: NotifyRig;
  let mailbox: Mailbox;
  let receiver: Receiver | null = null;

  async function setUp(options: Parameters<typeof startMailbox>[0]) {
    mailbox = await startMailbox(options);
    h = await createHarness({
      env: { SMTP_URL: mailbox.url, ALLOW_PRIVATE_UPSTREAMS: 'true', SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '100' },
    });
    rig = notifyRig(h);
  }

  afterEach(async () => {
    await rig.close();
    await h.close();
    await mailbox.close();
    await receiver?.close();
    receiver = null;
  });

  async function subscribe(body: object): Promise<{ id: string; manageToken: string; confirmation?: string }> {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }
  const confirmationOf = async (manageToken: string) =>
    (await h.app.inject({ url: `/api/v1/subscriptions/${manageToken}` })).json().confirmation as string;

  it('gives the confirmation mail an unsubscribe link and one-click header that cancel the request', async () => {
    await setUp({});
    const sub = await subscribe({ channel: 'email', target: 'maybe@example.org' });
    await rig.mail();
    const [mail] = await mailbox.waitFor(1);
    const header = (name: string) => mail!.headerLines.find((l) => l.key === name)?.line.replace(/^[^:]+:\s*/, '');
    const unsubscribe = header('list-unsubscribe')!;
    expect(unsubscribe).toMatch(/^<http:\/\/\S+\/subscriptions\/unsubscribe\/[\w-]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = unsubscribe.slice(1, -1);
    expect(mail!.text).toContain(`To cancel it now (unsubscribe): ${link}`);
    expect(mail!.html).toContain(`<a href="${link}">Cancel it now (unsubscribe)</a>`);
    const confirmLink = /http:\/\/\S+\/subscriptions\/confirm\/[\w-]+/.exec(mail!.text ?? '')![0];

    // The link opens a page whose button posts; a mail client's one-click POST cancels at once.
    const page = await h.app.inject({ url: new URL(link).pathname });
    expect(page.body).toContain('Unsubscribe</button>');
    const oneClick = await h.app.inject({
      method: 'POST',
      url: new URL(link).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect((await h.app.inject({ url: `/api/v1/subscriptions/${sub.manageToken}` })).statusCode).toBe(404);
    expect((await h.app.inject({ url: new URL(confirmLink).pathname })).statusCode).toBe(404);
    expect(await rows(h.store, 'SELECT id FROM subscriptions')).toHaveLength(0);
  });

  it('sends a real address its mail after twenty refused ones, and marks those refused after bounded tries', async () => {
    await setUp({ refuse: (address) => address.startsWith('refused') });
    const refused = [];
    for (let i = 0; i < 20; i += 1)
      refused.push(await subscribe({ channel: 'email', target: `refused${i}@example.org` }));
    const real = await subscribe({ channel: 'email', target: 'real@example.org' });
    expect(real.confirmation).toBe('pending');

    await rig.mail();
    await rig.mail();
    const [mail] = await mailbox.waitFor(1);
    expect(mail!.to).toMatchObject({ text: 'real@example.org' });
    expect(await confirmationOf(real.manageToken)).toBe('sent');
    // Refused once: still pending (another try is due later), never "sent".
    expect(await confirmationOf(refused[0]!.manageToken)).toBe('pending');

    for (let tries = 1; tries < CONFIRMATION_TRIES; tries += 1) {
      h.clock.now += CONFIRMATION_RETRY_MS * 2 ** (tries - 1);
      await rig.mail();
    }
    expect(await confirmationOf(refused[0]!.manageToken)).toBe('refused');
    const page = await h.app.inject({ url: `/subscriptions/${refused[0]!.manageToken}` });
    expect(page.body).toContain('the mail server refused the confirmation mail');
    const given = await rows<{ attempts: number; token: string | null }>(
      h.store,
      'SELECT attempts, token FROM email_confirmations WHERE refused_at IS NOT NULL',
    );
    expect(given).toHaveLength(20);
    expect(given.every((c) => Number(c.attempts) === CONFIRMATION_TRIES && c.token === null)).toBe(true);
    // Nothing more is tried for them.
    h.clock.now += 60 * MINUTE_MS;
    await rig.mail();
    expect(mailbox.mails).toHaveLength(1);
    expect((await rows(h.store, 'SELECT id FROM email_confirmations WHERE refused_at IS NULL'))[0]).toBeDefined();
  });

  it('records events and delivers webhooks while a slow mail server takes seconds per mail', async () => {
    const delayMs = 3000;
    await setUp({ delayMs });
    receiver = await startReceiver();
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
    await rig.job.tick();
    for (let i = 0; i < 8; i += 1) await subscribe({ channel: 'email', target: `waiting${i}@example.org` });
    await subscribe({ channel: 'webhook', target: receiver.url, providers: [SLUG] });

    const mailing = rig.mail();
    for (let i = 0; i < 2; i += 1) {
      h.clock.now += MINUTE_MS;
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'major_outage' });
    }
    const started = Date.now();
    await rig.job.tick();
    await rig.job.idle();
    const [hook] = await receiver.waitFor(1);
    // The webhook went out while the mail run was still waiting on the slow server.
    expect(hook!.at - started).toBeLessThan(delayMs);
    expect(mailbox.mails.length).toBeLessThan(8);
    await mailing;
    expect(mailbox.mails).toHaveLength(8);
  });
});

// Notifications end to end on both engines: a status change recorded by the jobs becomes events in the outbox, and
// real receivers on loopback get them — signed webhooks in order, retried after failures, never held up by a hanging
// receiver, nothing after an unsubscribe, and an e-mail address nothing but its confirmations until it confirms.
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { ENGINES, rows } from '../helpers/engines.ts';
import { chatUrl, notifyRig, type NotifyRig } from '../helpers/notify.ts';
import { startMailbox, startReceiver, verifyDelivery, type Mailbox, type Receiver } from '../helpers/receivers.ts';
import { probeRow, recordIncident, recordOfficial } from '../helpers/signals.ts';
import { incident } from '../helpers/seed.ts';
import { harnessDetector } from '../helpers/detector.ts';

const SLUG = 'openai';

describe.each(ENGINES)('notifications on %s', (engine) => {
  let h: Harness;
  let rig: NotifyRig;
  const receivers: Receiver[] = [];
  let mailbox: Mailbox | null = null;

  async function setUp(env: Record<string, string> = {}, rigOptions: Parameters<typeof notifyRig>[1] = {}) {
    h = await createHarness({ engine, env: { ALLOW_PRIVATE_UPSTREAMS: 'true', ...env } });
    rig = notifyRig(h, rigOptions);
    // The first look at a provider records what it sees without announcing it.
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
    await rig.job.tick();
  }

  afterEach(async () => {
    await rig?.close();
    await h?.close();
    for (const r of receivers.splice(0)) await r.close();
    await mailbox?.close();
    mailbox = null;
  });

  async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
    const r = await startReceiver(options);
    receivers.push(r);
    return r;
  }

  async function subscribe(
    body: object,
  ): Promise<{ id: string; status: string; manageToken: string; secret?: string }> {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  /** The API goes down: an incident opens and the API component reads Major Outage on two polls (damping). */
  async function outage() {
    h.clock.now += MINUTE_MS;
    await recordIncident(h.store, SLUG, h.clock.now, 'Elevated error rates on the API');
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'major_outage' });
    h.clock.now += MINUTE_MS;
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'major_outage' });
  }

  /** The incident is resolved and the API component reads Operational on two polls. */
  async function recovery() {
    await h.store.incidents.upsert(
      SLUG,
      'official',
      [
        incident('inc-Elevated error rates on the API', {
          title: 'Elevated error rates on the API',
          state: 'resolved',
          startedAt: h.clock.now - 10 * MINUTE_MS,
          resolvedAt: h.clock.now,
        }),
      ],
      h.clock.now,
    );
    for (let i = 0; i < 2; i += 1) {
      h.clock.now += MINUTE_MS;
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
    }
  }

  async function deliver() {
    await rig.job.tick();
    await rig.job.idle();
  }

  const events = (r: Receiver) => r.received.map((x) => JSON.parse(x.body) as StatusEvent);

  it('records a change once in the outbox and delivers it signed, in order, to a webhook', async () => {
    await setUp();
    const hook = await receiver();
    const sub = await subscribe({ channel: 'webhook', target: hook.url, providers: [SLUG] });
    expect(sub.status).toBe('active');
    expect(sub.secret).toMatch(/^whsec_/);

    await outage();
    await deliver();
    await deliver();
    const outbox = await rows<{ type: string }>(h.store, 'SELECT type FROM events ORDER BY seq');
    expect(outbox.map((e) => e.type)).toEqual(['incident_opened', 'level_changed']);
    expect(events(hook).map((e) => e.type)).toEqual(['incident_opened', 'level_changed']);

    const [opened, changed] = events(hook);
    expect(opened!.provider).toEqual({ slug: SLUG, name: 'OpenAI' });
    expect(opened!.incident).toMatchObject({ title: 'Elevated error rates on the API', source: 'official' });
    expect(changed!).toMatchObject({ previousLevel: 'operational', level: 'major_outage', incident: null });
    expect(changed!.url).toBe(`${h.config.siteUrl}/${SLUG}`);
    for (const r of hook.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-id']).toBe((JSON.parse(r.body) as StatusEvent).id);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verifyDelivery(sub.secret!, r)).toEqual(JSON.parse(r.body));
      expect(() => verifyDelivery(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, r)).toThrow(/signature/);
      // A subscription made with a Standard Webhooks secret gets no pre-standard header.
      expect(r.headers['x-status-signature']).toBeUndefined();
    }

    // Nothing new happened: nothing is recorded or sent again.
    await deliver();
    expect(hook.received).toHaveLength(2);
    await recovery();
    await deliver();
    await deliver();
    for (const r of hook.received) verifyDelivery(sub.secret!, r);
    expect(events(hook).map((e) => e.type)).toEqual([
      'incident_opened',
      'level_changed',
      'incident_resolved',
      'level_changed',
    ]);
    expect(events(hook)[3]).toMatchObject({ previousLevel: 'major_outage', level: 'operational' });
  });

  it('a probe failing from one region of three (Partly) announces a degradation, never an outage', async () => {
    await setUp({ AGENT_KEYS: `us-east=${'k'.repeat(40)},eu-west=${'e'.repeat(40)}`, PROBE_INTERVAL_SECONDS: '60' });
    for (const [region, outcome] of [
      ['local', 'rejected_as_expected'],
      ['us-east', 'rejected_as_expected'],
      ['eu-west', 'unexpected_status'],
    ] as const)
      for (let i = 4; i >= 0; i -= 1)
        await h.store.probes.record(SLUG, {
          region,
          ...probeRow({
            at: h.clock.now + 1000 - i * MINUTE_MS,
            outcome,
            httpStatus: outcome === 'unexpected_status' ? 503 : 401,
            latencyMs: 100,
          }),
        });
    h.clock.now += 2000;
    expect(await harnessDetector(h).run()).toBe(0);
    await deliver();
    const outbox = await rows<{ type: string; level: string; previous_level: string }>(
      h.store,
      'SELECT type, level, previous_level FROM events ORDER BY seq',
    );
    expect(outbox).toEqual([{ type: 'level_changed', level: 'degraded', previous_level: 'operational' }]);
  });

  it('keeps products apart: a product incident moves no API level and counts for no error type', async () => {
    await setUp();
    const hook = await receiver();
    await subscribe({ channel: 'webhook', target: hook.url, errors: ['auth-error'] });
    const everything = await receiver();
    await subscribe({ channel: 'webhook', target: everything.url });
    h.clock.now += MINUTE_MS;
    await recordIncident(h.store, SLUG, h.clock.now, 'ChatGPT login issues', 'critical');
    await deliver();
    const outbox = await rows<{ type: string; errors: string }>(h.store, 'SELECT type, errors FROM events');
    expect(outbox).toEqual([{ type: 'incident_opened', errors: '[]' }]);
    expect(events(everything).map((e) => [e.type, e.level])).toEqual([['incident_opened', 'operational']]);
    expect(hook.received).toHaveLength(0);
    // An API incident about keys counts for the auth error.
    h.clock.now += MINUTE_MS;
    await recordIncident(h.store, SLUG, h.clock.now, 'API key authentication failures');
    await deliver();
    await deliver();
    expect(events(hook).map((e) => e.incident?.title)).toContain('API key authentication failures');
  });

  it('sends the same event again after failures, with backoff, until the receiver acknowledges it', async () => {
    await setUp();
    const hook = await receiver();
    hook.script.push({ status: 500 }, { status: 503 });
    const sub = await subscribe({ channel: 'webhook', target: hook.url });
    await outage();
    await deliver();
    expect(hook.received).toHaveLength(1);
    // Not due again before its backoff ends.
    await deliver();
    expect(hook.received).toHaveLength(1);
    h.clock.now += 20_000;
    await deliver();
    h.clock.now += 40_000;
    await deliver();
    await deliver();
    // Every attempt is signed afresh under the same message id.
    const ids = hook.received.map((r) => r.headers['webhook-id']);
    expect(ids.slice(0, 3)).toEqual([ids[0], ids[0], ids[0]]);
    for (const r of hook.received) verifyDelivery(sub.secret!, r);
    expect(events(hook).map((e) => e.type)).toEqual([
      'incident_opened',
      'incident_opened',
      'incident_opened',
      'level_changed',
    ]);
  });

  it('never holds up one receiver behind another that hangs', async () => {
    await setUp({}, { deadlineMs: 3000 });
    const stuck = await receiver();
    stuck.script.push('hang', 'hang');
    const healthy = await receiver();
    await subscribe({ channel: 'webhook', target: stuck.url });
    await subscribe({ channel: 'discord', target: chatUrl('discord', healthy.url) });
    await outage();
    const started = Date.now();
    await rig.job.tick();
    await healthy.waitFor(2, 2500);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(stuck.received).toHaveLength(1);
    const discord = JSON.parse(healthy.received[0]!.body) as { embeds: { title: string; url: string }[] };
    expect(discord.embeds[0]!.title).toBe('OpenAI: New incident: Elevated error rates on the API');
    expect(discord.embeds[0]!.url).toBe(`${h.config.siteUrl}/${SLUG}`);
    await rig.job.idle();
  });

  it('sends nothing more once unsubscribed', async () => {
    await setUp();
    const hook = await receiver();
    const sub = await subscribe({ channel: 'slack', target: chatUrl('slack', hook.url) });
    await outage();
    await deliver();
    await deliver();
    expect(hook.received).toHaveLength(2);
    const slack = JSON.parse(hook.received[0]!.body) as { text: string };
    expect(slack.text).toContain('OpenAI: New incident: Elevated error rates on the API');
    const gone = await h.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/${sub.manageToken}` });
    expect(gone.statusCode).toBe(200);
    await recovery();
    await deliver();
    await deliver();
    expect((await rows(h.store, 'SELECT type FROM events')).length).toBe(4);
    expect(hook.received).toHaveLength(2);
  });

  it('sends an address only its confirmations until it confirms by POST, then events with one-click unsubscribe', async () => {
    mailbox = await startMailbox();
    await setUp({ SMTP_URL: mailbox.url, MAIL_FROM: 'Status <status@example.com>' });
    const sub = await subscribe({ channel: 'email', target: 'dev@example.com', providers: [SLUG] });
    expect(sub.status).toBe('pending_confirmation');
    // A second subscription for the same address gets its own confirmation: one link confirms one subscription.
    await subscribe({ channel: 'email', target: 'Dev@Example.com', providers: [SLUG], minLevel: 'major_outage' });
    const confirmation = async () => (await h.app.inject({ url: `/api/v1/subscriptions/${sub.manageToken}` })).json();
    expect((await confirmation()).confirmation).toBe('pending');
    await rig.mail();
    expect((await confirmation()).confirmation).toBe('sent');
    await outage();
    await deliver();
    await deliver();
    const confirmations = await mailbox.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailbox.mails).toHaveLength(2);
    const links = confirmations.map((m) => /http:\/\/\S+\/subscriptions\/confirm\/[\w-]+/.exec(m.text ?? '')![0]);
    expect(confirmations[0]!.subject).toContain('Confirm');
    expect(confirmations[0]!.html).toContain(links[0]);

    // Mail scanners fetch the link: neither GET nor HEAD confirms anything; the page's button POSTs.
    const active = async () =>
      (await rows(h.store, "SELECT id FROM subscriptions WHERE channel = 'email' AND status = 'active'")).length;
    for (const [i, link] of links.entries()) {
      const path = new URL(link).pathname;
      expect((await h.app.inject({ method: 'HEAD', url: path })).statusCode).toBe(200);
      const page = await h.app.inject({ method: 'GET', url: path });
      expect(page.body).toContain('Confirm subscription</button>');
      expect(await active()).toBe(i);
      const confirmed = await h.app.inject({ method: 'POST', url: path });
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.body).toContain('Subscription confirmed');
    }
    expect((await confirmation()).confirmation).toBe('confirmed');
    await recovery();
    await deliver();
    await deliver();
    // Both subscriptions were confirmed, each by its own link: each hears of the recovery from a major outage.
    const mails = await mailbox.waitFor(6);
    const event = mails.find((m) => m.subject === 'OpenAI: API status changed')!;
    expect(event.subject).toBe('OpenAI: API status changed');
    expect(event.text).toContain('API: Operational (was Major Outage)');
    expect(event.html).toContain('API: Operational (was Major Outage)');
    const header = (name: string) => event.headerLines.find((l) => l.key === name)?.line.replace(/^[^:]+:\s*/, '');
    const unsubscribe = header('list-unsubscribe')!;
    expect(unsubscribe).toMatch(/^<http:\/\/\S+\/subscriptions\/unsubscribe\/[\w-]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to that address.
    const oneClick = await h.app.inject({
      method: 'POST',
      url: new URL(unsubscribe.slice(1, -1)).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    await outage();
    await deliver();
    await deliver();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Only the other subscription (major outages and worse) hears of the new outage.
    expect(mailbox.mails).toHaveLength(8);
  });

  it('pauses a subscription that has failed for three days and says why on its page', async () => {
    await setUp();
    const hook = await receiver();
    for (let i = 0; i < 50; i += 1) hook.script.push({ status: 500 });
    const sub = await subscribe({ channel: 'webhook', target: hook.url });
    await outage();
    await deliver();
    // Something happens every 20 hours; every delivery fails.
    for (let step = 0; step < 4; step += 1) {
      h.clock.now += 20 * 3600_000;
      await (step % 2 === 0 ? recovery() : outage());
      await deliver();
      await deliver();
    }
    const state = (await h.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${sub.manageToken}` })).json();
    expect(state.status).toBe('paused');
    expect(state.pauseReason).toMatch(/failed for 3 d/);
    expect(state.dropped).toBeGreaterThanOrEqual(1);
    const page = await h.app.inject({ method: 'GET', url: `/subscriptions/${sub.manageToken}` });
    expect(page.body).toContain('Paused:');
    expect(page.body).toContain('HTTP 500');
    const sent = hook.received.length;
    await recovery();
    await deliver();
    expect(hook.received).toHaveLength(sent);
  });
});

describe('a restart in the middle of a delivery backlog', () => {
  it('loses nothing and sends nothing twice to a receiver that acknowledged it', async () => {
    const h = await createHarness({ env: { ALLOW_PRIVATE_UPSTREAMS: 'true' } });
    const hook = await startReceiver({ delayMs: 30 });
    try {
      let rig = notifyRig(h);
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
      await rig.job.tick();
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'webhook', target: hook.url },
      });
      expect(res.statusCode).toBe(201);
      // Ten changes of level in a row: twenty events queued for the one subscription.
      for (let i = 0; i < 10; i += 1) {
        for (let poll = 0; poll < 2; poll += 1) {
          h.clock.now += MINUTE_MS;
          await recordOfficial(h.store, SLUG, h.clock.now, { API: i % 2 === 0 ? 'major_outage' : 'operational' });
        }
        await rig.job.tick();
      }
      await hook.waitFor(3);
      // Stop while deliveries are under way, then start a new job on the same database.
      await rig.close();
      const before = hook.received.length;
      expect(before).toBeLessThan(10);
      rig = notifyRig(h);
      await rig.job.tick();
      await rig.job.idle();
      await rig.close();
      const ids = hook.received.map((r) => r.headers['webhook-id']);
      for (const r of hook.received) verifyDelivery(res.json<{ secret: string }>().secret, r);
      const outbox = await rows<{ id: string }>(h.store, 'SELECT id FROM events ORDER BY seq');
      expect(outbox).toHaveLength(10);
      expect(ids).toEqual(outbox.map((e) => e.id));
    } finally {
      await hook.close();
      await h.close();
    }
  });
});

// A subscription's page and its test event: a signed test event reaches a loopback receiver through the normal
// single send (form and API), a failing receiver is said so, only active subscriptions get one, a few an hour; the
// deliveries list shows each event's level from → to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { testEventSender } from '../../src/jobs/wiring.ts';
import { TEST_EVENTS_PER_HOUR } from '../../src/notify/subscriptions.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { startReceiver, verifyDelivery, type Receiver } from '../helpers/receivers.ts';

describe("a subscription's page", () => {
  let h: Harness;
  let hook: Receiver;
  let sender: ReturnType<typeof testEventSender> | null = null;
  beforeAll(async () => {
    hook = await startReceiver();
    h = await createHarness({
      env: {
        ALLOW_PRIVATE_UPSTREAMS: 'true',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '50',
      },
      testSender: async () => (sender ??= testEventSender(h.config)).sender,
    });
  });
  afterAll(async () => {
    await h.close();
    await sender?.close();
    await hook.close();
  });

  const subscribe = async (payload: object) =>
    (await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload })).json<{
      id: string;
      manageToken: string;
      secret?: string;
    }>();

  it('sends a signed test event from the form and the API, and says what the receiver answered', async () => {
    const sub = await subscribe({ channel: 'webhook', target: hook.url, providers: ['anthropic'] });
    const page = await h.app.inject({ url: `/subscriptions/${sub.manageToken}` });
    expect(page.body).toContain(`<form method="post" action="/subscriptions/${sub.manageToken}/test">`);

    const sent = await h.app.inject({ method: 'POST', url: `/subscriptions/${sub.manageToken}/test` });
    expect(sent.statusCode).toBe(200);
    expect(textOf(sent.body)).toContain('Test event delivered (HTTP 200).');
    const [received] = await hook.waitFor(1);
    const event = JSON.parse(received!.body) as StatusEvent;
    expect(event).toMatchObject({ test: true, provider: { slug: 'anthropic' }, type: 'level_changed' });
    expect(received!.headers['webhook-id']).toBe(event.id);
    expect(verifyDelivery(sub.secret!, received!)).toEqual(event);

    hook.script.push({ status: 500 });
    const failed = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${sub.manageToken}/test` });
    expect(failed.json()).toEqual({ delivered: false, status: 500, message: 'Test event not delivered: HTTP 500.' });
    const api = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${sub.manageToken}/test` });
    expect(api.json()).toEqual({ delivered: true, status: 200, message: 'Test event delivered (HTTP 200).' });
    expect(hook.received).toHaveLength(3);
    // Nothing is stored: the deliveries list still says none.
    expect(textOf((await h.app.inject({ url: `/subscriptions/${sub.manageToken}` })).body)).toContain('None yet');
  });

  it('sends test events only to an active subscription, and a few an hour', async () => {
    const mail = await subscribe({ channel: 'email', target: 'waiting@example.org' });
    const refused = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${mail.manageToken}/test` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('confirm or resume it first');
    expect(textOf((await h.app.inject({ url: `/subscriptions/${mail.manageToken}` })).body)).toContain(
      'Confirm the address first',
    );

    const sub = await subscribe({ channel: 'webhook', target: hook.url });
    const statuses = [];
    for (let i = 0; i <= TEST_EVENTS_PER_HOUR; i += 1) {
      statuses.push(
        (await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${sub.manageToken}/test` })).statusCode,
      );
    }
    expect(statuses).toEqual([...Array<number>(TEST_EVENTS_PER_HOUR).fill(200), 429]);
  });

  it("lists each delivered event's level from → to", async () => {
    const sub = await subscribe({ channel: 'webhook', target: hook.url });
    const event: StatusEvent = {
      id: 'ev-1',
      type: 'level_changed',
      at: new Date(h.clock.now).toISOString(),
      provider: { slug: 'openai', name: 'OpenAI' },
      level: 'major_outage',
      previousLevel: 'degraded',
      incident: null,
      components: [],
      url: 'https://status.example/openai',
    };
    await h.store.events.record('openai', 'major_outage', [], [{ event, errors: [], at: h.clock.now }], h.clock.now);
    for (const recorded of await h.store.events.toFanOut(10)) {
      await h.store.events.fanOut(recorded.seq, [sub.id], h.clock.now);
    }
    const page = textOf((await h.app.inject({ url: `/subscriptions/${sub.manageToken}` })).body);
    expect(page).toContain('API level changed: OpenAI Degraded → Major Outage');
    const json = (await h.app.inject({ url: `/api/v1/subscriptions/${sub.manageToken}` })).json();
    expect(json.deliveries[0]).toMatchObject({ previousLevel: 'degraded', level: 'major_outage' });
  });
});

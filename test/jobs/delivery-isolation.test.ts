// Delivery under abuse, with real receivers on loopback: hanging origins cannot hold a genuine subscriber back and
// are then backed off by their breaker, subscribers sharing a chat host each get their own lane, an outcome the
// database refuses is never a reason to send again, redirects are failures, and a 2xx acknowledges at once.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/domain.ts';
import { BREAKER_OPEN_MS, LANE_SIZE } from '../../src/jobs/lanes.ts';
import { hashToken, newToken, newWebhookSecret } from '../../src/notify/tokens.ts';
import { MINUTE_MS, SECOND_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { chatUrl, notifyRig, type NotifyRig } from '../helpers/notify.ts';
import { startReceiver, type Receiver } from '../helpers/receivers.ts';
import { recordOfficial } from '../helpers/signals.ts';

const SLUG = 'openai';

describe('delivery isolation', () => {
  let h: Harness;
  let rig: NotifyRig;
  const receivers: Receiver[] = [];

  async function setUp(rigOptions: Parameters<typeof notifyRig>[1] = {}) {
    h = await createHarness({ env: { ALLOW_PRIVATE_UPSTREAMS: 'true' } });
    rig = notifyRig(h, rigOptions);
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
    await rig.job.tick();
  }

  afterEach(async () => {
    h?.store.sqlite?.pragma('query_only = OFF');
    await rig?.close();
    await h?.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
    const r = await startReceiver(options);
    receivers.push(r);
    return r;
  }

  /** Subscriptions straight into the store (the API's creation limits are not under test here). */
  async function subscribe(channel: Channel, targets: string[]): Promise<void> {
    for (const target of targets)
      await h.store.subscriptions.create({
        id: randomUUID(),
        channel,
        target,
        receiver: new URL(target).origin,
        addressHash: null,
        secret: channel === 'webhook' ? newWebhookSecret() : null,
        manageHash: hashToken(newToken()),
        unsubscribeToken: newToken(),
        state: 'active',
        createdAt: h.clock.now,
        providers: null,
        components: null,
        errors: null,
        minLevel: null,
      });
  }

  /** The API's level moves to `level` on two polls (damping): one level_changed event. */
  async function levelBecomes(level: 'major_outage' | 'operational', pollEveryMs = MINUTE_MS) {
    for (let poll = 0; poll < 2; poll += 1) {
      h.clock.now += pollEveryMs;
      await recordOfficial(h.store, SLUG, h.clock.now, { API: level });
    }
  }

  const paths = (count: number, r: Receiver) => Array.from({ length: count }, (_, i) => `${r.url}/${i}`);

  it('gets a genuine subscriber its event within 10 s while 300 hostile ones hang, then backs the hanging off', async () => {
    await setUp({ deadlineMs: 4000 });
    const hostile = await Promise.all(Array.from({ length: 30 }, () => receiver({ hang: true })));
    for (const r of hostile) await subscribe('webhook', paths(10, r));
    const genuine = await Promise.all(Array.from({ length: 3 }, () => receiver()));
    for (const r of genuine) await subscribe('webhook', [r.url]);

    await levelBecomes('major_outage');
    const started = Date.now();
    await rig.job.tick();
    await Promise.all(genuine.map((r) => r.waitFor(1, 10_000)));
    expect(Date.now() - started).toBeLessThan(10_000);
    // Each hanging origin holds at most its lane.
    for (const r of hostile) expect(r.received.length).toBeLessThanOrEqual(LANE_SIZE);

    // Their deliveries time out: every hanging origin failed a lane's worth in a row, so its breaker opens.
    await rig.job.idle();
    const before = hostile.map((r) => r.received.length);
    const openedAt = h.clock.now;
    await levelBecomes('operational', 5 * SECOND_MS);
    await rig.job.tick();
    await Promise.all(genuine.map((r) => r.waitFor(2, 10_000)));
    await rig.job.idle();
    expect(hostile.map((r) => r.received.length)).toEqual(before);

    // Once the breaker may close, each origin gets one trial delivery at a time.
    h.clock.now = openedAt + BREAKER_OPEN_MS + SECOND_MS;
    await rig.job.tick();
    await Promise.all(hostile.map((r, i) => r.waitFor(before[i]! + 1, 10_000)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hostile.map((r, i) => r.received.length - before[i]!)).toEqual(hostile.map(() => 1));
  }, 60_000);

  it('gives each subscriber on a shared chat host its own lane', async () => {
    await setUp();
    const slack = await receiver({ delayMs: 200 });
    await subscribe('slack', paths(300, { ...slack, url: chatUrl('slack', slack.url) }));
    await levelBecomes('major_outage');
    const started = Date.now();
    await rig.job.tick();
    // 300 answers of 200 ms each: one at a time per host would take a minute, 8 at a time 7.5 s.
    await slack.waitFor(300, 10_000);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(new Set(slack.received.map((r) => r.path)).size).toBe(300);
  }, 30_000);

  it('never sends again because the database refused an outcome: held back, then recorded', async () => {
    await setUp();
    const hooks = await Promise.all(Array.from({ length: 10 }, () => receiver({ delayMs: 300 })));
    for (const r of hooks) await subscribe('webhook', paths(5, r));
    await levelBecomes('major_outage');
    await rig.job.tick();
    // The sends are under way: the database now refuses every write (a full disk answers the same way).
    h.store.sqlite!.pragma('query_only = ON');
    await Promise.all(hooks.map((r) => r.waitFor(5)));
    const stopAt = Date.now() + 2000;
    while (Date.now() < stopAt) {
      await rig.job.tick();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const received = () => hooks.flatMap((r) => r.received.map((x) => `${r.url} ${x.path}`));
    expect(received()).toHaveLength(50);
    expect(new Set(received()).size).toBe(50);
    expect(await h.store.deliveries.counts()).toEqual({ pending: 50, delivered: 0, dropped: 0 });

    // The disk has room again: the held outcomes are written after their backoff, and nothing is sent again.
    h.store.sqlite!.pragma('query_only = OFF');
    h.clock.now += 20 * SECOND_MS;
    await rig.job.tick();
    await rig.job.idle();
    expect(await h.store.deliveries.counts()).toMatchObject({ pending: 0, delivered: 50 });
    expect(received()).toHaveLength(50);
  }, 30_000);

  it('counts a redirect as a failure, said on the manage page, and a 2xx as delivered however slow its body', async () => {
    await setUp({ deadlineMs: 1000 });
    const elsewhere = await receiver();
    const redirecting = await receiver();
    redirecting.script.push({ status: 303, headers: { location: elsewhere.url } });
    const slow = await receiver();
    slow.script.push({ status: 200, bodyMs: 3000 });
    const created = async (target: string) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'webhook', target },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ manageToken: string }>().manageToken;
    };
    const redirected = await created(redirecting.url);
    const slowly = await created(slow.url);
    await levelBecomes('major_outage');
    await rig.job.tick();
    await rig.job.idle();
    expect(redirecting.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    const page = await h.app.inject({ method: 'GET', url: `/subscriptions/${redirected}` });
    expect(page.body).toContain('HTTP 303: a redirect, not followed');

    const state = await h.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${slowly}` });
    expect(state.json().deliveries).toMatchObject([{ state: 'delivered', lastStatus: 200 }]);
    h.clock.now += MINUTE_MS;
    await rig.job.tick();
    await rig.job.idle();
    expect(slow.received).toHaveLength(1);
    expect(redirecting.received).toHaveLength(2);
  }, 30_000);
});

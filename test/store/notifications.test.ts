// The notification tables on both engines: events recorded once, only the oldest pending delivery of a subscription
// due, receivers and busy subscriptions skipped, one confirmation per subscription under caps that hold under
// concurrency, and retention that keeps what is pending.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { hashAddress, hashToken, newToken } from '../../src/notify/tokens.ts';
import type { NewSubscription } from '../../src/store/subscriptions.ts';
import { DAY_MS } from '../../src/time.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { T0 } from '../helpers/app.ts';
import { ENGINES, openTestStore } from '../helpers/engines.ts';

type TestStore = Awaited<ReturnType<typeof openTestStore>>;

const event = (id: string): StatusEvent => ({
  id,
  type: 'level_changed',
  at: new Date(T0).toISOString(),
  provider: { slug: 'openai', name: 'OpenAI' },
  level: 'degraded',
  previousLevel: 'operational',
  incident: null,
  components: [],
  url: 'https://status.example/openai',
});

const subscription = (id: string, receiver: string, over: Partial<NewSubscription> = {}): NewSubscription => ({
  id,
  channel: 'webhook',
  target: `${receiver}/hook`,
  receiver,
  addressHash: null,
  secret: 'whsec_test',
  manageHash: hashToken(newToken()),
  unsubscribeToken: newToken(),
  providers: null,
  components: null,
  errors: null,
  minLevel: null,
  state: 'active',
  createdAt: T0 - 1000,
  ...over,
});

describe.each(ENGINES)('notification store on %s', (engine) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(engine);
    const catalog = loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
    await store.providers.sync(catalog.providers, T0);
  });
  afterEach(() => store.dispose());

  async function twoEvents() {
    await store.events.record('openai', 'degraded', [], [{ event: event('e1'), errors: [], at: T0 }], T0);
    await store.events.record('openai', 'operational', [], [{ event: event('e2'), errors: [], at: T0 + 1 }], T0 + 1);
  }

  it('hands out each event once and makes only the oldest pending delivery of a subscription due', async () => {
    await store.subscriptions.create(subscription('a', 'http://a.example'));
    await store.subscriptions.create(subscription('b', 'http://b.example'));
    await twoEvents();
    expect((await store.events.announced('openai')).level).toBe('operational');
    const queued = await store.events.toFanOut(10);
    expect(queued.map((e) => e.event.id)).toEqual(['e1', 'e2']);
    for (const e of queued) await store.events.fanOut(e.seq, ['a', 'b'], T0 + 2);
    expect(await store.events.toFanOut(10)).toEqual([]);

    const due = await store.deliveries.due(T0 + 2, { subscriptions: [], receivers: [] }, 10);
    expect(due.map((d) => [d.subscriptionId, d.event.id]).sort()).toEqual([
      ['a', 'e1'],
      ['b', 'e1'],
    ]);
    const skipping = await store.deliveries.due(T0 + 2, { subscriptions: ['a'], receivers: ['http://b.example'] }, 10);
    expect(skipping).toEqual([]);

    const first = due.find((d) => d.subscriptionId === 'a')!;
    await store.deliveries.retry(first.id, { status: 500, error: 'HTTP 500' }, T0 + 60_000);
    expect(
      (await store.deliveries.due(T0 + 3, { subscriptions: [], receivers: [] }, 10)).map((d) => d.subscriptionId),
    ).toEqual(['b']);
    await store.deliveries.delivered([{ id: first.id, status: 200 }], T0 + 60_000);
    const next = await store.deliveries.due(T0 + 60_000, { subscriptions: ['b'], receivers: [] }, 10);
    expect(next.map((d) => d.event.id)).toEqual(['e2']);
    expect(await store.deliveries.counts()).toEqual({ pending: 3, delivered: 1, dropped: 0 });

    // Retention removes what is finished and old, never what is pending.
    expect(await store.deliveries.prune(T0 + DAY_MS)).toEqual({ deliveries: 1, events: 0 });
    expect((await store.deliveries.counts()).pending).toBe(3);
    expect(await store.subscriptions.remove('a')).toBe(true);
    expect(await store.deliveries.counts()).toEqual({ pending: 2, delivered: 0, dropped: 0 });
  });

  const mailSubscription = (id: string, createdAt = T0) =>
    subscription(id, 'smtp', {
      channel: 'email',
      target: 'dev@example.com',
      addressHash: hashAddress('Dev@Example.com'),
      state: 'pending_confirmation',
      createdAt,
    });
  const confirmation = (token: string) => ({ token, tokenHash: hashToken(token), expiresAt: T0 + 2 * DAY_MS });

  it('confirms only the subscription a link was made for, until it expires, and never a later one', async () => {
    const token = newToken();
    await store.subscriptions.create(mailSubscription('m1'), confirmation(token));
    const toSend = await store.subscriptions.confirmationsToSend(T0, 10);
    expect(toSend).toEqual([
      {
        id: toSend[0]!.id,
        token,
        target: 'dev@example.com',
        subscriptionId: 'm1',
        unsubscribeToken: (await store.subscriptions.byId('m1'))!.unsubscribeToken,
        attempts: 0,
      },
    ]);
    expect(await store.subscriptions.confirmationOf('m1', T0)).toBe('pending');
    await store.subscriptions.confirmationSent(toSend[0]!.id, T0);
    expect(await store.subscriptions.confirmationsToSend(T0, 10)).toEqual([]);
    expect(await store.subscriptions.confirmationOf('m1', T0)).toBe('sent');
    expect(await store.subscriptions.confirm(hashToken(token), T0 + 3 * DAY_MS)).toBeNull();
    expect(await store.subscriptions.confirm(hashToken(token), T0 + DAY_MS)).toEqual({ activated: 1 });
    expect(await store.subscriptions.confirmationOf('m1', T0 + DAY_MS)).toBe('confirmed');
    // A subscription for the same address made later is not activated by the used link.
    await store.subscriptions.create(mailSubscription('m2', T0 + DAY_MS), confirmation(newToken()));
    expect(await store.subscriptions.confirm(hashToken(token), T0 + DAY_MS + 1)).toEqual({ activated: 0 });
    expect((await store.subscriptions.activeAt(T0 + DAY_MS + 1)).map((s) => s.id)).toEqual(['m1']);
    expect(await store.subscriptions.confirmationUsable(hashToken(token), T0 + 3 * DAY_MS)).toBe(false);
    // Once its link expired, the later one can never be confirmed: it is removed; the confirmed one stays.
    expect(await store.subscriptions.removeUnconfirmed(T0 + 2 * DAY_MS - 1)).toBe(0);
    expect(await store.subscriptions.removeUnconfirmed(T0 + 3 * DAY_MS + 1)).toBe(1);
    expect(await store.subscriptions.counts()).toEqual({ active: 1 });
  });

  it('retries a refused confirmation at its next time and then marks it refused', async () => {
    await store.subscriptions.create(mailSubscription('m1'), confirmation(newToken()));
    const [due] = await store.subscriptions.confirmationsToSend(T0, 10);
    await store.subscriptions.confirmationFailed(due!.id, T0, T0 + 30_000);
    expect(await store.subscriptions.confirmationsToSend(T0 + 29_999, 10)).toEqual([]);
    expect((await store.subscriptions.confirmationsToSend(T0 + 30_000, 10))[0]!.attempts).toBe(1);
    await store.subscriptions.confirmationFailed(due!.id, T0 + 30_000, null);
    expect(await store.subscriptions.confirmationsToSend(T0 + DAY_MS, 10)).toEqual([]);
    expect(await store.subscriptions.confirmationOf('m1', T0 + DAY_MS)).toBe('refused');
  });

  it('holds the per-address cap and the global caps when 20 requests for one address arrive at once', async () => {
    const limits = { maxSubscriptions: 100, maxPendingConfirmations: 100, perAddress: 3, addressWindowMs: DAY_MS };
    const refusals = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.subscriptions.create(mailSubscription(`c${i}`), confirmation(newToken()), limits),
      ),
    );
    expect(refusals.filter((r) => r === null)).toHaveLength(3);
    expect(refusals.find((r) => r !== null)).toEqual({ limit: 'address', retryAt: T0 + DAY_MS });
    expect(await store.subscriptions.confirmationsToSend(T0, 50)).toHaveLength(3);
    // Subscriptions stored without their confirmation: none.
    expect(await store.subscriptions.counts()).toEqual({ pending_confirmation: 3 });

    const tight = { ...limits, maxPendingConfirmations: 3 };
    const other = { ...mailSubscription('other'), addressHash: hashAddress('other@example.com') };
    expect(await store.subscriptions.create(other, confirmation(newToken()), tight)).toEqual({
      limit: 'pending_confirmations',
      retryAt: T0 + 2 * DAY_MS,
    });
    const full = { ...limits, maxSubscriptions: 10 };
    const hooks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.subscriptions.create(subscription(`w${i}`, 'http://w.example'), null, full),
      ),
    );
    expect(hooks.filter((r) => r === null)).toHaveLength(7);
    expect(hooks.find((r) => r !== null)).toMatchObject({ limit: 'subscriptions' });
  });
});

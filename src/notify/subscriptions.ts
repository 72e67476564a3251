// The subscription service: creating a subscription under the site's caps, finding it by its links, confirming an
// e-mail address, resuming, removing and sending a test event. No HTTP here: the pages and the JSON API call it and
// turn its answers into pages, JSON and status codes.
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/load.ts';
import type { Config } from '../config.ts';
import type { Channel } from '../domain.ts';
import type { Store } from '../store/index.ts';
import type { CreationLimits, CreationRefusal, SubscriptionRow } from '../store/subscriptions.ts';
import { DAY_MS } from '../time.ts';
import type { SubscriptionFilter } from './filter.ts';
import type { Sender } from './send.ts';
import { sendTestEvent, testEvent } from './test-event.ts';
import { hashAddress, hashToken, newToken, newWebhookSecret } from './tokens.ts';

/** A confirmation link works this long. */
export const CONFIRMATION_TTL_MS = 2 * DAY_MS;
/** Confirmation mails one address may be sent in a day. */
export const CONFIRMATIONS_PER_DAY = 3;
/** Test events one subscription may be sent in an hour. */
export const TEST_EVENTS_PER_HOUR = 5;
/** Deliveries a subscription's page and JSON show. */
export const RECENT_DELIVERIES = 20;
/** Tokens are 43 characters; anything much longer is not one of ours and is not even hashed. */
const MAX_TOKEN_LENGTH = 100;

/** A checked subscription request: its channel, target and filter. */
export type SubscriptionRequest = SubscriptionFilter & { channel: Channel; target: string };

export type Created = {
  id: string;
  status: 'active' | 'pending_confirmation';
  manageToken: string;
  secret: string | null;
  /** For e-mail: the confirmation mail is queued ("pending" until the mail server accepts it). */
  confirmation: 'pending' | null;
};

/** What a visitor reads when a limit refuses a subscription. */
export const REFUSALS: Record<CreationRefusal['limit'], string> = {
  subscriptions: 'This site holds as many subscriptions as it can: try again later.',
  pending_confirmations: 'Too many e-mail confirmations are waiting to be followed: try again later.',
  address: `This address was sent ${CONFIRMATIONS_PER_DAY} confirmation mails in the last day: try again later.`,
};

/** What the owner of a webhook reads beside its new Standard Webhooks secret. */
export const renewedNotice = (legacyUntil: number | null) =>
  'Deliveries are now signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with a new ' +
  'secret, shown only this once. ' +
  (legacyUntil === null
    ? ''
    : `The old X-Status-Signature header goes on beside them until ${new Date(legacyUntil).toISOString().slice(0, 10)}.`);

export type TestOutcome = { ok: boolean; status: number | null; text: string };

export type SubscriptionServiceDeps = {
  catalog: Catalog;
  config: Config;
  store: Store;
  now: () => number;
  /** What sends a test event; null: this node cannot. */
  testSender: (() => Promise<Sender>) | null;
};

export function createSubscriptionService(deps: SubscriptionServiceDeps) {
  const { catalog, config, store, now, testSender } = deps;
  const limits: CreationLimits = {
    maxSubscriptions: config.maxSubscriptions,
    maxPendingConfirmations: config.maxPendingConfirmations,
    perAddress: CONFIRMATIONS_PER_DAY,
    addressWindowMs: DAY_MS,
  };
  /** The origin a subscription's deliveries go to: its lane and circuit breaker. */
  const receiverOf = (input: SubscriptionRequest): string => {
    switch (input.channel) {
      case 'email':
        return 'smtp';
      case 'pagerduty':
        return new URL(config.pagerdutyEventsUrl).origin;
      case 'opsgenie':
        return new URL(config.opsgenieApiUrl).origin;
      case 'telegram':
        return new URL(config.telegramApiUrl).origin;
      case 'webhook':
      case 'slack':
      case 'discord':
      case 'teams':
      case 'google_chat':
      case 'ntfy':
        return new URL(input.target).origin;
    }
  };
  const hashOf = (token: string): string | null => (token.length <= MAX_TOKEN_LENGTH ? hashToken(token) : null);

  return {
    testEvents: testSender !== null,

    /** Every component name of these providers, from the catalog and from their status pages, in lower case. */
    async componentNames(slugs: string[]): Promise<Set<string>> {
      const names = new Set<string>();
      for (const slug of slugs) {
        for (const c of catalog.providerBySlug.get(slug)?.components ?? []) names.add(c.name.toLowerCase());
        for (const c of await store.components.list(slug)) names.add(c.name.toLowerCase());
      }
      return names;
    },

    /** Saves a checked request, or says which cap refused it and when to try again. */
    async create(input: SubscriptionRequest): Promise<Created | CreationRefusal> {
      const at = now();
      const id = randomUUID();
      const manageToken = newToken();
      const email = input.channel === 'email';
      const secret = input.channel === 'webhook' ? newWebhookSecret() : null;
      const token = email ? newToken() : null;
      const refusal = await store.subscriptions.create(
        {
          ...input,
          id,
          receiver: receiverOf(input),
          addressHash: email ? hashAddress(input.target) : null,
          secret,
          manageHash: hashToken(manageToken),
          unsubscribeToken: newToken(),
          state: email ? 'pending_confirmation' : 'active',
          createdAt: at,
        },
        token ? { token, tokenHash: hashToken(token), expiresAt: at + CONFIRMATION_TTL_MS } : null,
        limits,
      );
      if (refusal) return refusal;
      return {
        id,
        status: email ? 'pending_confirmation' : 'active',
        manageToken,
        secret,
        confirmation: token ? 'pending' : null,
      };
    },

    /** The subscription its manage link names, if any. */
    async byManageToken(token: string): Promise<SubscriptionRow | undefined> {
      const hash = hashOf(token);
      return hash ? store.subscriptions.byManageHash(hash) : undefined;
    },

    /** What a subscription's page and JSON show: its recent deliveries, confirmation and a secret renewed once. */
    async details(subscription: SubscriptionRow, options: { revealSecret: boolean }) {
      return {
        deliveries: await store.deliveries.recent(subscription.id, RECENT_DELIVERIES),
        confirmation: await store.subscriptions.confirmationOf(subscription.id, now()),
        renewedSecret: options.revealSecret ? await store.subscriptions.revealNewSecret(subscription.id) : null,
      };
    },

    remove: (subscription: SubscriptionRow) => store.subscriptions.remove(subscription.id),
    resume: (subscription: SubscriptionRow) => store.subscriptions.resume(subscription.id, now()),

    /** Sends a test event now; refuses (with the reason) when this node cannot or the subscription is not active. */
    async sendTest(
      subscription: SubscriptionRow,
    ): Promise<TestOutcome | { refused: 'no_sender' | 'not_active'; text: string }> {
      if (!testSender) return { refused: 'no_sender', text: 'This server cannot send test events.' };
      if (subscription.state !== 'active')
        return {
          refused: 'not_active',
          text: 'Only an active subscription gets test events: confirm or resume it first.',
        };
      const outcome = await sendTestEvent(
        await testSender(),
        subscription,
        testEvent(subscription, catalog, config.siteUrl, now()),
      );
      const answer = outcome.status === null ? '' : ` (HTTP ${outcome.status})`;
      return outcome.ok
        ? { ok: true, status: outcome.status, text: `Test event delivered${answer}.` }
        : { ok: false, status: outcome.status, text: `Test event not delivered: ${outcome.error}.` };
    },

    /** Whether a confirmation link still works (following it changes nothing). */
    async confirmationUsable(token: string): Promise<boolean> {
      const hash = hashOf(token);
      return hash !== null && store.subscriptions.confirmationUsable(hash, now());
    },
    /** Confirms the subscription a confirmation link was made for; null when the link does not work. */
    async confirm(token: string): Promise<{ activated: number } | null> {
      const hash = hashOf(token);
      return hash ? store.subscriptions.confirm(hash, now()) : null;
    },
    /** The subscription a mail's unsubscribe link names, if any. */
    async byUnsubscribeToken(token: string): Promise<SubscriptionRow | undefined> {
      return token.length <= MAX_TOKEN_LENGTH ? store.subscriptions.byUnsubscribeToken(token) : undefined;
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;

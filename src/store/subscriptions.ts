// Subscriptions and e-mail confirmations (one per e-mail subscription). Manage tokens are stored as sha256 hashes
// only; a confirmation token is kept in plain text only until its mail is sent or refused.
import { sql } from './kysely.ts';
import type { Channel, SubscriptionState } from '../domain.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';
import type { SubscriptionFilter } from '../notify/filter.ts';
import { atomically, changes, type Db, type Engine } from './db.ts';

export type NewSubscription = SubscriptionFilter & {
  id: string;
  channel: Channel;
  target: string;
  /** Deliveries to one receiver (a URL's origin, or the mail server) share its concurrency. */
  receiver: string;
  addressHash: string | null;
  secret: string | null;
  manageHash: string;
  unsubscribeToken: string;
  state: SubscriptionState;
  createdAt: number;
};

export type SubscriptionRow = NewSubscription & {
  /** A webhook's pre-standard secret, and until when its old signature header is still sent (null: not kept). */
  legacySecret: string | null;
  legacyUntil: number | null;
  activeSince: number | null;
  failingSince: number | null;
  pausedAt: number | null;
  pauseReason: string | null;
  dropped: number;
};

const COLUMNS = [
  'id',
  'channel',
  'target',
  'receiver',
  'address_hash as addressHash',
  'secret',
  'manage_hash as manageHash',
  'unsubscribe_token as unsubscribeToken',
  'providers',
  'components',
  'errors',
  'min_level as minLevel',
  'status as state',
  'created_at as createdAt',
  'active_since as activeSince',
  'failing_since as failingSince',
  'paused_at as pausedAt',
  'pause_reason as pauseReason',
  'dropped',
  'legacy_secret as legacySecret',
  'legacy_until as legacyUntil',
] as const;

const list = (text: string | null): string[] | null => (text === null ? null : (JSON.parse(text) as string[]));
/** The filters' lists are stored as JSON text. */
const toRow = <R extends { providers: string | null; components: string | null; errors: string | null }>(row: R) => ({
  ...row,
  providers: list(row.providers),
  components: list(row.components),
  errors: list(row.errors),
});
const json = (items: readonly string[] | null) => (items === null ? null : JSON.stringify(items));

/** A confirmation mail waiting to be sent: its token and the address it goes to. */
export type ConfirmationToSend = {
  id: number;
  token: string;
  target: string;
  subscriptionId: string;
  /** The subscription's unsubscribe token: the mail's link to cancel the request. */
  unsubscribeToken: string;
  /** Tries made so far. */
  attempts: number;
};

/** The limits a new subscription must fit, checked and written in one transaction. */
export type CreationLimits = {
  /** Subscriptions in all. */
  maxSubscriptions: number;
  /** E-mail confirmations neither confirmed, refused nor expired. */
  maxPendingConfirmations: number;
  /** Confirmation mails one address may be sent in `addressWindowMs`. */
  perAddress: number;
  addressWindowMs: number;
};

/** The limit a subscription hit, and when trying again may work. */
export type CreationRefusal = { limit: 'subscriptions' | 'pending_confirmations' | 'address'; retryAt: number };

/** A new e-mail subscription's confirmation: its token goes out by mail, only its hash stays once sent. */
export type NewConfirmation = { token: string; tokenHash: string; expiresAt: number };

/** Where a subscription's confirmation mail is: queued, accepted by the mail server, refused, expired or followed. */
export type ConfirmationState = 'pending' | 'sent' | 'refused' | 'expired' | 'confirmed';

/** How long a webhook given a Standard Webhooks secret still gets its old signature header beside the new ones. */
export const LEGACY_SIGNATURE_MS = 30 * DAY_MS;

/** Serialises creations across nodes, so every cap holds exactly; any constant unique to this program. */
const CREATION_LOCK_KEY = 7_201_302;

export function createSubscriptionsStore(db: Db, engine: Engine) {
  const one = async (
    column: 'manage_hash' | 'unsubscribe_token' | 'id',
    value: string,
  ): Promise<SubscriptionRow | undefined> => {
    const row = await db.selectFrom('subscriptions').select(COLUMNS).where(column, '=', value).executeTakeFirst();
    return row && toRow(row);
  };

  return {
    /**
     * Saves a subscription (with its confirmation, for an e-mail address) unless a limit is reached. Creations under
     * limits are serialised (SQLite's one writer, an advisory lock on PostgreSQL), so every cap holds however many
     * requests arrive at once.
     */
    async create(
      s: NewSubscription,
      confirmation: NewConfirmation | null = null,
      limits: CreationLimits | null = null,
    ): Promise<CreationRefusal | null> {
      return atomically(db, async (trx) => {
        const now = s.createdAt;
        if (limits) {
          if (engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(${CREATION_LOCK_KEY})`.execute(trx);
          const all = await trx
            .selectFrom('subscriptions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow();
          if (Number(all.n) >= limits.maxSubscriptions) return { limit: 'subscriptions', retryAt: now + HOUR_MS };
          if (confirmation && s.addressHash) {
            // The open confirmations: not followed, refused or expired.
            const pending = await trx
              .selectFrom('email_confirmations')
              .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('expires_at').as('first')])
              .where('confirmed_at', 'is', null)
              .where('refused_at', 'is', null)
              .where('expires_at', '>', now)
              .executeTakeFirstOrThrow();
            if (Number(pending.n) >= limits.maxPendingConfirmations)
              return { limit: 'pending_confirmations', retryAt: Number(pending.first ?? now + HOUR_MS) };
            const sent = await trx
              .selectFrom('email_confirmations')
              .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('first')])
              .where('address_hash', '=', s.addressHash)
              .where('created_at', '>', now - limits.addressWindowMs)
              .executeTakeFirstOrThrow();
            if (Number(sent.n) >= limits.perAddress)
              return { limit: 'address', retryAt: Number(sent.first ?? now) + limits.addressWindowMs };
          }
        }
        await trx
          .insertInto('subscriptions')
          .values({
            id: s.id,
            channel: s.channel,
            target: s.target,
            receiver: s.receiver,
            address_hash: s.addressHash,
            secret: s.secret,
            manage_hash: s.manageHash,
            unsubscribe_token: s.unsubscribeToken,
            providers: json(s.providers),
            components: json(s.components),
            errors: json(s.errors),
            min_level: s.minLevel,
            status: s.state,
            created_at: now,
            active_since: s.state === 'active' ? now : null,
          })
          .execute();
        if (confirmation && s.addressHash)
          await trx
            .insertInto('email_confirmations')
            .values({
              address_hash: s.addressHash,
              subscription_id: s.id,
              token: confirmation.token,
              token_hash: confirmation.tokenHash,
              created_at: now,
              expires_at: confirmation.expiresAt,
              next_at: now,
            })
            .execute();
        return null;
      });
    },
    byManageHash: (hash: string) => one('manage_hash', hash),
    byUnsubscribeToken: (token: string) => one('unsubscribe_token', token),
    byId: (id: string) => one('id', id),
    /** Deletes a subscription and everything queued for it; true when it existed. */
    async remove(id: string): Promise<boolean> {
      return atomically(db, async (trx) => {
        await trx.deleteFrom('deliveries').where('subscription_id', '=', id).execute();
        return changes(await trx.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst()) > 0;
      });
    },
    /** Active subscriptions that existed at `at`, with their filters, for the fan-out. */
    async activeAt(at: number): Promise<(SubscriptionFilter & { id: string })[]> {
      const rows = await db
        .selectFrom('subscriptions')
        .select(COLUMNS)
        .where('status', '=', 'active')
        .where('active_since', '<=', at)
        .execute();
      return rows.map(toRow);
    },
    /** Confirmation mails due now: not sent, refused or expired, past their next try, for existing subscriptions. */
    async confirmationsToSend(now: number, limit: number): Promise<ConfirmationToSend[]> {
      const rows = await db
        .selectFrom('email_confirmations as c')
        .innerJoin('subscriptions as s', 's.id', 'c.subscription_id')
        .select(['c.id', 'c.token', 'c.attempts', 's.target', 's.id as subscriptionId'])
        .select('s.unsubscribe_token as unsubscribeToken')
        .where('c.sent_at', 'is', null)
        .where('c.token', 'is not', null)
        .where('c.refused_at', 'is', null)
        .where('c.next_at', '<=', now)
        .where('c.expires_at', '>', now)
        .orderBy('c.next_at')
        .orderBy('c.id')
        .limit(limit)
        .execute();
      return rows.flatMap(({ token, ...r }) => (token === null ? [] : [{ ...r, token, attempts: Number(r.attempts) }]));
    },
    /** The mail server accepted the mail: the plain token is forgotten. */
    async confirmationSent(id: number, at: number): Promise<void> {
      await db
        .updateTable('email_confirmations')
        .set((eb) => ({ sent_at: at, token: null, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },
    /** The mail was not accepted: tried again at `nextAt`, or, with null, given up as refused (token forgotten). */
    async confirmationFailed(id: number, at: number, nextAt: number | null): Promise<void> {
      await db
        .updateTable('email_confirmations')
        .set((eb) =>
          nextAt === null
            ? { refused_at: at, token: null, attempts: eb('attempts', '+', 1) }
            : { next_at: nextAt, attempts: eb('attempts', '+', 1) },
        )
        .where('id', '=', id)
        .execute();
    },
    /** Where the latest confirmation of a subscription is at `now`; null when it has none (not e-mail). */
    async confirmationOf(subscriptionId: string, now: number): Promise<ConfirmationState | null> {
      const c = await db
        .selectFrom('email_confirmations')
        .select(['sent_at as sent', 'refused_at as refused', 'confirmed_at as confirmed', 'expires_at as expires'])
        .where('subscription_id', '=', subscriptionId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!c) return null;
      if (c.confirmed !== null) return 'confirmed';
      if (c.refused !== null) return 'refused';
      if (Number(c.expires) <= now) return 'expired';
      return c.sent !== null ? 'sent' : 'pending';
    },
    /** Whether a confirmation link still works at `now` (unused and unexpired, or already followed). */
    async confirmationUsable(tokenHash: string, now: number): Promise<boolean> {
      const found = await db
        .selectFrom('email_confirmations as c')
        .innerJoin('subscriptions as s', 's.id', 'c.subscription_id')
        .select('c.id')
        .where('c.token_hash', '=', tokenHash)
        .where('c.expires_at', '>', now)
        .where('c.refused_at', 'is', null)
        .executeTakeFirst();
      return found !== undefined;
    },
    /**
     * Follows a confirmation link: activates the one subscription it was made for, while the link has not expired
     * (a link followed again changes nothing). Null when the link is unknown, expired or its subscription gone.
     */
    async confirm(tokenHash: string, now: number): Promise<{ activated: number } | null> {
      return atomically(db, async (trx) => {
        const found = await trx
          .selectFrom('email_confirmations')
          .select(['id', 'subscription_id as subscriptionId', 'expires_at as expiresAt'])
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (!found || found.subscriptionId === null || Number(found.expiresAt) <= now) return null;
        await trx
          .updateTable('email_confirmations')
          .set((eb) => ({ confirmed_at: eb.fn.coalesce('confirmed_at', eb.val(now)) }))
          .where('id', '=', found.id)
          .execute();
        const result = await trx
          .updateTable('subscriptions')
          .set({ status: 'active', active_since: now })
          .where('id', '=', found.subscriptionId)
          .where('status', '=', 'pending_confirmation')
          .executeTakeFirst();
        return { activated: changes(result) };
      });
    },
    /** Deletes e-mail subscriptions whose confirmation expired unfollowed (they can never be confirmed); how many. */
    async removeUnconfirmed(now: number): Promise<number> {
      return changes(
        await db
          .deleteFrom('subscriptions')
          .where('status', '=', 'pending_confirmation')
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('email_confirmations as c')
                  .select('c.id')
                  .whereRef('c.subscription_id', '=', 'subscriptions.id')
                  .where('c.expires_at', '>', now),
              ),
            ),
          )
          .executeTakeFirst(),
      );
    },
    /** A delivery succeeded: the subscription is no longer failing. */
    async succeeded(id: string): Promise<void> {
      await db
        .updateTable('subscriptions')
        .set({ failing_since: null })
        .where('id', '=', id)
        .where('failing_since', 'is not', null)
        .execute();
    },
    /** A delivery failed; returns since when the subscription has been failing. */
    async failed(id: string, now: number): Promise<number> {
      const row = await db
        .updateTable('subscriptions')
        .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(now)) }))
        .where('id', '=', id)
        .returning('failing_since as since')
        .executeTakeFirst();
      return row?.since ?? now;
    },
    /** Stops a subscription that kept failing: its queued deliveries are dropped and counted. */
    async pause(id: string, reason: string, now: number): Promise<void> {
      await atomically(db, async (trx) => {
        const dropped = changes(
          await trx
            .updateTable('deliveries')
            .set({ state: 'dropped', done_at: now })
            .where('subscription_id', '=', id)
            .where('state', '=', 'pending')
            .executeTakeFirst(),
        );
        await trx
          .updateTable('subscriptions')
          .set((eb) => ({
            status: 'paused',
            paused_at: now,
            pause_reason: reason,
            dropped: eb('dropped', '+', dropped),
          }))
          .where('id', '=', id)
          .execute();
      });
    },
    /** Resumes a paused subscription from now on. */
    async resume(id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('subscriptions')
        .set({ status: 'active', active_since: now, paused_at: null, pause_reason: null, failing_since: null })
        .where('id', '=', id)
        .where('status', '=', 'paused')
        .executeTakeFirst();
      return changes(result) > 0;
    },
    /**
     * Gives every webhook still on its pre-standard secret a new one from `newSecret` (to be shown once on its page),
     * keeping the old one for its old header until `now` + LEGACY_SIGNATURE_MS; how many. Nodes doing it at once
     * give each subscription one new secret.
     */
    async upgradeSecrets(now: number, newSecret: () => string): Promise<number> {
      const rows = await db
        .selectFrom('subscriptions')
        .select('id')
        .where('legacy_secret', 'is not', null)
        .where('legacy_until', 'is', null)
        .execute();
      if (rows.length === 0) return 0;
      return atomically(db, async (trx) => {
        let upgraded = 0;
        for (const { id } of rows)
          upgraded += changes(
            await trx
              .updateTable('subscriptions')
              .set({ secret: newSecret(), legacy_until: now + LEGACY_SIGNATURE_MS, secret_unseen: 1 })
              .where('id', '=', id)
              .where('legacy_until', 'is', null)
              .executeTakeFirst(),
          );
        return upgraded;
      });
    },
    /** A new secret its owner has not seen yet, marked seen: it is returned once, then never again. */
    async revealNewSecret(id: string): Promise<string | null> {
      const row = await db
        .updateTable('subscriptions')
        .set({ secret_unseen: 0 })
        .where('id', '=', id)
        .where('secret_unseen', '=', 1)
        .returning('secret')
        .executeTakeFirst();
      return row?.secret ?? null;
    },
    /** How many subscriptions there are in each state. */
    async counts(): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('subscriptions')
        .select((eb) => ['status as state', eb.fn.countAll<number>().as('count')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
    },
  };
}
export type SubscriptionsStore = ReturnType<typeof createSubscriptionsStore>;

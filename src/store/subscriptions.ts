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

type RawRow = Omit<SubscriptionRow, 'providers' | 'components' | 'errors'> & {
  providers: string | null;
  components: string | null;
  errors: string | null;
};

const COLUMNS = sql`id, channel, target, receiver, address_hash AS "addressHash", secret, manage_hash AS "manageHash",
  unsubscribe_token AS "unsubscribeToken", providers, components, errors, min_level AS "minLevel",
  status AS "state", created_at AS "createdAt", active_since AS "activeSince", failing_since AS "failingSince",
  paused_at AS "pausedAt", pause_reason AS "pauseReason", dropped, legacy_secret AS "legacySecret",
  legacy_until AS "legacyUntil"`;

const list = (text: string | null): string[] | null => (text === null ? null : (JSON.parse(text) as string[]));
const toRow = (row: RawRow): SubscriptionRow => ({
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
  const one = async (where: ReturnType<typeof sql>) =>
    (await sql<RawRow>`SELECT ${COLUMNS} FROM subscriptions WHERE ${where}`.execute(db)).rows.map(toRow)[0];
  /** The open confirmations (not followed, refused or expired) at `now`. */
  const open = (now: number) => sql`confirmed_at IS NULL AND refused_at IS NULL AND expires_at > ${now}`;

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
          const all = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM subscriptions`.execute(trx);
          if (Number(all.rows[0]?.n ?? 0) >= limits.maxSubscriptions)
            return { limit: 'subscriptions', retryAt: now + HOUR_MS };
          if (confirmation && s.addressHash) {
            const pending = await sql<{ n: number; first: number | null }>`SELECT COUNT(*) AS n,
              MIN(expires_at) AS first FROM email_confirmations WHERE ${open(now)}`.execute(trx);
            if (Number(pending.rows[0]?.n ?? 0) >= limits.maxPendingConfirmations)
              return { limit: 'pending_confirmations', retryAt: Number(pending.rows[0]?.first ?? now + HOUR_MS) };
            const since = now - limits.addressWindowMs;
            const sent = await sql<{ n: number; first: number | null }>`SELECT COUNT(*) AS n, MIN(created_at) AS first
            FROM email_confirmations WHERE address_hash = ${s.addressHash} AND created_at > ${since}`.execute(trx);
            if (Number(sent.rows[0]?.n ?? 0) >= limits.perAddress)
              return { limit: 'address', retryAt: Number(sent.rows[0]?.first ?? now) + limits.addressWindowMs };
          }
        }
        await sql`INSERT INTO subscriptions (id, channel, target, receiver, address_hash, secret, manage_hash,
            unsubscribe_token, providers, components, errors, min_level, status, created_at, active_since)
          VALUES (${s.id}, ${s.channel}, ${s.target}, ${s.receiver}, ${s.addressHash}, ${s.secret}, ${s.manageHash},
            ${s.unsubscribeToken}, ${json(s.providers)}, ${json(s.components)}, ${json(s.errors)}, ${s.minLevel},
            ${s.state}, ${now}, ${s.state === 'active' ? now : null})`.execute(trx);
        if (confirmation && s.addressHash)
          await sql`INSERT INTO email_confirmations (address_hash, subscription_id, token, token_hash, created_at,
              expires_at, next_at)
            VALUES (${s.addressHash}, ${s.id}, ${confirmation.token}, ${confirmation.tokenHash}, ${now},
              ${confirmation.expiresAt}, ${now})`.execute(trx);
        return null;
      });
    },
    byManageHash: (hash: string) => one(sql`manage_hash = ${hash}`),
    byUnsubscribeToken: (token: string) => one(sql`unsubscribe_token = ${token}`),
    byId: (id: string) => one(sql`id = ${id}`),
    /** Deletes a subscription and everything queued for it; true when it existed. */
    async remove(id: string): Promise<boolean> {
      return atomically(db, async (trx) => {
        await sql`DELETE FROM deliveries WHERE subscription_id = ${id}`.execute(trx);
        return changes(await sql`DELETE FROM subscriptions WHERE id = ${id}`.execute(trx)) > 0;
      });
    },
    /** Active subscriptions that existed at `at`, with their filters, for the fan-out. */
    async activeAt(at: number): Promise<(SubscriptionFilter & { id: string })[]> {
      const { rows } = await sql<RawRow>`SELECT ${COLUMNS} FROM subscriptions
        WHERE status = 'active' AND active_since <= ${at}`.execute(db);
      return rows.map(toRow);
    },
    /** Confirmation mails due now: not sent, refused or expired, past their next try, for existing subscriptions. */
    async confirmationsToSend(now: number, limit: number): Promise<ConfirmationToSend[]> {
      const { rows } = await sql<ConfirmationToSend>`
        SELECT c.id, c.token, c.attempts, s.target, s.id AS "subscriptionId",
          s.unsubscribe_token AS "unsubscribeToken" FROM email_confirmations c
        JOIN subscriptions s ON s.id = c.subscription_id
        WHERE c.sent_at IS NULL AND c.token IS NOT NULL AND c.refused_at IS NULL AND c.next_at <= ${now}
          AND c.expires_at > ${now}
        ORDER BY c.next_at, c.id LIMIT ${limit}`.execute(db);
      return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
    },
    /** The mail server accepted the mail: the plain token is forgotten. */
    async confirmationSent(id: number, at: number): Promise<void> {
      await sql`UPDATE email_confirmations SET sent_at = ${at}, token = NULL, attempts = attempts + 1
        WHERE id = ${id}`.execute(db);
    },
    /** The mail was not accepted: tried again at `nextAt`, or, with null, given up as refused (token forgotten). */
    async confirmationFailed(id: number, at: number, nextAt: number | null): Promise<void> {
      await (
        nextAt === null
          ? sql`UPDATE email_confirmations SET refused_at = ${at}, token = NULL, attempts = attempts + 1 WHERE id = ${id}`
          : sql`UPDATE email_confirmations SET next_at = ${nextAt}, attempts = attempts + 1 WHERE id = ${id}`
      ).execute(db);
    },
    /** Where the latest confirmation of a subscription is at `now`; null when it has none (not e-mail). */
    async confirmationOf(subscriptionId: string, now: number): Promise<ConfirmationState | null> {
      const { rows } = await sql<{
        sent: number | null;
        refused: number | null;
        confirmed: number | null;
        expires: number;
      }>`
        SELECT sent_at AS sent, refused_at AS refused, confirmed_at AS confirmed, expires_at AS expires
        FROM email_confirmations WHERE subscription_id = ${subscriptionId} ORDER BY id DESC LIMIT 1`.execute(db);
      const c = rows[0];
      if (!c) return null;
      if (c.confirmed !== null) return 'confirmed';
      if (c.refused !== null) return 'refused';
      if (Number(c.expires) <= now) return 'expired';
      return c.sent !== null ? 'sent' : 'pending';
    },
    /** Whether a confirmation link still works at `now` (unused and unexpired, or already followed). */
    async confirmationUsable(tokenHash: string, now: number): Promise<boolean> {
      const { rows } = await sql<{ id: number }>`SELECT c.id FROM email_confirmations c
        JOIN subscriptions s ON s.id = c.subscription_id
        WHERE c.token_hash = ${tokenHash} AND c.expires_at > ${now} AND c.refused_at IS NULL`.execute(db);
      return rows.length > 0;
    },
    /**
     * Follows a confirmation link: activates the one subscription it was made for, while the link has not expired
     * (a link followed again changes nothing). Null when the link is unknown, expired or its subscription gone.
     */
    async confirm(tokenHash: string, now: number): Promise<{ activated: number } | null> {
      return atomically(db, async (trx) => {
        const found = (
          await sql<{ id: number; subscriptionId: string | null; expiresAt: number }>`
            SELECT id, subscription_id AS "subscriptionId", expires_at AS "expiresAt"
            FROM email_confirmations WHERE token_hash = ${tokenHash}`.execute(trx)
        ).rows[0];
        if (!found || found.subscriptionId === null || Number(found.expiresAt) <= now) return null;
        await sql`UPDATE email_confirmations SET confirmed_at = COALESCE(confirmed_at, ${now})
          WHERE id = ${found.id}`.execute(trx);
        const result = await sql`UPDATE subscriptions SET status = 'active', active_since = ${now}
          WHERE id = ${found.subscriptionId} AND status = 'pending_confirmation'`.execute(trx);
        return { activated: changes(result) };
      });
    },
    /** Deletes e-mail subscriptions whose confirmation expired unfollowed (they can never be confirmed); how many. */
    async removeUnconfirmed(now: number): Promise<number> {
      return changes(
        await sql`DELETE FROM subscriptions WHERE status = 'pending_confirmation' AND NOT EXISTS (
          SELECT 1 FROM email_confirmations c WHERE c.subscription_id = subscriptions.id AND c.expires_at > ${now})`.execute(
          db,
        ),
      );
    },
    /** A delivery succeeded: the subscription is no longer failing. */
    async succeeded(id: string): Promise<void> {
      await sql`UPDATE subscriptions SET failing_since = NULL WHERE id = ${id} AND failing_since IS NOT NULL`.execute(
        db,
      );
    },
    /** A delivery failed; returns since when the subscription has been failing. */
    async failed(id: string, now: number): Promise<number> {
      const { rows } = await sql<{ since: number }>`UPDATE subscriptions
        SET failing_since = COALESCE(failing_since, ${now}) WHERE id = ${id}
        RETURNING failing_since AS since`.execute(db);
      return rows[0]?.since ?? now;
    },
    /** Stops a subscription that kept failing: its queued deliveries are dropped and counted. */
    async pause(id: string, reason: string, now: number): Promise<void> {
      await atomically(db, async (trx) => {
        const dropped = changes(
          await sql`UPDATE deliveries SET state = 'dropped', done_at = ${now}
            WHERE subscription_id = ${id} AND state = 'pending'`.execute(trx),
        );
        await sql`UPDATE subscriptions SET status = 'paused', paused_at = ${now}, pause_reason = ${reason},
          dropped = dropped + ${dropped} WHERE id = ${id}`.execute(trx);
      });
    },
    /** Resumes a paused subscription from now on. */
    async resume(id: string, now: number): Promise<boolean> {
      const result = await sql`UPDATE subscriptions SET status = 'active', active_since = ${now}, paused_at = NULL,
        pause_reason = NULL, failing_since = NULL WHERE id = ${id} AND status = 'paused'`.execute(db);
      return changes(result) > 0;
    },
    /**
     * Gives every webhook still on its pre-standard secret a new one from `newSecret` (to be shown once on its page),
     * keeping the old one for its old header until `now` + LEGACY_SIGNATURE_MS; how many. Nodes doing it at once
     * give each subscription one new secret.
     */
    async upgradeSecrets(now: number, newSecret: () => string): Promise<number> {
      const { rows } = await sql<{ id: string }>`SELECT id FROM subscriptions
        WHERE legacy_secret IS NOT NULL AND legacy_until IS NULL`.execute(db);
      if (rows.length === 0) return 0;
      return atomically(db, async (trx) => {
        let upgraded = 0;
        for (const { id } of rows)
          upgraded += changes(
            await sql`UPDATE subscriptions SET secret = ${newSecret()}, legacy_until = ${now + LEGACY_SIGNATURE_MS},
              secret_unseen = 1 WHERE id = ${id} AND legacy_until IS NULL`.execute(trx),
          );
        return upgraded;
      });
    },
    /** A new secret its owner has not seen yet, marked seen: it is returned once, then never again. */
    async revealNewSecret(id: string): Promise<string | null> {
      const { rows } = await sql<{ secret: string | null }>`UPDATE subscriptions SET secret_unseen = 0
        WHERE id = ${id} AND secret_unseen = 1 RETURNING secret`.execute(db);
      return rows[0]?.secret ?? null;
    },
    /** How many subscriptions there are in each state. */
    async counts(): Promise<Record<string, number>> {
      const { rows } = await sql<{ state: string; count: number }>`SELECT status AS state, COUNT(*) AS count
        FROM subscriptions GROUP BY status`.execute(db);
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
    },
  };
}
export type SubscriptionsStore = ReturnType<typeof createSubscriptionsStore>;

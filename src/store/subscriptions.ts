// Subscriptions and e-mail confirmations. Manage tokens are stored as sha256 hashes only; an e-mail confirmation
// token is kept in plain text only until its mail is sent.
import { sql } from './kysely.ts';
import type { Channel, SubscriptionState } from '../domain.ts';
import type { SubscriptionFilter } from '../notify/filter.ts';
import { atomically, changes, type Db } from './db.ts';

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
  paused_at AS "pausedAt", pause_reason AS "pauseReason", dropped`;

const list = (text: string | null): string[] | null => (text === null ? null : (JSON.parse(text) as string[]));
const toRow = (row: RawRow): SubscriptionRow => ({
  ...row,
  providers: list(row.providers),
  components: list(row.components),
  errors: list(row.errors),
});
const json = (items: readonly string[] | null) => (items === null ? null : JSON.stringify(items));

/** A confirmation mail waiting to be sent: its token and the address it goes to. */
export type ConfirmationToSend = { id: number; token: string; target: string; subscriptionId: string };

export function createSubscriptionsStore(db: Db) {
  const one = async (where: ReturnType<typeof sql>) =>
    (await sql<RawRow>`SELECT ${COLUMNS} FROM subscriptions WHERE ${where}`.execute(db)).rows.map(toRow)[0];

  return {
    async create(s: NewSubscription): Promise<void> {
      await sql`INSERT INTO subscriptions (id, channel, target, receiver, address_hash, secret, manage_hash,
          unsubscribe_token, providers, components, errors, min_level, status, created_at, active_since)
        VALUES (${s.id}, ${s.channel}, ${s.target}, ${s.receiver}, ${s.addressHash}, ${s.secret}, ${s.manageHash},
          ${s.unsubscribeToken}, ${json(s.providers)}, ${json(s.components)}, ${json(s.errors)}, ${s.minLevel},
          ${s.state}, ${s.createdAt}, ${s.state === 'active' ? s.createdAt : null})`.execute(db);
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
    /** Starts a confirmation for an address; the caller has checked the daily limit and any open one. */
    async addConfirmation(c: {
      addressHash: string;
      subscriptionId: string;
      token: string;
      tokenHash: string;
      createdAt: number;
      expiresAt: number;
    }): Promise<void> {
      await sql`INSERT INTO email_confirmations (address_hash, subscription_id, token, token_hash, created_at,
          expires_at)
        VALUES (${c.addressHash}, ${c.subscriptionId}, ${c.token}, ${c.tokenHash}, ${c.createdAt},
          ${c.expiresAt})`.execute(db);
    },
    /** How many confirmations an address was sent since `sinceAt`, and whether one is still open at `now`. */
    async confirmationsOf(
      addressHash: string,
      sinceAt: number,
      now: number,
    ): Promise<{ count: number; open: boolean }> {
      const { rows } = await sql<{ count: number; open: number }>`
        SELECT COUNT(*) AS count,
          COALESCE(SUM(CASE WHEN confirmed_at IS NULL AND expires_at > ${now} THEN 1 ELSE 0 END), 0) AS open
        FROM email_confirmations WHERE address_hash = ${addressHash} AND created_at > ${sinceAt}`.execute(db);
      return { count: Number(rows[0]?.count ?? 0), open: Number(rows[0]?.open ?? 0) > 0 };
    },
    /** Confirmation mails not sent yet, for subscriptions that still exist. */
    async confirmationsToSend(limit: number): Promise<ConfirmationToSend[]> {
      const { rows } = await sql<ConfirmationToSend>`
        SELECT c.id, c.token, s.target, s.id AS "subscriptionId" FROM email_confirmations c
        JOIN subscriptions s ON s.id = c.subscription_id
        WHERE c.sent_at IS NULL AND c.token IS NOT NULL ORDER BY c.id LIMIT ${limit}`.execute(db);
      return rows;
    },
    /** The mail went out (or cannot): the plain token is forgotten either way. */
    async confirmationSent(id: number, at: number): Promise<void> {
      await sql`UPDATE email_confirmations SET sent_at = ${at}, token = NULL WHERE id = ${id}`.execute(db);
    },
    /**
     * Follows a confirmation link: activates every subscription of that address waiting for confirmation.
     * Returns how many, or null when the link is unknown or expired.
     */
    async confirm(tokenHash: string, now: number): Promise<{ activated: number } | null> {
      return atomically(db, async (trx) => {
        const found = (
          await sql<{ id: number; addressHash: string; expiresAt: number; confirmedAt: number | null }>`
            SELECT id, address_hash AS "addressHash", expires_at AS "expiresAt", confirmed_at AS "confirmedAt"
            FROM email_confirmations WHERE token_hash = ${tokenHash}`.execute(trx)
        ).rows[0];
        if (!found || (found.confirmedAt === null && found.expiresAt <= now)) return null;
        if (found.confirmedAt === null)
          await sql`UPDATE email_confirmations SET confirmed_at = ${now} WHERE id = ${found.id}`.execute(trx);
        const result = await sql`UPDATE subscriptions SET status = 'active', active_since = ${now}
          WHERE address_hash = ${found.addressHash} AND status = 'pending_confirmation'`.execute(trx);
        return { activated: changes(result) };
      });
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
    /** How many subscriptions there are in each state. */
    async counts(): Promise<Record<string, number>> {
      const { rows } = await sql<{ state: string; count: number }>`SELECT status AS state, COUNT(*) AS count
        FROM subscriptions GROUP BY status`.execute(db);
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
    },
  };
}
export type SubscriptionsStore = ReturnType<typeof createSubscriptionsStore>;

// Deliveries: one row per event and subscription, sent in order per subscription (only the oldest pending one of
// a subscription is ever due), retried with a next attempt time, and kept with their outcome for the manage page.
import { sql } from './kysely.ts';
import type { Channel, Level, StatusEvent } from '../domain.ts';
import { atomically, changes, textList, type Db, type Engine } from './db.ts';

export const DELIVERY_STATES = ['pending', 'delivered', 'dropped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A delivery due now, with what sending it needs. */
export type DueDelivery = {
  id: number;
  subscriptionId: string;
  attempts: number;
  createdAt: number;
  channel: Channel;
  target: string;
  receiver: string;
  secret: string | null;
  /** A pre-standard secret whose old signature header is still sent until `legacyUntil`. */
  legacySecret: string | null;
  legacyUntil: number | null;
  unsubscribeToken: string;
  /** Since when the subscription's deliveries have been failing (null: they have not). */
  failingSince: number | null;
  event: StatusEvent;
};

export type DeliveryRow = {
  eventId: string;
  type: string;
  title: string;
  /** The API's level before the event and after it. */
  previousLevel: Level;
  level: Level;
  state: DeliveryState;
  attempts: number;
  createdAt: number;
  doneAt: number | null;
  nextAt: number;
  lastStatus: number | null;
  lastError: string | null;
};

export function createDeliveriesStore(db: Db, engine: Engine) {
  return {
    /**
     * The oldest pending delivery of each subscription when it is due, skipping subscriptions already being sent
     * and receivers already at their limit; oldest first.
     */
    async due(
      now: number,
      skip: { subscriptions: readonly string[]; receivers: readonly string[] },
      limit: number,
    ): Promise<DueDelivery[]> {
      const { rows } = await sql<Omit<DueDelivery, 'event'> & { payload: string }>`
        SELECT d.id, d.subscription_id AS "subscriptionId", d.attempts, d.created_at AS "createdAt", s.channel,
          s.target, s.receiver, s.secret, s.legacy_secret AS "legacySecret",
          s.legacy_until AS "legacyUntil", s.unsubscribe_token AS "unsubscribeToken",
          s.failing_since AS "failingSince", e.payload
        FROM (SELECT subscription_id, MIN(id) AS id FROM deliveries WHERE state = 'pending'
              GROUP BY subscription_id) head
        JOIN deliveries d ON d.id = head.id
        JOIN subscriptions s ON s.id = d.subscription_id
        JOIN events e ON e.seq = d.event_seq
        WHERE d.next_at <= ${now} AND s.status = 'active'
          AND s.id NOT IN (${textList(engine, skip.subscriptions)})
          AND s.receiver NOT IN (${textList(engine, skip.receivers)})
        ORDER BY d.next_at, d.id LIMIT ${limit}`.execute(db);
      return rows.map(({ payload, ...row }) => ({ ...row, event: JSON.parse(payload) as StatusEvent }));
    },
    /** The receivers acknowledged them: one write for many (a fan-out commits once per batch, not per delivery). */
    async delivered(acknowledged: readonly { id: number; status: number | null }[], now: number): Promise<void> {
      await atomically(db, async (trx) => {
        for (const { id, status } of acknowledged)
          await sql`UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, done_at = ${now},
            last_status = ${status}, last_error = NULL WHERE id = ${id}`.execute(trx);
      });
    },
    /** It failed: tried again at `nextAt`. */
    async retry(id: number, failure: { status: number | null; error: string }, nextAt: number): Promise<void> {
      await sql`UPDATE deliveries SET attempts = attempts + 1, next_at = ${nextAt}, last_status = ${failure.status},
        last_error = ${failure.error} WHERE id = ${id}`.execute(db);
    },
    /** It kept failing past the retry window: given up for this subscription, and counted. */
    async drop(id: number, failure: { status: number | null; error: string }, now: number): Promise<void> {
      await atomically(db, async (trx) => {
        const { rows } = await sql<{ subscriptionId: string }>`UPDATE deliveries SET state = 'dropped',
            attempts = attempts + 1, done_at = ${now}, last_status = ${failure.status}, last_error = ${failure.error}
          WHERE id = ${id} RETURNING subscription_id AS "subscriptionId"`.execute(trx);
        const subscriptionId = rows[0]?.subscriptionId;
        if (subscriptionId !== undefined)
          await sql`UPDATE subscriptions SET dropped = dropped + 1 WHERE id = ${subscriptionId}`.execute(trx);
      });
    },
    /** A subscription's latest deliveries, newest first. */
    async recent(subscriptionId: string, limit: number): Promise<DeliveryRow[]> {
      const { rows } = await sql<
        Omit<DeliveryRow, 'eventId' | 'type' | 'title' | 'previousLevel' | 'level'> & { payload: string }
      >`
        SELECT d.state, d.attempts, d.created_at AS "createdAt", d.done_at AS "doneAt", d.next_at AS "nextAt",
          d.last_status AS "lastStatus", d.last_error AS "lastError", e.payload
        FROM deliveries d JOIN events e ON e.seq = d.event_seq
        WHERE d.subscription_id = ${subscriptionId} ORDER BY d.id DESC LIMIT ${limit}`.execute(db);
      return rows.map(({ payload, ...row }) => {
        const event = JSON.parse(payload) as StatusEvent;
        const { id: eventId, type, previousLevel, level } = event;
        return { ...row, eventId, type, title: event.incident?.title ?? event.provider.name, previousLevel, level };
      });
    },
    /**
     * Deletes finished deliveries older than `beforeAt`, then events older than that with nothing left queued, and
     * e-mail confirmations older than that; returns how many deliveries and events.
     */
    async prune(beforeAt: number): Promise<{ deliveries: number; events: number }> {
      const deliveries = changes(
        await sql`DELETE FROM deliveries WHERE state <> 'pending' AND done_at < ${beforeAt}`.execute(db),
      );
      const events = changes(
        await sql`DELETE FROM events WHERE at < ${beforeAt} AND fanned_out = 1
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = events.seq)`.execute(db),
      );
      await sql`DELETE FROM email_confirmations WHERE created_at < ${beforeAt}`.execute(db);
      return { deliveries, events };
    },
    /** How many deliveries are in each state (the bench and tests). */
    async counts(): Promise<Record<DeliveryState, number>> {
      const { rows } = await sql<{ state: DeliveryState; count: number }>`SELECT state, COUNT(*) AS count
        FROM deliveries GROUP BY state`.execute(db);
      const counts = { pending: 0, delivered: 0, dropped: 0 };
      for (const r of rows) counts[r.state] = Number(r.count);
      return counts;
    },
  };
}
export type DeliveriesStore = ReturnType<typeof createDeliveriesStore>;

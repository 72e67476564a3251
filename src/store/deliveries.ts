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
          await trx
            .updateTable('deliveries')
            .set((eb) => ({
              state: 'delivered',
              attempts: eb('attempts', '+', 1),
              done_at: now,
              last_status: status,
              last_error: null,
            }))
            .where('id', '=', id)
            .execute();
      });
    },
    /** It failed: tried again at `nextAt`. */
    async retry(id: number, failure: { status: number | null; error: string }, nextAt: number): Promise<void> {
      await db
        .updateTable('deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          next_at: nextAt,
          last_status: failure.status,
          last_error: failure.error,
        }))
        .where('id', '=', id)
        .execute();
    },
    /** It kept failing past the retry window: given up for this subscription, and counted. */
    async drop(id: number, failure: { status: number | null; error: string }, now: number): Promise<void> {
      await atomically(db, async (trx) => {
        const dropped = await trx
          .updateTable('deliveries')
          .set((eb) => ({
            state: 'dropped',
            attempts: eb('attempts', '+', 1),
            done_at: now,
            last_status: failure.status,
            last_error: failure.error,
          }))
          .where('id', '=', id)
          .returning('subscription_id')
          .executeTakeFirst();
        if (dropped)
          await trx
            .updateTable('subscriptions')
            .set((eb) => ({ dropped: eb('dropped', '+', 1) }))
            .where('id', '=', dropped.subscription_id)
            .execute();
      });
    },
    /** A subscription's latest deliveries, newest first. */
    async recent(subscriptionId: string, limit: number): Promise<DeliveryRow[]> {
      const rows = await db
        .selectFrom('deliveries as d')
        .innerJoin('events as e', 'e.seq', 'd.event_seq')
        .select(['d.state', 'd.attempts', 'd.created_at as createdAt', 'd.done_at as doneAt', 'd.next_at as nextAt'])
        .select(['d.last_status as lastStatus', 'd.last_error as lastError', 'e.payload'])
        .where('d.subscription_id', '=', subscriptionId)
        .orderBy('d.id', 'desc')
        .limit(limit)
        .execute();
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
        await db
          .deleteFrom('deliveries')
          .where('state', '<>', 'pending')
          .where('done_at', '<', beforeAt)
          .executeTakeFirst(),
      );
      const events = changes(
        await db
          .deleteFrom('events')
          .where('at', '<', beforeAt)
          .where('fanned_out', '=', 1)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('deliveries as d').select('d.id').whereRef('d.event_seq', '=', 'events.seq'))),
          )
          .executeTakeFirst(),
      );
      await db.deleteFrom('email_confirmations').where('created_at', '<', beforeAt).execute();
      return { deliveries, events };
    },
    /** How many deliveries are in each state (the bench and tests). */
    async counts(): Promise<Record<DeliveryState, number>> {
      const rows = await db
        .selectFrom('deliveries')
        .select((eb) => ['state', eb.fn.countAll<number>().as('count')])
        .groupBy('state')
        .execute();
      const counts = { pending: 0, delivered: 0, dropped: 0 };
      for (const r of rows) counts[r.state] = Number(r.count);
      return counts;
    },
  };
}
export type DeliveriesStore = ReturnType<typeof createDeliveriesStore>;

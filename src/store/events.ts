// The event outbox: notifications recorded once, with what was last announced per provider and incident, so a
// change is announced exactly once whatever restarts in between; the fan-out marks each event as handed out.
import { sql } from './kysely.ts';
import type { Level, StatusEvent } from '../domain.ts';
import type { AnnouncedIncident } from '../notify/changes.ts';
import { atomically, textList, type Db, type Engine } from './db.ts';

export type RecordedEvent = { seq: number; event: StatusEvent; errors: string[]; at: number };

const toEvent = (row: { seq: number; payload: string; errors: string; at: number }): RecordedEvent => ({
  seq: row.seq,
  event: JSON.parse(row.payload) as StatusEvent,
  errors: JSON.parse(row.errors) as string[],
  at: row.at,
});

export function createEventsStore(db: Db, engine: Engine) {
  const recorded = () => db.selectFrom('events').select(['seq', 'payload', 'errors', 'at']);
  const queueIn = async (on: Db, seq: number, subscriptionIds: readonly string[], now: number) => {
    if (subscriptionIds.length === 0) return;
    await sql`INSERT INTO deliveries (subscription_id, event_seq, state, next_at, created_at)
      SELECT ids.value, ${seq}, 'pending', ${now}, ${now} FROM (${textList(engine, subscriptionIds)}) AS ids
      WHERE true ON CONFLICT (subscription_id, event_seq) DO NOTHING`.execute(on);
  };
  return {
    /** What was last announced about a provider: its level (null: never looked at) and its incidents. */
    async announced(slug: string): Promise<{ level: Level | null; incidents: Map<number, AnnouncedIncident> }> {
      const level = await db
        .selectFrom('event_levels')
        .select('level')
        .where('provider_slug', '=', slug)
        .executeTakeFirst();
      const rows = await db
        .selectFrom('event_incidents as e')
        .innerJoin('incidents as i', 'i.id', 'e.incident_id')
        .select(['e.incident_id as id', 'e.state', 'e.active', 'e.updates'])
        .where('i.provider_slug', '=', slug)
        .execute();
      return {
        level: level?.level ?? null,
        incidents: new Map(rows.map((r) => [r.id, { state: r.state, active: r.active === 1, updates: r.updates }])),
      };
    },
    /** Records the new announced state and the events it produced, in one transaction. */
    async record(
      slug: string,
      level: Level,
      incidents: readonly { id: number; state: AnnouncedIncident }[],
      events: readonly { event: StatusEvent; errors: readonly string[]; at: number }[],
      now: number,
    ): Promise<void> {
      await atomically(db, async (trx) => {
        await trx
          .insertInto('event_levels')
          .values({ provider_slug: slug, level, at: now })
          .onConflict((oc) =>
            oc
              .column('provider_slug')
              .doUpdateSet((eb) => ({ level: eb.ref('excluded.level'), at: eb.ref('excluded.at') }))
              .where('event_levels.level', '<>', (eb) => eb.ref('excluded.level')),
          )
          .execute();
        for (const { id, state } of incidents) {
          await trx
            .insertInto('event_incidents')
            .values({ incident_id: id, state: state.state, active: state.active ? 1 : 0, updates: state.updates })
            .onConflict((oc) =>
              oc.column('incident_id').doUpdateSet((eb) => ({
                state: eb.ref('excluded.state'),
                active: eb.ref('excluded.active'),
                updates: eb.ref('excluded.updates'),
              })),
            )
            .execute();
        }
        for (const e of events) {
          await trx
            .insertInto('events')
            .values({
              id: e.event.id,
              type: e.event.type,
              provider_slug: slug,
              level: e.event.level,
              previous_level: e.event.previousLevel,
              components: JSON.stringify(e.event.components),
              errors: JSON.stringify(e.errors),
              payload: JSON.stringify(e.event),
              at: e.at,
            })
            .execute();
        }
      });
    },
    /** Events not yet handed out to subscriptions, oldest first. */
    async toFanOut(limit: number): Promise<RecordedEvent[]> {
      const rows = await recorded().where('fanned_out', '=', 0).orderBy('seq').limit(limit).execute();
      return rows.map(toEvent);
    },
    /** Queues the event for some subscriptions (once each: a part queued again is skipped), not yet handed out. */
    async queue(seq: number, subscriptionIds: readonly string[], now: number): Promise<void> {
      await queueIn(db, seq, subscriptionIds, now);
    },
    /** Queues the event for each subscription and marks it handed out, atomically (a restart redoes it whole). */
    async fanOut(seq: number, subscriptionIds: readonly string[], now: number): Promise<void> {
      await atomically(db, async (trx) => {
        await queueIn(trx, seq, subscriptionIds, now);
        await trx.updateTable('events').set({ fanned_out: 1 }).where('seq', '=', seq).execute();
      });
    },
    /** Recent events, newest first (tests and the operator's view). */
    async recent(limit: number): Promise<RecordedEvent[]> {
      const rows = await recorded().orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },
  };
}
export type EventsStore = ReturnType<typeof createEventsStore>;

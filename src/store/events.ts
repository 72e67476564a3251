// The event outbox: notifications recorded once, with what was last announced per provider and incident, so a
// change is announced exactly once whatever restarts in between; the fan-out marks each event as handed out.
import { sql } from './kysely.ts';
import type { Level, StatusEvent } from '../domain.ts';
import type { AnnouncedIncident } from '../notify/changes.ts';
import { atomically, textList, type Db, type Engine } from './db.ts';

export type RecordedEvent = { seq: number; event: StatusEvent; errors: string[]; at: number };

type EventRow = { seq: number; payload: string; errors: string; at: number };
const toEvent = (row: EventRow): RecordedEvent => ({
  seq: row.seq,
  event: JSON.parse(row.payload) as StatusEvent,
  errors: JSON.parse(row.errors) as string[],
  at: row.at,
});

export function createEventsStore(db: Db, engine: Engine) {
  const queueIn = async (on: Db, seq: number, subscriptionIds: readonly string[], now: number) => {
    if (subscriptionIds.length === 0) return;
    await sql`INSERT INTO deliveries (subscription_id, event_seq, state, next_at, created_at)
      SELECT ids.value, ${seq}, 'pending', ${now}, ${now} FROM (${textList(engine, subscriptionIds)}) AS ids
      WHERE true ON CONFLICT (subscription_id, event_seq) DO NOTHING`.execute(on);
  };
  return {
    /** What was last announced about a provider: its level (null: never looked at) and its incidents. */
    async announced(slug: string): Promise<{ level: Level | null; incidents: Map<number, AnnouncedIncident> }> {
      const level = (
        await sql<{ level: Level }>`SELECT level FROM event_levels WHERE provider_slug = ${slug}`.execute(db)
      ).rows[0];
      const { rows } = await sql<{ id: number; state: string; active: number; updates: number }>`
        SELECT e.incident_id AS id, e.state, e.active, e.updates FROM event_incidents e
        JOIN incidents i ON i.id = e.incident_id WHERE i.provider_slug = ${slug}`.execute(db);
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
        await sql`INSERT INTO event_levels (provider_slug, level, at) VALUES (${slug}, ${level}, ${now})
          ON CONFLICT (provider_slug) DO UPDATE SET level = excluded.level, at = excluded.at
          WHERE event_levels.level <> excluded.level`.execute(trx);
        for (const { id, state } of incidents) {
          await sql`INSERT INTO event_incidents (incident_id, state, active, updates)
            VALUES (${id}, ${state.state}, ${state.active ? 1 : 0}, ${state.updates})
            ON CONFLICT (incident_id) DO UPDATE SET state = excluded.state, active = excluded.active,
              updates = excluded.updates`.execute(trx);
        }
        for (const e of events) {
          await sql`INSERT INTO events (id, type, provider_slug, level, previous_level, components, errors, payload, at)
            VALUES (${e.event.id}, ${e.event.type}, ${slug}, ${e.event.level}, ${e.event.previousLevel},
              ${JSON.stringify(e.event.components)}, ${JSON.stringify(e.errors)}, ${JSON.stringify(e.event)},
              ${e.at})`.execute(trx);
        }
      });
    },
    /** Events not yet handed out to subscriptions, oldest first. */
    async toFanOut(limit: number): Promise<RecordedEvent[]> {
      const { rows } = await sql<EventRow>`SELECT seq, payload, errors, at FROM events
        WHERE fanned_out = 0 ORDER BY seq LIMIT ${limit}`.execute(db);
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
        await sql`UPDATE events SET fanned_out = 1 WHERE seq = ${seq}`.execute(trx);
      });
    },
    /** Recent events, newest first (tests and the operator's view). */
    async recent(limit: number): Promise<RecordedEvent[]> {
      const { rows } = await sql<EventRow>`SELECT seq, payload, errors, at FROM events
        ORDER BY seq DESC LIMIT ${limit}`.execute(db);
      return rows.map(toEvent);
    },
  };
}
export type EventsStore = ReturnType<typeof createEventsStore>;

// The events job: after new data is recorded, compares each changed provider's API level (assessed, damped) and
// its incidents with what was last announced, and records the differences as events in the outbox, once.
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/load.ts';
import { errorTypesFor } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import type { Level, StatusEvent } from '../domain.ts';
import {
  detectChanges,
  heldLevel,
  type ApiReading,
  type AssessApi,
  type Change,
  type CurrentIncident,
  type PendingLevel,
} from '../notify/changes.ts';
import { noticeLink } from '../notify/links.ts';
import { incidentScope, placeComponent } from '../status/scope.ts';
import { incidentCounts, levelChangeCounts } from '../status/verdict.ts';
import type { Store } from '../store/index.ts';
import { DAY_MS } from '../time.ts';
import type { JobLog } from './scheduler.ts';

/** Incidents closed this long ago are still compared (a node down for days still announces their end). */
const INCIDENT_LOOKBACK_MS = 7 * DAY_MS;

/** Every provider is looked at this often even without new data (time alone moves signals, e.g. report spikes). */
export const EVENTS_FULL_PASS_MS = 60_000;

export type EventsDeps = {
  store: Store;
  catalog: Catalog;
  assess: AssessApi;
  siteUrl: string;
  now: () => number;
  /**
   * How long a new API level must hold before it is announced (the signals' shortest interval in production): a
   * flap shorter than that sends nothing. Held in memory: a restart starts the hold again, never invents a change.
   */
  levelHoldMs?: number;
  log?: JobLog;
};

function payload(
  provider: Provider,
  change: Change,
  levels: { level: Level; previous: Level },
  reading: ApiReading,
  siteUrl: string,
  at: number,
): StatusEvent {
  const i = change.incident;
  return {
    id: randomUUID(),
    type: change.type,
    at: new Date(at).toISOString(),
    provider: { slug: provider.slug, name: provider.name },
    level: levels.level,
    previousLevel: levels.previous,
    incident: i
      ? {
          id: String(i.id),
          title: i.title,
          source: i.origin,
          kind: i.kind,
          state: i.state,
          impact: i.impact,
          link: noticeLink(i.url, provider, siteUrl),
        }
      : null,
    components: i ? i.components.map((c) => c.name) : [...reading.troubledComponents],
    url: `${siteUrl}/${provider.slug}`,
  };
}

/** Every provider's API reading as read at `now`, each with its data version just before the read. */
export type Readings = { now: number; readings: ReadonlyMap<string, { version: number; reading: ApiReading }> };

export function createEventRecorder(deps: EventsDeps) {
  const { store, catalog, assess } = deps;
  const seen = new Map<string, number>();
  const pending = new Map<string, PendingLevel>();
  let lastFullPass = -Infinity;
  let running: Promise<void> = Promise.resolve();

  /** Looks at one provider and records what changed; returns how many events. */
  async function recordProvider(provider: Provider, now: number, given?: ApiReading): Promise<number> {
    const reading = given ?? (await assess(provider, now));
    const [announced, rows] = await Promise.all([
      store.events.announced(provider.slug),
      store.incidents.listRecent(provider.slug, now - INCIDENT_LOOKBACK_MS),
    ]);
    const incidents: CurrentIncident[] = rows;
    const held = heldLevel(
      announced.level,
      reading.level,
      pending.get(provider.slug) ?? null,
      now,
      deps.levelHoldMs ?? 0,
    );
    if (held.pending) pending.set(provider.slug, held.pending);
    else pending.delete(provider.slug);
    // Until the official page was read once, a look is still the first: it records and announces nothing.
    const result = detectChanges({
      announcedLevel: reading.officialRead ? announced.level : null,
      level: reading.officialRead ? held.level : 'unknown',
      incidents,
      announced: announced.incidents,
    });
    if (!reading.officialRead) result.level = announced.level ?? 'unknown';
    if (result.changes.length === 0 && result.incidents.length === 0 && result.level === announced.level) return 0;
    const previous = announced.level ?? reading.level;
    const levels = { level: reading.level === 'unknown' ? previous : reading.level, previous };
    const errorTypes = errorTypesFor(catalog, provider);
    // Whom an incident concerns, as the assessment places it: an incident of a product counts for no error type.
    const scoped = (i: CurrentIncident) => ({
      ...i,
      scope: incidentScope(i, (c) => placeComponent(provider.components, c).scope).scope,
    });
    const events = result.changes.map((change) => {
      const incident = change.incident ? scoped(change.incident) : null;
      return {
        event: payload(provider, change, levels, reading, deps.siteUrl, now),
        errors: errorTypes
          .filter((e) => (incident ? incidentCounts(e, incident) : levelChangeCounts(e, reading.reasons)))
          .map((e) => e.slug),
        at: now,
      };
    });
    await store.events.record(provider.slug, result.level, result.incidents, events, now);
    return events.length;
  }

  /**
   * One pass over the providers whose data changed since the last (all of them once a minute), or over every provider
   * with the readings of a full pass handed in (`given`, read at `now` with each provider's version before the read).
   */
  async function pass(given?: Readings): Promise<number> {
    const now = given?.now ?? deps.now();
    const full = given !== undefined || now - lastFullPass >= EVENTS_FULL_PASS_MS;
    if (full) lastFullPass = now;
    let recorded = 0;
    for (const provider of catalog.providers) {
      const read = given?.readings.get(provider.slug);
      const version = read?.version ?? store.versions.of(provider.slug);
      if (!full && seen.get(provider.slug) === version) continue;
      try {
        recorded += await recordProvider(provider, now, read?.reading);
        seen.set(provider.slug, version);
      } catch (err) {
        deps.log?.warn({ err, provider: provider.slug }, 'recording events failed');
      }
    }
    return recorded;
  }

  return {
    /** Runs a pass after any running one (passes never overlap); resolves with the events recorded. */
    run(given?: Readings): Promise<number> {
      const next = running.then(() => pass(given));
      running = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
  };
}
export type EventRecorder = ReturnType<typeof createEventRecorder>;

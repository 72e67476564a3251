// Which subscriptions an event goes to: providers (or all), components, error types and a minimum level. Pure.
import { LEVEL_SEVERITY, type Level, type StatusEvent } from '../domain.ts';
import { IMPACT_LEVELS, worseLevel } from './changes.ts';

/** A subscription's filters; null means "any". */
export type SubscriptionFilter = {
  providers: readonly string[] | null;
  components: readonly string[] | null;
  errors: readonly string[] | null;
  minLevel: Exclude<Level, 'unknown'> | null;
};

/** An event as the fan-out reads it: the payload and the error types whose verdict counts it. */
export type FilterableEvent = { event: StatusEvent; errors: readonly string[] };

const normalise = (name: string) => name.trim().toLowerCase();

/**
 * The level a minimum-level filter compares: the worst of the level before, the level after and the incident's
 * declared impact, so a recovery from an outage reaches those who heard of the outage.
 */
export function eventLevel(event: StatusEvent): Level {
  const impact = event.incident ? IMPACT_LEVELS[event.incident.impact] : 'unknown';
  return worseLevel(worseLevel(event.level, event.previousLevel), impact);
}

export function matchesFilter(filter: SubscriptionFilter, { event, errors }: FilterableEvent): boolean {
  if (filter.providers && !filter.providers.includes(event.provider.slug)) return false;
  if (filter.components) {
    const wanted = new Set(filter.components.map(normalise));
    if (!event.components.some((c) => wanted.has(normalise(c)))) return false;
  }
  if (filter.errors && !filter.errors.some((e) => errors.includes(e))) return false;
  if (filter.minLevel) {
    const level = eventLevel(event);
    if (level === 'unknown' || LEVEL_SEVERITY[level] < LEVEL_SEVERITY[filter.minLevel]) return false;
  }
  return true;
}

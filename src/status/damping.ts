// Damping of official levels: a component's (or page's) published level changes only once polls agree.
import type { DampedLevel, Level } from '../domain.ts';

/** Polls that must agree before a published level changes (first sightings publish at once). */
export const COMPONENT_CONFIRM_POLLS = 2;

/**
 * One more reading of `observed`: it counts towards a pending change, which is published once
 * COMPONENT_CONFIRM_POLLS readings in a row agree and then dates from the first of them. A level that was
 * `unknown` changes at once: there is nothing to protect.
 */
export function confirmLevel(current: DampedLevel, observed: Level, now: number): DampedLevel & { changed: boolean } {
  if (observed === current.level) {
    return { ...current, pendingLevel: null, pendingCount: 0, pendingSince: null, changed: false };
  }
  const continuing = current.pendingLevel === observed;
  const pendingCount = continuing ? current.pendingCount + 1 : 1;
  const pendingSince = continuing ? (current.pendingSince ?? now) : now;
  if (pendingCount >= COMPONENT_CONFIRM_POLLS || current.level === 'unknown') {
    return {
      level: observed,
      pendingLevel: null,
      pendingCount: 0,
      pendingSince: null,
      changedAt: current.level === 'unknown' ? now : pendingSince,
      changed: true,
    };
  }
  return { ...current, pendingLevel: observed, pendingCount, pendingSince, changed: false };
}

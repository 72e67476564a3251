// Level arithmetic: ordering, the worst of several, and how incident impact maps onto a level.
import { LEVEL_SEVERITY, type Impact, type Level } from '../domain.ts';

export type KnownLevel = Exclude<Level, 'unknown'>;

export const isKnown = (level: Level): level is KnownLevel => level !== 'unknown';

/** The worst known level of the list; `operational` for an empty list. Unknown entries are ignored. */
export function worstLevel(levels: Iterable<Level>): KnownLevel {
  let worst: KnownLevel = 'operational';
  for (const level of levels) {
    if (isKnown(level) && LEVEL_SEVERITY[level] > LEVEL_SEVERITY[worst]) worst = level;
  }
  return worst;
}

/** Sort key: null < unknown < operational < … < major_outage. */
export const rank = (level: Level | null): number =>
  level === null ? -2 : isKnown(level) ? LEVEL_SEVERITY[level] : -1;

export const isWorse = (a: Level, b: Level): boolean =>
  isKnown(a) && (!isKnown(b) || LEVEL_SEVERITY[a] > LEVEL_SEVERITY[b]);

/** The level an open incident's declared impact supports; an open incident of unknown impact still degrades. */
export function levelOfImpact(impact: Impact): KnownLevel {
  switch (impact) {
    case 'none':
      return 'operational';
    case 'minor':
      return 'degraded';
    case 'major':
      return 'partial_outage';
    case 'critical':
      return 'major_outage';
    case 'maintenance':
      return 'maintenance';
    case 'unknown':
      return 'degraded';
  }
}

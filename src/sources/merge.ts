// Merges the readings of one poll's documents into one snapshot: the main document first, the others filling in.
import { CLOSED_STATES, type OfficialSnapshot, type SnapshotIncident } from '../domain.ts';
import type { DocumentReading } from './adapter.ts';

const CLOSED: ReadonlySet<string> = new Set(CLOSED_STATES);

const unionBy = <T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] => {
  const seen = new Map(a.map((item) => [key(item), item]));
  for (const item of b) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
};

/**
 * One incident told by two documents: a resolution told by either wins (summary.json drops resolved incidents,
 * incidents.json tells when); otherwise the earlier document's words, with timelines and components joined.
 */
export function mergeIncident(a: SnapshotIncident, b: SnapshotIncident): SnapshotIncident {
  const closer = !CLOSED.has(a.state) && CLOSED.has(b.state) ? b : a;
  const aUnlisted = a.unlistedAt ?? null;
  const bUnlisted = b.unlistedAt ?? null;
  return {
    ...a,
    state: closer.state,
    rawState: closer.rawState,
    resolvedAt: closer.resolvedAt ?? a.resolvedAt ?? b.resolvedAt,
    impact: a.impact !== 'unknown' ? a.impact : b.impact,
    rawImpact: a.impact !== 'unknown' ? a.rawImpact : b.rawImpact,
    url: a.url ?? b.url,
    startedAt: Math.min(a.startedAt, b.startedAt),
    scheduledFor: a.scheduledFor ?? b.scheduledFor,
    scheduledUntil: a.scheduledUntil ?? b.scheduledUntil,
    updates: unionBy(a.updates, b.updates, (u) => u.key).sort((x, y) => y.at - x.at),
    components: unionBy(a.components, b.components, (c) => c.key),
    unlistedAt: aUnlisted !== null && bUnlisted !== null ? Math.min(aUnlisted, bUnlisted) : null,
  };
}

/**
 * Readings in document order (main first). The page level comes from the first that has one; components from the
 * first that lists them, later lists adding the ones it lacks (incident.io's summary.json omits some).
 */
export function mergeReadings(readings: readonly DocumentReading[]): OfficialSnapshot {
  const byKey = new Map<string, SnapshotIncident>();
  for (const reading of readings) {
    for (const item of reading.incidents ?? []) {
      const id = `${item.kind}:${item.key}`;
      const known = byKey.get(id);
      byKey.set(id, known ? mergeIncident(known, item) : item);
    }
  }
  const lists = readings.flatMap((r) => (r.components ? [r.components] : []));
  const components = lists.length > 0 ? lists.reduce((a, b) => unionBy(a, b, (c) => c.key)) : undefined;
  const page = readings.find((r) => r.pageLevel !== undefined);
  return {
    ...(components ? { components } : {}),
    ...(page ? { pageLevel: page.pageLevel, pageRaw: page.pageRaw ?? null } : {}),
    incidents: [...byKey.values()],
    listsAllOpen: readings[0]?.listsAllOpen ?? false,
  };
}

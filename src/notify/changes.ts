// What changed since the last announcement of a provider: its API level (known levels only, after damping) and each
// incident's or maintenance's course. Pure: the store keeps what was announced, the events job calls this.
import type { Provider } from '../catalog/schema.ts';
import { LEVEL_SEVERITY, type EventType, type Impact, type IncidentKind, type Level } from '../domain.ts';
import { isOpen } from '../status/incidents.ts';
import type { Reason } from '../status/types.ts';

/** The API's level of a provider now, as its pages show it (the one assessment, damping included). */
export type ApiReading = {
  level: Level;
  reasons: readonly Reason[];
  troubledComponents: readonly string[];
  /** False while the provider's official page (if it has one) was not read yet: what it lists is not news yet. */
  officialRead: boolean;
};
/** The API's reading of one provider now (the one assessment). */
export type AssessApi = (provider: Provider, now: number) => Promise<ApiReading>;

/** What was last announced about one incident. */
export type AnnouncedIncident = { state: string; active: boolean; updates: number };

/** An incident as stored now, with what an event says about it. */
export type CurrentIncident = {
  id: number;
  kind: IncidentKind;
  origin: 'official' | 'detected';
  title: string;
  state: string;
  impact: Impact;
  url: string | null;
  unlistedAt: number | null;
  updates: readonly { body: string }[];
  components: readonly { name: string }[];
  startedAt: number;
};

export type Change = { type: EventType; incident: CurrentIncident | null };

export type ChangeInput = {
  /** Null (or unknown) while nothing known was ever announced about this provider: the first look only records. */
  announcedLevel: Level | null;
  level: Level;
  incidents: readonly CurrentIncident[];
  announced: ReadonlyMap<number, AnnouncedIncident>;
};

export type ChangeResult = {
  changes: Change[];
  /** The level to remember as announced: an unknown level (no fresh data) keeps the last known one. */
  level: Level;
  /** The incidents whose announced state moves. */
  incidents: { id: number; state: AnnouncedIncident }[];
};

function incidentChange(
  incident: CurrentIncident,
  before: AnnouncedIncident,
  now: AnnouncedIncident,
): EventType | null {
  if (incident.kind === 'maintenance') {
    if (!before.active && now.active) return 'maintenance_started';
    return before.active && !now.active ? 'maintenance_ended' : null;
  }
  if (before.active && !now.active) return 'incident_resolved';
  if (!before.active && now.active) return 'incident_opened';
  return now.active && (now.updates > before.updates || now.state !== before.state) ? 'incident_updated' : null;
}

const sameState = (a: AnnouncedIncident, b: AnnouncedIncident) =>
  a.state === b.state && a.active === b.active && a.updates === b.updates;

export function detectChanges(input: ChangeInput): ChangeResult {
  const first = input.announcedLevel === null || input.announcedLevel === 'unknown';
  const changes: Change[] = [];
  const incidents: ChangeResult['incidents'] = [];
  for (const incident of input.incidents) {
    const state = { state: incident.state, active: isOpen(incident), updates: incident.updates.length };
    const before = input.announced.get(incident.id);
    if (before && sameState(before, state)) continue;
    incidents.push({ id: incident.id, state });
    if (first) continue;
    // First sight of one already over (opened and closed between two polls) is history, not news.
    const type = before
      ? incidentChange(incident, before, state)
      : state.active
        ? incident.kind === 'incident'
          ? 'incident_opened'
          : 'maintenance_started'
        : null;
    if (type) changes.push({ type, incident });
  }
  const known = input.level !== 'unknown';
  const announced = input.announcedLevel;
  if (known && announced !== null && announced !== 'unknown' && announced !== input.level) {
    changes.push({ type: 'level_changed', incident: null });
  }
  return { changes, level: known ? input.level : (announced ?? 'unknown'), incidents };
}

/** A new API level seen but not yet announced, and since when it has held. */
export type PendingLevel = { level: Level; since: number };

/**
 * Whether a new level has held long enough to announce: a flap shorter than `holdMs` sends nothing. Returns the level
 * to compare with what was announced (the announced one while the new one is held) and the pending level to keep.
 * Unknown, or a first look, is never held: it announces nothing anyway.
 */
export function heldLevel(
  announced: Level | null,
  level: Level,
  pending: PendingLevel | null,
  now: number,
  holdMs: number,
): { level: Level; pending: PendingLevel | null } {
  if (announced === null || announced === 'unknown' || level === 'unknown' || level === announced)
    return { level, pending: null };
  const since = pending?.level === level ? pending.since : now;
  return now - since >= holdMs ? { level, pending: null } : { level: announced, pending: { level, since } };
}

/** The level an incident's declared impact stands for (what a minimum-level filter compares). */
export const IMPACT_LEVELS: Record<Impact, Level> = {
  none: 'degraded',
  minor: 'degraded',
  major: 'partial_outage',
  critical: 'major_outage',
  maintenance: 'maintenance',
  unknown: 'degraded',
};

/** The worse of two levels; `unknown` is worse than nothing known. */
export function worseLevel(a: Level, b: Level): Level {
  if (a === 'unknown') return b;
  if (b === 'unknown') return a;
  return LEVEL_SEVERITY[a] >= LEVEL_SEVERITY[b] ? a : b;
}

// Whether an incident or maintenance is open now: not closed upstream and still listed by the source.
import { ACTIVE_MAINTENANCE_STATES, CLOSED_STATES, type IncidentKind } from '../domain.ts';

const CLOSED: ReadonlySet<string> = new Set(CLOSED_STATES);
const ACTIVE: ReadonlySet<string> = new Set(ACTIVE_MAINTENANCE_STATES);

/** Open: not closed upstream and still listed by the source (an unlisted incident is over, end unknown). */
export function isOpen(incident: { kind: IncidentKind; state: string; unlistedAt: number | null }): boolean {
  if (incident.unlistedAt !== null) return false;
  return incident.kind === 'incident' ? !CLOSED.has(incident.state) : ACTIVE.has(incident.state);
}

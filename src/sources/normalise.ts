// The normalisation table: every upstream status, impact and lifecycle value mapped onto our vocabulary.
import { LEVEL_SEVERITY, type Impact, type IncidentState, type Level, type MaintenanceState } from '../domain.ts';

/** Upstream values are matched case-insensitively with spaces and dashes read as underscores. */
export const rawKey = (raw: string): string =>
  raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Component statuses and page rollups of every format (Statuspage, incident.io, Instatus, Better Stack, GCP),
 * and Statuspage's `status.indicator`, whose words (none/minor/major/critical) mean page levels.
 */
const LEVELS: Record<string, Level> = {
  operational: 'operational',
  up: 'operational',
  none: 'operational',
  available: 'operational',
  degraded_performance: 'degraded',
  degradedperformance: 'degraded',
  minoroutage: 'degraded',
  degraded: 'degraded',
  minor: 'degraded',
  hasissues: 'degraded',
  service_information: 'degraded',
  partial_outage: 'partial_outage',
  partialoutage: 'partial_outage',
  major: 'partial_outage',
  service_disruption: 'partial_outage',
  major_outage: 'major_outage',
  majoroutage: 'major_outage',
  full_outage: 'major_outage',
  downtime: 'major_outage',
  critical: 'major_outage',
  service_outage: 'major_outage',
  under_maintenance: 'maintenance',
  undermaintenance: 'maintenance',
  maintenance: 'maintenance',
};

/** Declared incident impact: Statuspage's own words, and the level words other formats use for it. */
const IMPACTS: Record<string, Impact> = {
  none: 'none',
  operational: 'none',
  minor: 'minor',
  degraded_performance: 'minor',
  degradedperformance: 'minor',
  minoroutage: 'minor',
  degraded: 'minor',
  service_information: 'minor',
  major: 'major',
  partial_outage: 'major',
  partialoutage: 'major',
  service_disruption: 'major',
  critical: 'critical',
  major_outage: 'critical',
  majoroutage: 'critical',
  full_outage: 'critical',
  downtime: 'critical',
  service_outage: 'critical',
  maintenance: 'maintenance',
  under_maintenance: 'maintenance',
  undermaintenance: 'maintenance',
};

const INCIDENT_STATES: Record<string, IncidentState> = {
  investigating: 'investigating',
  identified: 'identified',
  monitoring: 'monitoring',
  resolved: 'resolved',
  postmortem: 'postmortem',
  available: 'resolved',
};

const MAINTENANCE_STATES: Record<string, MaintenanceState> = {
  scheduled: 'scheduled',
  notstartedyet: 'scheduled',
  maintenance_scheduled: 'scheduled',
  in_progress: 'in_progress',
  inprogress: 'in_progress',
  maintenance_in_progress: 'in_progress',
  verifying: 'verifying',
  completed: 'completed',
  complete: 'completed',
  maintenance_complete: 'completed',
  maintenance_completed: 'completed',
  ongoing: 'in_progress',
  cancelled: 'completed',
  canceled: 'completed',
};

export type Normalised<T> = { value: T; raw: string | null };

function lookup<T>(table: Record<string, T>, raw: string | null | undefined, unknown: T): Normalised<T> {
  if (raw === null || raw === undefined || raw.trim() === '') return { value: unknown, raw: null };
  return { value: table[rawKey(raw)] ?? unknown, raw };
}

export const normaliseLevel = (raw: string | null | undefined): Normalised<Level> => lookup(LEVELS, raw, 'unknown');
export const normaliseImpact = (raw: string | null | undefined): Normalised<Impact> => lookup(IMPACTS, raw, 'unknown');
export const normaliseIncidentState = (raw: string | null | undefined): Normalised<IncidentState> =>
  lookup(INCIDENT_STATES, raw, 'unknown');
export const normaliseMaintenanceState = (raw: string | null | undefined): Normalised<MaintenanceState> =>
  lookup(MAINTENANCE_STATES, raw, 'unknown');

/** Whether a lifecycle word belongs to maintenances (feeds mix both kinds in one list). */
export const isMaintenanceWord = (raw: string): boolean => rawKey(raw) in MAINTENANCE_STATES;

/** The worst of several levels read from a source, or null for none; an unseen word counts as worst, never hidden. */
export function worstRead(levels: Iterable<Normalised<Level>>): Normalised<Level> | null {
  const rank = (level: Level) => (level === 'unknown' ? Infinity : LEVEL_SEVERITY[level]);
  let worst: Normalised<Level> | null = null;
  for (const level of levels) if (!worst || rank(level.value) > rank(worst.value)) worst = level;
  return worst;
}

// Acknowledgement lag: for each official incident, whether our own signals saw the trouble first and how long before
// the provider posted it; per provider, the median and worst lag and what either side never saw. Pure.
import { CLOSED_STATES } from '../domain.ts';
import { median } from '../domain.ts';
import { DAY_MS, SECOND_MS } from '../time.ts';

/** How far back the accountability figures look. */
export const ACCOUNTABILITY_WINDOW_MS = 90 * DAY_MS;

/** An incident's span: `endAt` is null while it is open; `firstUpdateAt` is its earliest update, if any. */
export type IncidentSpan = {
  id: number;
  origin: 'official' | 'detected';
  startedAt: number;
  endAt: number | null;
  firstUpdateAt: number | null;
};

const CLOSED: ReadonlySet<string> = new Set(CLOSED_STATES);

/** The span of a stored incident: a closed one without an end time ends with its latest update. */
export function spanOf(incident: {
  id: number;
  origin: 'official' | 'detected';
  state: string;
  startedAt: number;
  resolvedAt: number | null;
  unlistedAt: number | null;
  /** Newest first. */
  updates: readonly { at: number }[];
}): IncidentSpan {
  const latest = incident.updates[0]?.at ?? null;
  const ended = CLOSED.has(incident.state) ? (latest ?? incident.startedAt) : null;
  return {
    id: incident.id,
    origin: incident.origin,
    startedAt: incident.startedAt,
    endAt: incident.resolvedAt ?? incident.unlistedAt ?? ended,
    firstUpdateAt: incident.updates.length > 0 ? Math.min(...incident.updates.map((u) => u.at)) : null,
  };
}

/** When the provider first told the public: its start as published or its first update, whichever is earlier. */
export const firstPostAt = (official: IncidentSpan): number =>
  Math.min(official.startedAt, official.firstUpdateAt ?? Infinity);

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from <= b.to && b.from <= a.to;

const spanRange = (i: IncidentSpan, now: number) => ({
  from: i.origin === 'official' ? firstPostAt(i) : i.startedAt,
  to: i.endAt ?? now,
});

/** The detected incidents whose time overlaps the official one's (from its first post to its end). */
export function overlapping(official: IncidentSpan, detected: readonly IncidentSpan[], now: number): IncidentSpan[] {
  const range = spanRange(official, now);
  return detected.filter((d) => overlaps(range, spanRange(d, now)));
}

/**
 * Seconds from the start of our earliest overlapping detected incident to the official incident's first post, when
 * ours started first; null when we did not see it first (or saw nothing).
 */
export function ackLagSeconds(official: IncidentSpan, detected: readonly IncidentSpan[], now: number): number | null {
  const ours = overlapping(official, detected, now);
  if (ours.length === 0) return null;
  const start = Math.min(...ours.map((d) => d.startedAt));
  const posted = firstPostAt(official);
  return start < posted ? Math.round((posted - start) / SECOND_MS) : null;
}

/** Each official incident's lag by id (null when we did not see it first). */
export function ackLagsById(incidents: readonly IncidentSpan[], now: number): Map<number, number | null> {
  const detected = incidents.filter((i) => i.origin === 'detected');
  return new Map(
    incidents.filter((i) => i.origin === 'official').map((i) => [i.id, ackLagSeconds(i, detected, now)] as const),
  );
}

export type Accountability = {
  /** Official incidents with a lag, and their lags in seconds. */
  lags: { officialId: number; seconds: number }[];
  medianAckLagSeconds: number | null;
  worstAckLagSeconds: number | null;
  /** Official incidents we detected before the provider posted them. */
  seenFirst: number;
  /** Detected incidents that no official incident overlaps. */
  unacknowledged: number;
  /** Official incidents that no detected incident overlaps. */
  missed: number;
  officialCount: number;
  detectedCount: number;
};

/** One provider's figures over the window ending `now`, from its incidents of any age (older ones are left out). */
export function summariseAccountability(
  incidents: readonly IncidentSpan[],
  now: number,
  windowMs: number = ACCOUNTABILITY_WINDOW_MS,
): Accountability {
  const inWindow = incidents.filter((i) => (i.endAt ?? now) >= now - windowMs && i.startedAt <= now);
  const official = inWindow.filter((i) => i.origin === 'official');
  const detected = inWindow.filter((i) => i.origin === 'detected');
  const lags = official.flatMap((o) => {
    const seconds = ackLagSeconds(o, detected, now);
    return seconds === null ? [] : [{ officialId: o.id, seconds }];
  });
  const values = lags.map((l) => l.seconds);
  const medianSeconds = median(values);
  return {
    lags,
    medianAckLagSeconds: medianSeconds === null ? null : Math.round(medianSeconds),
    worstAckLagSeconds: values.length > 0 ? Math.max(...values) : null,
    seenFirst: lags.length,
    unacknowledged: detected.filter((d) => !official.some((o) => overlapping(o, [d], now).length > 0)).length,
    missed: official.filter((o) => overlapping(o, detected, now).length === 0).length,
    officialCount: official.length,
    detectedCount: detected.length,
  };
}

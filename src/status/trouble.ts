// When the API's current trouble began: the start of each fresh signal that holds it at degraded or worse.
import { LEVEL_SEVERITY, type Impact, type IncidentKind, type Level, type Signal } from '../domain.ts';
import { bucketOf, communityWindowStart, type Bucket } from './community.ts';
import { isKnown, levelOfImpact } from './levels.ts';
import type { ProviderStatus } from './types.ts';

/** Degraded or worse: the levels a trouble start is about (maintenance is planned, not trouble). */
export const isTrouble = (level: Level): boolean => isKnown(level) && LEVEL_SEVERITY[level] >= LEVEL_SEVERITY.degraded;

/** A start as exactly as a signal knows it; `exact: false` means only "no later than `at`". */
type Start = { at: number; exact: boolean };

export type TroubleEvidence = {
  /** The API's components: their level and the "since" the assessment gives them. */
  components: readonly { level: Level; since: { at: number; basis: 'source' | 'observed' | 'first_seen' } }[];
  /** The API's open official incidents and maintenances. */
  incidents: readonly { kind: IncidentKind; impact: Impact; startedAt: number }[];
  buckets: readonly Bucket[];
  /** The probe fails from fewer than half of the fresh regions ("Partly"): a region's trouble, not the provider's. */
  probePartly?: boolean;
};

function officialStarts(evidence: TroubleEvidence): Start[] {
  const starts: Start[] = [];
  for (const c of evidence.components)
    if (isTrouble(c.level)) starts.push({ at: c.since.at, exact: c.since.basis !== 'first_seen' });
  for (const i of evidence.incidents)
    if (i.kind === 'incident' && isTrouble(levelOfImpact(i.impact))) starts.push({ at: i.startedAt, exact: true });
  return starts;
}

/** A report spike begins with the earliest 15-minute bucket of the window that holds reports (to the bucket). */
function communityStarts(buckets: readonly Bucket[], now: number): Start[] {
  const first = Math.min(
    ...buckets
      .filter((b) => b.count > 0 && b.bucketAt >= communityWindowStart(now) && b.bucketAt <= bucketOf(now))
      .map((b) => b.bucketAt),
  );
  return Number.isFinite(first) ? [{ at: first, exact: true }] : [];
}

/**
 * The earliest start among the fresh signals that hold the API at degraded or worse: the probe's first failing (or
 * slow) attempt of the confirmed run, each troubled component's "since" and open incident's start, a spike's first
 * bucket. Null when the API is not in trouble, or when the earliest start is only known as "no later than" (a
 * component in trouble when we first saw it, a page's overall status without a date): we do not guess.
 */
export function troubleSince(api: ProviderStatus, evidence: TroubleEvidence, now: number): number | null {
  if (!isTrouble(api.level)) return null;
  const startsOf: Record<Signal, () => Start[]> = {
    official: () => officialStarts(evidence),
    probe: () =>
      api.signals.probe.reasons
        .filter((r) => r.level !== null && isTrouble(r.level))
        .map((r) => (r.at === null ? { at: now, exact: false } : { at: r.at, exact: true })),
    community: () => communityStarts(evidence.buckets, now),
  };
  const starts: Start[] = [];
  for (const reading of Object.values(api.signals)) {
    if (reading.state !== 'fresh' || !isTrouble(reading.level)) continue;
    if (reading.signal === 'probe' && evidence.probePartly) continue;
    const found = startsOf[reading.signal]();
    // Trouble a signal holds without any date began at an unknown time: nothing is earlier than it for sure.
    starts.push(...(found.length > 0 ? found : [{ at: -Infinity, exact: false }]));
  }
  const earliest = starts.reduce<Start | null>(
    (a, b) => (a === null || b.at < a.at || (b.at === a.at && !b.exact) ? b : a),
    null,
  );
  return earliest && earliest.exact ? earliest.at : null;
}

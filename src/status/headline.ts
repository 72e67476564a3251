// The headline: the worst level that a fresh signal supports, with its reasons; unknown without fresh data.
import { LEVEL_LABELS, SIGNALS, type Signal } from '../domain.ts';
import { isWorse, rank, worstLevel } from './levels.ts';
import type { ProviderStatus, Reason, SignalReading } from './types.ts';

/** Signals whose health can stand behind "Operational"; community silence cannot. */
const CAN_PROVE_HEALTH: readonly Signal[] = ['official', 'probe'];

export function combineSignals(signals: Record<Signal, SignalReading>): ProviderStatus {
  const readings = SIGNALS.map((s) => signals[s]);
  const fresh = readings.filter((r) => r.state === 'fresh');
  const checkedAt = readings.reduce<number | null>(
    (max, r) => (r.checkedAt !== null && (max === null || r.checkedAt > max) ? r.checkedAt : max),
    null,
  );

  const lastGoodAt = readings
    .filter((r) => CAN_PROVE_HEALTH.includes(r.signal))
    .reduce<number | null>((max, r) => (r.okAt !== null && (max === null || r.okAt > max) ? r.okAt : max), null);
  const provers = fresh.filter((r) => CAN_PROVE_HEALTH.includes(r.signal));
  const level = worstLevel(fresh.map((r) => r.level));
  // Stale never means green: probe trouble that merely aged out leaves "we cannot tell", not the page's older word
  // (a fresh answering probe is new evidence, so an official outage that aged out does not hold it back).
  const agedTrouble = readings.find(
    (r) =>
      r.signal === 'probe' && r.state !== 'fresh' && r.lastLevel !== undefined && isWorse(r.lastLevel, 'maintenance'),
  );
  const heldBack = level === 'operational' && agedTrouble !== undefined;
  if (fresh.length === 0 || (level === 'operational' && provers.length === 0) || heldBack) {
    const reasons: Reason[] = [
      {
        signal: null,
        level: null,
        text: heldBack
          ? 'Our probes last saw the API failing and have no fresh result since, so the status page alone cannot ' +
            'tell that the trouble is over.'
          : 'We have no fresh data about this provider, so we cannot tell its status.',
        at: null,
      },
      ...readings.flatMap((r) => r.reasons),
    ];
    const known = readings.filter((r) => r.state !== 'absent' && r.state !== 'quiet').map((r) => r.summary);
    const summary = `No fresh data. ${known.join(' ') || readings.map((r) => r.summary).join(' ')}`;
    return { level: 'unknown', label: LEVEL_LABELS.unknown, summary, reasons, signals, checkedAt, lastGoodAt };
  }
  const reasons = readings.flatMap((r) => r.reasons).sort((a, b) => rank(b.level) - rank(a.level));
  return {
    level,
    label: LEVEL_LABELS[level],
    summary: reasons[0]?.text ?? '',
    reasons,
    signals,
    checkedAt,
    lastGoodAt,
  };
}

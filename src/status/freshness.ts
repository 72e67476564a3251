// Freshness: a signal drives the headline only while its last good reading is younger than a few intervals.
import { formatAgo } from '../time.ts';

/** A signal is stale once its last successful check is this many intervals old. */
export const STALE_AFTER_INTERVALS = 3;

export const staleAfterMs = (intervalMs: number): number => STALE_AFTER_INTERVALS * intervalMs;

export function isFresh(lastOkAt: number | null, intervalMs: number, now: number): boolean {
  return lastOkAt !== null && now - lastOkAt < staleAfterMs(intervalMs);
}

/** "2 h ago" or "never". */
export const ageText = (at: number | null, now: number): string => (at === null ? 'never' : formatAgo(at, now));

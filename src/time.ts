// Time words: absolute UTC times, relative ages and durations, all pure over epoch milliseconds.

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** The longest delay a timer can hold (2^31 - 1 ms, about 24.8 days); Node turns a longer one into 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** "22 Nov 2026, 14:05 UTC". */
export function formatUtc(at: number): string {
  const d = new Date(at);
  return (
    `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`
  );
}

/** "22 Nov 2026": the UTC calendar day of `at`. */
export function formatDay(at: number): string {
  const d = new Date(at);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "14:05 UTC" when `at` is on the same UTC day as `now`, else the full form. */
export function formatUtcShort(at: number, now: number): string {
  const d = new Date(at);
  const sameDay = new Date(now).toISOString().slice(0, 10) === d.toISOString().slice(0, 10);
  return sameDay ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC` : formatUtc(at);
}

/** "1 h 23 min", "45 s", "3 d 2 h": the two largest units. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / SECOND_MS));
  if (total < 60) return `${total} s`;
  const units: [number, string][] = [
    [Math.floor(total / 86400), 'd'],
    [Math.floor((total % 86400) / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'min'],
  ];
  const first = units.findIndex(([value]) => value > 0);
  return units
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

/** "just now", "3 min ago", "2 h 5 min ago"; future times read "in 3 min". */
export function formatAgo(at: number, now: number): string {
  const delta = now - at;
  if (Math.abs(delta) < 10 * SECOND_MS) return 'just now';
  return delta > 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(-delta)}`;
}

export const toIso = (at: number): string => new Date(at).toISOString();

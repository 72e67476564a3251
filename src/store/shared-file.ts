// A SQLite file shared by two processes on one machine (ROLE=web beside ROLE=jobs): the other process's commits bump
// no data version here. SQLite's data_version moves only when another connection commits, so it is read (at most every
// SHARED_FILE_CHECK_MS) whenever a version is asked for, and a move marks every provider's data changed.
import type { DataVersions } from './versions.ts';

/** How stale this process's versions may be after the other process wrote: about as long as a changed page waits. */
export const SHARED_FILE_CHECK_MS = 250;

export function sharedFileVersions(
  versions: DataVersions,
  dataVersion: () => number,
  now: () => number = Date.now,
): DataVersions {
  let seen = dataVersion();
  let checkedAt = now();
  const check = () => {
    const at = now();
    if (at - checkedAt < SHARED_FILE_CHECK_MS && at >= checkedAt) return;
    checkedAt = at;
    const current = dataVersion();
    if (current !== seen) versions.invalidateAll();
    seen = current;
  };
  return {
    bump: (providerSlug) => versions.bump(providerSlug),
    apply: (providerSlugs) => versions.apply(providerSlugs),
    invalidateAll: () => versions.invalidateAll(),
    of(providerSlug) {
      check();
      return versions.of(providerSlug);
    },
    global() {
      check();
      return versions.global();
    },
  };
}

// Data versions: an in-memory counter per provider, bumped by every store write, read by the render cache.

export type DataVersions = {
  /** Marks a provider's data as changed (and with it every cross-provider page). */
  bump(providerSlug: string): void;
  /** The provider's version; changes whenever its data does. */
  of(providerSlug: string): number;
  /** Changes whenever any provider's data does. */
  global(): number;
};

export function createDataVersions(): DataVersions {
  const perProvider = new Map<string, number>();
  let globalVersion = 0;
  return {
    bump(providerSlug) {
      globalVersion += 1;
      perProvider.set(providerSlug, globalVersion);
    },
    of: (providerSlug) => perProvider.get(providerSlug) ?? 0,
    global: () => globalVersion,
  };
}

// Data versions: an in-memory counter per provider, bumped by every store write (this node's, or another node's as
// announced by the change feed), read by the render cache.

export type DataVersions = {
  /** Marks a provider's data as changed by this node (and with it every cross-provider page). */
  bump(providerSlug: string): void;
  /** Marks providers changed by another node: same effect, not announced again. */
  apply(providerSlugs: readonly string[]): void;
  /** Marks everything changed (after missing announcements, e.g. while the change feed reconnected). */
  invalidateAll(): void;
  /** The provider's version; changes whenever its data does. */
  of(providerSlug: string): number;
  /** Changes whenever any provider's data does. */
  global(): number;
};

/** `onBump` hears this node's own changes (the change feed announces them to other nodes). */
export function createDataVersions(onBump: (providerSlug: string) => void = () => {}): DataVersions {
  const perProvider = new Map<string, number>();
  let globalVersion = 0;
  let floor = 0;
  const mark = (providerSlug: string) => {
    globalVersion += 1;
    perProvider.set(providerSlug, globalVersion);
  };
  return {
    bump(providerSlug) {
      mark(providerSlug);
      onBump(providerSlug);
    },
    apply(providerSlugs) {
      for (const slug of providerSlugs) mark(slug);
    },
    invalidateAll() {
      globalVersion += 1;
      floor = globalVersion;
      perProvider.clear();
    },
    of: (providerSlug) => perProvider.get(providerSlug) ?? floor,
    global: () => globalVersion,
  };
}

/** Versions bumped inside a transaction: held until it commits, then passed on (dropped if it rolls back). */
export function deferredVersions(target: DataVersions): DataVersions & { flush(): void } {
  const pending = new Set<string>();
  return {
    bump: (providerSlug) => void pending.add(providerSlug),
    apply: (providerSlugs) => target.apply(providerSlugs),
    invalidateAll: () => target.invalidateAll(),
    of: (providerSlug) => target.of(providerSlug),
    global: () => target.global(),
    flush() {
      for (const slug of pending) target.bump(slug);
      pending.clear();
    },
  };
}

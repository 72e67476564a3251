// The warm-up: work done once after the start (every provider assessed) so the first visitors are served as fast as
// later ones. Readiness waits for it; a failed warm-up only costs the first visitor the time it would have saved.
export type WarmUp = {
  /** Starts the warm-up's work (once: a second call is ignored). */
  run(task: () => Promise<unknown>): void;
  /** Whether the work has started and not ended yet. */
  pending(): boolean;
  /** Resolves once the work has ended (at once when none was started). */
  settled(): Promise<void>;
};

export function createWarmUp(onError: (error: unknown) => void = () => {}): WarmUp {
  let running: Promise<void> | null = null;
  let done = false;
  return {
    run(task) {
      if (running) return;
      running = Promise.resolve()
        .then(task)
        .then(
          () => undefined,
          (error: unknown) => onError(error),
        )
        .finally(() => (done = true));
    },
    pending: () => running !== null && !done,
    settled: () => running ?? Promise.resolve(),
  };
}

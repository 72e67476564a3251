// Job heartbeats: each schedule says when its cycles end, so readiness can tell a stalled schedule from a slow one.
export type JobWatch = {
  /** Starts watching a schedule that should complete a cycle every `intervalMs`; returns its heartbeat. */
  watch(name: string, intervalMs: number): (at: number) => void;
  /** Schedules with no completed cycle (or start) in the last `intervals` intervals. */
  stalled(now: number, intervals: number): { name: string; lastRunAt: number; intervalMs: number }[];
  /** The last completed cycle (or the start) of each schedule. */
  lastRuns(): { name: string; lastRunAt: number }[];
  /** Stops watching every schedule (they were closed: this node no longer runs the jobs). */
  forgetAll(): void;
};

/** How many intervals without a completed cycle make a schedule stalled. */
export const STALLED_AFTER_INTERVALS = 3;

export function createJobWatch(now: () => number): JobWatch {
  const jobs = new Map<string, { intervalMs: number; lastRunAt: number }>();
  return {
    watch(name, intervalMs) {
      const job = { intervalMs, lastRunAt: now() };
      jobs.set(name, job);
      return (at) => {
        job.lastRunAt = Math.max(job.lastRunAt, at);
      };
    },
    stalled(at, intervals) {
      return [...jobs]
        .filter(([, job]) => at - job.lastRunAt > intervals * job.intervalMs)
        .map(([name, job]) => ({ name, ...job }));
    },
    lastRuns: () => [...jobs].map(([name, job]) => ({ name, lastRunAt: job.lastRunAt })),
    forgetAll: () => jobs.clear(),
  };
}

// The clock jobs run on: current time and timers, passed in so tests can drive time by hand.
import { MAX_TIMER_MS } from '../time.ts';

export type TimerHandle = unknown;

export type Clock = {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  // A delay past what a timer holds would fire at once: such a timer fires at the longest delay instead.
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(ms, MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

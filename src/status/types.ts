// Types of the status model: what each signal reads, the reasons it gives, and the provider's headline.
import type { Level, Signal } from '../domain.ts';

/**
 * - fresh: checked recently enough to drive the headline.
 * - stale: data exists but is too old; shown with its age, ignored by the headline.
 * - never: configured but no successful check yet.
 * - absent: the provider has no such source (no official page, no probe).
 * - quiet: community only: nothing unusual reported, which is not evidence of health.
 * - suspended: our own side is at fault (e.g. our network), so the signal says nothing about the provider.
 * - suspect: the source answers but may lie (frozen while other signals show trouble): never evidence of health.
 */
export type SignalState = 'fresh' | 'stale' | 'never' | 'absent' | 'quiet' | 'suspended' | 'suspect';

/** One piece of evidence: which signal (null: about all of them), the level it supports, in words, and when. */
export type Reason = {
  signal: Signal | null;
  level: Level | null;
  text: string;
  at: number | null;
};

/** What one signal says right now. */
export type SignalReading = {
  signal: Signal;
  state: SignalState;
  /** The level this signal supports; `unknown` unless fresh. */
  level: Level;
  /** Stale or suspect only: the level its last reading supported, which may hold a greener word back. */
  lastLevel?: Level;
  /** Time of the last attempt to read the source, successful or not. */
  checkedAt: number | null;
  /** Time of the last successful reading (the last good one). */
  okAt: number | null;
  /** Set when the attempts since the last good reading fail: since when, and how, in words. */
  failing: { since: number; how: string } | null;
  /** One sentence in plain words: what the signal saw. */
  summary: string;
  reasons: Reason[];
  /** What the source itself has become, said beside its state: "now answers as Better Stack". */
  notice?: string;
};

export type ProviderStatus = {
  level: Level;
  label: string;
  /** One sentence for lists: the main reason, or why we cannot tell. */
  summary: string;
  /** Every headline carries its reasons; the ones behind the level come first. */
  reasons: Reason[];
  signals: Record<Signal, SignalReading>;
  /** The most recent check of any signal, successful or not. */
  checkedAt: number | null;
  /** The most recent good reading of the official page or the probe: what "last good reading" shows. */
  lastGoodAt: number | null;
};

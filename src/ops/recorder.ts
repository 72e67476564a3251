// What the app and its jobs report to the metrics: small interfaces, so a module records without knowing prom-client.
import type { CheckOutcome, ProbeOutcome } from '../domain.ts';
import type { IgnoredReason } from '../store/reports.ts';

/** A probe that said nothing about the provider (our network, a refused target) is recorded as inconclusive. */
export type ProbeResultLabel = ProbeOutcome | 'inconclusive';

/** The route label of requests that matched no route, so unknown URLs cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

export type RequestRecorder = {
  /** One answered request: its route pattern (never the raw URL), status and duration. */
  request(method: string, route: string, statusCode: number, durationMs: number): void;
};

export type PollRecorder = {
  /** One poll of a provider's official page, judged by its main document. */
  pollAttempt(provider: string, outcome: CheckOutcome): void;
  /** A provider's status page was found answering as another platform. */
  platformMoved?(provider: string, format: string): void;
};

export type ProbeRecorder = {
  /** One probe of a provider's API and how long it took to answer or fail (null when nothing was learnt). */
  probeResult(provider: string, outcome: ProbeResultLabel, latencyMs: number | null): void;
};

export type RenderRecorder = {
  /** A page served from the render cache without rendering it (a fresh copy, or a render already under way). */
  cacheHit(): void;
  /** A page rendered. */
  render(): void;
};

export type ReportRecorder = {
  /** A community report stored: counted (`ignoredReason` null) or ignored for that reason. */
  report(provider: string, ignoredReason: IgnoredReason | null): void;
};

export type Recorder = RequestRecorder & PollRecorder & ProbeRecorder & RenderRecorder & ReportRecorder;

// Moved platforms: which failures look like the wrong format, and each format's signature to try on the same host.
import type { StatusPage } from '../catalog/schema.ts';
import { MAIN_DOCUMENT, type CheckOutcome, type StatusFormat } from '../domain.ts';
import { joinUrl } from './adapter.ts';
import { ADAPTERS } from './adapters/index.ts';

/** Consecutive wrong-format failures of the main document before the known platforms are tried. */
export const MOVED_AFTER_FAILURES = 3;

/** Where a page keeps its feed, tried in this order. */
const FEED_PATHS = ['/feed.rss', '/feed', '/history.rss', '/history.atom'];

/**
 * Each format's signature: the page URLs to try for it on a host, from the page's base URL and origin. Null: never
 * guessed on another host (Google Cloud's document is Google's own). A new format adds its one entry here.
 */
const SIGNATURES: Record<StatusFormat, ((base: string, origin: string) => string[]) | null> = {
  statuspage: (base) => [base],
  incidentio: (base) => [base],
  instatus: (base) => [base],
  betterstack: (base) => [base],
  feed: (_base, origin) => FEED_PATHS.map((path) => joinUrl(origin, path)),
  datadog: (base) => [base],
  // Flashduty's base carries the page's own id, and AWS Health's document is AWS's own: neither can be guessed.
  flashduty: null,
  gcp: null,
  awshealth: null,
};

/** HTML where JSON is expected, a body of the wrong shape, or a 404 on the format's document. */
export const looksMisplaced = (outcome: CheckOutcome, httpStatus: number | null): boolean =>
  outcome === 'content_type' ||
  outcome === 'parse' ||
  outcome === 'schema' ||
  (outcome === 'http' && httpStatus === 404);

/** The other platforms a page may now answer as, in registry order, each as the page it would be. */
export function platformCandidates(page: StatusPage): StatusPage[] {
  const origin = new URL(page.url).origin;
  const base = ADAPTERS[page.format].url === 'document' ? origin : page.url;
  return (Object.keys(ADAPTERS) as StatusFormat[])
    .filter((format) => format !== page.format)
    .flatMap((format) => (SIGNATURES[format]?.(base, origin) ?? []).map((url) => ({ format, url })));
}

/** True when `body` reads as the candidate's main document with something in it (components or incidents). */
export function answersAs(candidate: StatusPage, body: string, now: number): boolean {
  try {
    const reading = ADAPTERS[candidate.format].read(MAIN_DOCUMENT, body, candidate, now);
    return reading.components !== undefined || reading.incidents !== undefined;
  } catch {
    return false;
  }
}

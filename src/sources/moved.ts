// Moved platforms: which failures look like the wrong format, and each format's signature to try on the same host.
import type { StatusPage } from '../catalog/schema.ts';
import { MAIN_DOCUMENT, type CheckOutcome, type StatusFormat } from '../domain.ts';
import { joinUrl } from './adapter.ts';
import { ADAPTERS } from './adapters/index.ts';

/** Consecutive wrong-format failures of the main document before the known platforms are tried. */
export const MOVED_AFTER_FAILURES = 3;

/** The check "document" that records which platform a page was found to answer as. */
export const PLATFORM_DOCUMENT = 'platform';

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

/** Each platform's name, as pages say which one a page now answers as. */
export const PLATFORM_NAMES: Record<StatusFormat, string> = {
  statuspage: 'Atlassian Statuspage',
  incidentio: 'incident.io',
  instatus: 'Instatus',
  betterstack: 'Better Stack',
  feed: 'an RSS or Atom feed',
  gcp: 'Google Cloud status',
  flashduty: 'Flashduty',
  datadog: 'Datadog Status Pages',
  awshealth: 'AWS Health',
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

/** A found platform as stored in its check's detail, tied to the catalog page it was found from. */
export type FoundPlatform = { format: StatusFormat; url: string; from: { format: StatusFormat; url: string } };

export const platformDetail = (found: FoundPlatform): string => JSON.stringify(found);

/** The platform found for `page`, if the stored detail was found from this very catalog page. */
export function platformFor(page: StatusPage, detail: string | null): FoundPlatform | null {
  if (!detail) return null;
  try {
    const found = JSON.parse(detail) as FoundPlatform;
    const known = found.format in ADAPTERS && typeof found.url === 'string';
    return known && found.from?.format === page.format && found.from.url === page.url ? found : null;
  } catch {
    return null;
  }
}

/** One line per provider whose page answers as another platform than the catalog says, for the operator. */
export function movedNotes(
  providers: readonly { slug: string; statusPage: StatusPage | null }[],
  found: ReadonlyMap<string, { detail: string | null }>,
): string[] {
  return providers.flatMap((p) => {
    const moved = p.statusPage ? platformFor(p.statusPage, found.get(p.slug)?.detail ?? null) : null;
    return moved
      ? [
          `${p.slug}: the status page answers as ${PLATFORM_NAMES[moved.format]}, not ` +
            `${PLATFORM_NAMES[moved.from.format]} as the catalog says; update the catalog`,
        ]
      : [];
  });
}

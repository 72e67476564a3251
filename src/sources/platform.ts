// Where a status page was found to answer when it moved platform: what pages, JSON and /readyz say of it. No
// adapters here, so the web side reads it without loading a single reader.
import type { StatusPage } from '../catalog/schema.ts';
import { STATUS_FORMATS, type StatusFormat } from '../domain.ts';

/** The check "document" that records which platform a page was found to answer as. */
export const PLATFORM_DOCUMENT = 'platform';

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

/** A found platform as stored in its check's detail, tied to the catalog page it was found from. */
export type FoundPlatform = { format: StatusFormat; url: string; from: { format: StatusFormat; url: string } };

export const platformDetail = (found: FoundPlatform): string => JSON.stringify(found);

/** The platform found for `page`, if the stored detail was found from this very catalog page. */
export function platformFor(page: StatusPage, detail: string | null): FoundPlatform | null {
  if (!detail) return null;
  try {
    const found = JSON.parse(detail) as FoundPlatform;
    const known = (STATUS_FORMATS as readonly string[]).includes(found.format) && typeof found.url === 'string';
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

// Every page the site serves, by family, for sitemap.xml: adding a page family is one line in PAGE_FAMILIES.
import { errorTypesFor, type Catalog } from '../../catalog/load.ts';

/** One family of pages: the paths it serves for this catalog. */
export type PageFamily = (catalog: Catalog) => string[];

export const PAGE_FAMILIES: readonly PageFamily[] = [
  () => ['/'],
  () => ['/api'],
  (catalog) => catalog.providers.map((p) => `/${p.slug}`),
  (catalog) => catalog.providers.flatMap((p) => errorTypesFor(catalog, p).map((e) => `/${p.slug}/error/${e.slug}`)),
  (catalog) => catalog.providers.map((p) => `/${p.slug}/is-it-down`),
  (catalog) => catalog.providers.map((p) => `/${p.slug}/history`),
  (catalog) => ['/errors', ...catalog.errorTypes.map((e) => `/errors/${e.slug}`)],
  () => ['/diagnose', '/methodology', '/accountability', '/subscribe'],
];

/** Absolute URLs of every page, in family order, without duplicates. */
export function sitemapUrls(
  catalog: Catalog,
  siteUrl: string,
  families: readonly PageFamily[] = PAGE_FAMILIES,
): string[] {
  return [...new Set(families.flatMap((family) => family(catalog)))].map((path) => `${siteUrl}${path}`);
}

export function robotsTxt(siteUrl: string): string {
  return ['User-agent: *', 'Allow: /', 'Disallow: /api/v1/', '', `Sitemap: ${siteUrl}/sitemap.xml`, ''].join('\n');
}

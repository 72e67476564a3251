// Which link an event may carry to the provider's notice: one on the provider's configured status page (or on our
// own site); any other upstream link is replaced by that status page, so no hostile page sends readers elsewhere.
import type { Provider } from '../catalog/schema.ts';

/** `link` when it is on the provider's status page host or on `siteUrl`; otherwise the status page (null: none). */
export function noticeLink(link: string | null, provider: Provider, siteUrl: string): string | null {
  if (link === null) return null;
  const page = provider.statusPage ? URL.parse(provider.statusPage.url) : null;
  const url = URL.parse(link);
  const site = URL.parse(siteUrl);
  if (url && !url.username && !url.password && (url.protocol === 'https:' || url.protocol === page?.protocol)) {
    if (page && url.host === page.host) return url.href;
    if (site && url.origin === site.origin) return url.href;
  }
  return page ? `${page.origin}/` : null;
}

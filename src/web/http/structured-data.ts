// JSON-LD for search engines: BreadcrumbList and FAQPage built from a page's meta, serialised safely for a script
// element.

export type Crumb = { name: string; path: string };
export type FaqItem = { q: string; a: string };

/** JSON that cannot close its script element or open a comment: <, >, & and line separators become \u escapes. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function breadcrumbList(crumbs: readonly Crumb[], siteUrl: string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((crumb, index) => ({
      '@type': 'ListItem',
      position: index + 1,
      name: crumb.name,
      item: `${siteUrl}${crumb.path}`,
    })),
  };
}

export function faqPage(items: readonly FaqItem[]) {
  return {
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    mainEntity: items.map((item) => ({
      '@type': 'Question',
      name: item.q,
      acceptedAnswer: { '@type': 'Answer', text: item.a },
    })),
  };
}

/** The page's JSON-LD blocks, or none. */
export function structuredData(
  meta: { breadcrumbs?: readonly Crumb[]; faq?: readonly FaqItem[] },
  siteUrl: string,
): string[] {
  const blocks: unknown[] = [];
  if (meta.breadcrumbs && meta.breadcrumbs.length > 1) blocks.push(breadcrumbList(meta.breadcrumbs, siteUrl));
  if (meta.faq && meta.faq.length > 0) blocks.push(faqPage(meta.faq));
  return blocks.map(jsonForScript);
}

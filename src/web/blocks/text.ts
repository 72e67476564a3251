// Catalog text for one provider: placeholders filled in, `code` spans split out, links kept to https.
import type { Provider } from '../../catalog/schema.ts';
import { fillText } from '../../catalog/texts.ts';

export { fillText, placeholderValues } from '../../catalog/texts.ts';

/** A run of text; `code` runs render in a code element. Templates escape both. */
export type Segment = { text: string; code: boolean };

/** Splits text on backticks: "Set `X` now" → text, code, text. */
export function toSegments(text: string): Segment[] {
  return text
    .split('`')
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((segment) => segment.text !== '');
}

export const providerText = (text: string, values: Record<string, string>): Segment[] =>
  toSegments(fillText(text, values));

/** The official status page a visitor can open: `pageUrl`, else the page URL itself (not a feed or JSON document). */
export function officialPageHref(provider: Provider): string | undefined {
  const page = provider.statusPage;
  if (!page) return undefined;
  return safeHref(page.pageUrl ?? (page.format === 'feed' || page.format === 'gcp' ? undefined : page.url));
}

/** The URL if it is an https link, else undefined: only https links are rendered from data. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The plain text of segments, backticks dropped (for meta data and JSON-LD). */
export const segmentsText = (segments: readonly Segment[]): string => segments.map((s) => s.text).join('');

const XML_FORBIDDEN = new RegExp(
  [
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.source,
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.source,
    /(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.source,
  ].join('|'),
  'g',
);

/**
 * Text without the characters XML 1.0 forbids (controls, lone surrogates), so hostile input cannot break a feed or
 * badge.
 */
export function xmlSafe(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

/** A URL path segment from a display name: "Claude API (api.anthropic.com)" → "claude-api-api-anthropic-com". */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The signals a provider has, in words: "its official status page, our live probes of its API and reports". */
export function signalWords(provider: Provider): string {
  const parts = [
    provider.statusPage ? 'its official status page' : null,
    provider.probe ? 'our live probes of its API' : null,
    'reports from developers',
  ].filter((part): part is string => part !== null);
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

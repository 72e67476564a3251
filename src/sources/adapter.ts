// What an adapter is: the documents a format needs and a pure reading of each into part of a snapshot.
import type { StatusPage } from '../catalog/schema.ts';
import type { OfficialSnapshot } from '../domain.ts';

/** Kinds of body a document must have; the HTTP door checks the content type against them. */
export const JSON_TYPES = ['application/json', 'text/json', 'application/vnd.api+json'] as const;
/** JSON files served from object storage (Datadog's config.json, AWS Health's events) may not name their type. */
export const STORED_JSON_TYPES = [...JSON_TYPES, 'binary/octet-stream', 'application/octet-stream'] as const;
export const FEED_TYPES = ['application/atom+xml', 'application/rss+xml', 'application/xml', 'text/xml'] as const;

export type DocumentSpec = {
  /** MAIN_DOCUMENT for the one that decides freshness; `incidents`, `maintenances`, `history`… for the others. */
  name: string;
  url: string;
  accept: readonly string[];
  /** False for a document whose 304 cannot stand for its part (components.json beside summary.json). */
  conditional?: boolean;
};

/** What one document told; the poll job merges the readings of one poll into a snapshot. */
export type DocumentReading = Partial<OfficialSnapshot>;

/** An upstream body we could not use: unreadable (`parse`) or readable but of the wrong shape (`schema`). */
export class SourceError extends Error {
  constructor(
    readonly kind: 'parse' | 'schema',
    message: string,
  ) {
    super(message);
  }
}

export type Adapter = {
  /**
   * What the catalog's `url` names: the page's `base` (documents are paths under it, so platform detection can try
   * them on any host) or the main `document` itself.
   */
  url: 'base' | 'document';
  /** The documents to fetch for a page, the main one first; `now` only dates query windows. */
  documents(page: StatusPage, now: number): DocumentSpec[];
  /** Reads one fetched document; throws SourceError. Pure: `now` only dates windows (feed entries, maintenances). */
  read(document: string, body: string, page: StatusPage, now: number): DocumentReading;
};

/** `base` + `path` without a doubled slash. */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;

/** Lone UTF-16 surrogates (a broken upstream escape such as "\ud800"), which encodeURIComponent refuses. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` as one URL path segment; a lone surrogate becomes U+FFFD, so one bad id spoils only its own link. */
export const pathSegment = (text: string): string => encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));

// What a pasted error says, read leniently: HTTP statuses, JSON or Python-dict fields and identifiers.

export type Features = {
  /** The (already redacted) text, and its lower-case form for phrase checks. */
  text: string;
  lower: string;
  statuses: Set<number>;
  /** Identifier-like values and tokens (`insufficient_quota`, `RESOURCE_EXHAUSTED`), lower-cased. */
  values: Set<string>;
};

const REASON_PHRASES: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  402: 'payment required',
  403: 'forbidden',
  404: 'not found',
  408: 'request timeout',
  413: '(?:payload|request entity) too large',
  422: 'unprocessable entity',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
  529: 'overloaded',
};

const STATUS_PATTERNS: readonly RegExp[] = [
  // A label (`HTTP/1.1`, `status_code`, `error code`…), an optional separator, then the three digits.
  new RegExp(
    String.raw`\b(?:http(?:\/\d(?:\.\d)?)?|status(?:[ _]?code)?|statuscode|error(?: code)?|code)` +
      String.raw`["']?\s*[:=]?\s*["']?([1-5]\d\d)\b`,
    'gi',
  ),
  new RegExp(
    `\\b(${Object.keys(REASON_PHRASES).join('|')})\\s*[-:]?\\s*(?:${Object.values(REASON_PHRASES).join('|')})\\b`,
    'gi',
  ),
  /^\s*([1-5]\d\d)\s*$/g,
];

/** `"key": "value"`, `'key': 'value'` or `"key": 123`, in JSON or a Python dict repr. */
const PAIR = new RegExp(
  // The quoted key and the colon, then a double-quoted, single-quoted or numeric value.
  String.raw`(["'])([A-Za-z_@][\w.@-]{0,40})\1\s*:\s*` +
    String.raw`(?:"((?:[^"\\\n]|\\.){0,2000})"|'((?:[^'\\\n]|\\.){0,2000})'|(-?\d{1,6})\b)`,
  'g',
);
const TOKEN = /\b(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Za-z]+(?:Exception|Error))\b/g;

export const normalise = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim();

export function extractFeatures(text: string): Features {
  const statuses = new Set<number>();
  for (const pattern of STATUS_PATTERNS) {
    for (const m of text.matchAll(pattern)) statuses.add(Number(m[1]));
  }
  const values = new Set<string>();
  for (const m of text.matchAll(PAIR)) {
    const key = m[2]!.toLowerCase();
    const value = m[3] ?? m[4];
    if (value === undefined) {
      if (key === 'code' || key === 'status' || key === 'status_code') {
        const n = Number(m[5]);
        if (n >= 100 && n <= 599) statuses.add(n);
      }
      values.add(m[5]!);
      continue;
    }
    const clean = value.replace(/\\(["'\\])/g, '$1').trim();
    if (clean !== '' && !/\s/.test(clean)) values.add(clean.toLowerCase());
  }
  for (const m of text.matchAll(TOKEN)) values.add(m[0].toLowerCase());
  return { text, lower: text.toLowerCase(), statuses, values };
}

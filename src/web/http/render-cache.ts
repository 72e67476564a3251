// Render cache: each page is rendered once per change of its data (and at most every few seconds), then served
// from memory with an ETag, 304s, cache headers and lazily compressed copies. A page whose data did not change is
// refreshed (for its relative times) in the background: requests never wait for that render.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { RenderRecorder } from '../../ops/recorder.ts';

/** A cached page is re-rendered after this long even if its data did not change, so relative times stay true. */
export const PAGE_REFRESH_MS = 5000;
/** A changed page is not re-rendered more often than this, however fast its data changes. */
export const PAGE_MIN_AGE_MS = 1000;
/** A page whose data did not change is served as it is while its refresh renders, if it is no older than this. */
export const PAGE_STALE_MS = 60_000;
export const CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30, stale-if-error=86400';

export type CachedPage = {
  body: Buffer;
  etag: string;
  contentType: string;
  version: number;
  renderedAt: number;
  gzip?: Buffer;
  br?: Buffer;
};

export type RenderCache = {
  get(
    key: string,
    version: number,
    now: number,
    contentType: string,
    render: () => string | Promise<string>,
  ): Promise<CachedPage>;
  clear(): void;
  readonly size: number;
  readonly renders: number;
  /** How long a rendered page is served without looking at its data (PAGE_MIN_AGE_MS unless given). */
  readonly minAgeMs: number;
  /** How long a page whose data did not change is served before it is rendered again (PAGE_REFRESH_MS). */
  readonly refreshMs: number;
};

export function createRenderCache(
  options: { refreshMs?: number; minAgeMs?: number; maxEntries?: number; recorder?: RenderRecorder } = {},
): RenderCache {
  const refreshMs = options.refreshMs ?? PAGE_REFRESH_MS;
  const minAgeMs = options.minAgeMs ?? PAGE_MIN_AGE_MS;
  const maxEntries = options.maxEntries ?? 5000;
  const entries = new Map<string, CachedPage>();
  const inflight = new Map<string, Promise<CachedPage>>();
  let renders = 0;

  async function renderInto(
    key: string,
    version: number,
    now: number,
    contentType: string,
    render: () => string | Promise<string>,
  ) {
    const text = await render();
    renders += 1;
    options.recorder?.render();
    const body = Buffer.from(text);
    const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
    const previous = entries.get(key);
    const page: CachedPage =
      previous && previous.etag === etag
        ? { ...previous, version, renderedAt: now }
        : { body, etag, contentType, version, renderedAt: now };
    if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value as string);
    entries.set(key, page);
    return page;
  }

  return {
    get(key, version, now, contentType, render) {
      const hit = entries.get(key);
      if (hit) {
        const age = now - hit.renderedAt;
        if (age < minAgeMs || (hit.version === version && age < refreshMs)) {
          options.recorder?.cacheHit();
          return Promise.resolve(hit);
        }
      }
      let job = inflight.get(key);
      const joined = job !== undefined;
      if (!job) {
        job = renderInto(key, version, now, contentType, render).finally(() => inflight.delete(key));
        inflight.set(key, job);
      }
      // Only the relative times of an unchanged page aged: no request waits for their refresh.
      const servedStale = hit !== undefined && hit.version === version && now - hit.renderedAt < PAGE_STALE_MS;
      if (servedStale || joined) options.recorder?.cacheHit();
      if (servedStale) {
        job.catch(() => undefined);
        return Promise.resolve(hit);
      }
      return job;
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
    get renders() {
      return renders;
    },
    minAgeMs,
    refreshMs,
  };
}

/** A body with its compressed copies, each made on first use and kept. */
export type Compressible = { body: Buffer; gzip?: Buffer; br?: Buffer };

export const compress = (body: Buffer | string, encoding: 'br' | 'gzip'): Buffer =>
  encoding === 'br'
    ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
    : gzipSync(body, { level: 6 });

export function compressed(holder: Compressible, encoding: 'br' | 'gzip'): Buffer {
  if (encoding === 'br') return (holder.br ??= compress(holder.body, 'br'));
  return (holder.gzip ??= compress(holder.body, 'gzip'));
}

/** The q-value of each coding a client lists (RFC 9110 §12.5.3): names case-insensitive, a missing q is 1. */
function codingWeights(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!name) continue;
    const q = params.map((param) => /^q\s*=\s*([01](?:\.\d{0,3})?)$/.exec(param)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  return weights;
}

/** The choice for the Accept-Encoding headers seen most recently: browsers send the same few, request after request. */
const picked = new Map<string, 'br' | 'gzip' | null>();
const PICKED_MAX = 64;

/** The coding with the highest q above 0 (brotli on a tie), a coding not named taking the weight of `*`. */
export function pickEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  const known = picked.get(header);
  if (known !== undefined) return known;
  const choice = chooseEncoding(header);
  if (picked.size >= PICKED_MAX) picked.delete(picked.keys().next().value as string);
  picked.set(header, choice);
  return choice;
}

function chooseEncoding(header: string): 'br' | 'gzip' | null {
  const weights = codingWeights(header);
  const weightOf = (name: string) =>
    weights.get(name) ?? (name === 'gzip' ? weights.get('x-gzip') : undefined) ?? weights.get('*') ?? 0;
  const [br, gzip] = [weightOf('br'), weightOf('gzip')];
  if (br > 0 && br >= gzip) return 'br';
  return gzip > 0 ? 'gzip' : null;
}

/** Whether If-None-Match matches `etag`: `*`, or any listed tag by weak comparison (W/ ignored, RFC 9110 §13.1.2). */
export function noneMatchHits(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//i, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

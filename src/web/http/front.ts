// The front: how cached pages are written. Each answer goes out at once with its complete headers (kept per page and
// encoding) instead of through Fastify's reply hooks; and a page the app has just served, and found current, is
// answered again to the same request (GET or HEAD of the same address) straight from memory before Fastify routes
// it, for at most FRONT_MS. Under load one request per address in each FRONT_MS goes through the app and checks the
// page's data; the others cost a write. The front answers only what the app answered a moment ago, so its rules
// (security headers, 304s, encodings, metrics) are the app's.
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest, FastifyServerFactory, FastifyServerOptions } from 'fastify';
import { UNMATCHED_ROUTE, type RenderRecorder, type RequestRecorder } from '../../ops/recorder.ts';
import {
  CACHE_CONTROL,
  compressed,
  noneMatchHits,
  pickEncoding,
  type CachedPage,
  type RenderCache,
} from './render-cache.ts';

/** How long after the app found a page current the front answers it again without asking the app. */
export const FRONT_MS = 250;
/** How many addresses the front remembers (the oldest is forgotten first). */
export const FRONT_MAX_ENTRIES = 5000;

/**
 * How an answer is typed and cached by clients, and the headers of its own: one replaces the site's header of that
 * name, null leaves the site's out (the embed may be framed: no X-Frame-Options).
 */
export type ServeType = {
  contentType: string;
  cacheControl?: string;
  headers?: Readonly<Record<string, string | null>>;
};

/** What every answer carries besides its own headers (the security headers), and whether the app is closing. */
export type ReplyBaseline = { readonly headers: Readonly<Record<string, string>>; closing(): boolean };

type Variant = 'identity' | 'br' | 'gzip' | 'notModified';

/** A page as one address answers it: its headers per variant, kept as written ([name, value, name, value…]). */
type Answer = {
  page: CachedPage;
  cacheControl: string;
  /** The headers the route set itself (CORS on a public API, the embed's CSP; null leaves the site's out). */
  own: Readonly<Record<string, unknown>>;
  lists: Partial<Record<Variant, string[]>>;
  /** When the app last found the page current for this address; null: not current, only the app answers it. */
  checkedAt: number | null;
  /** The route pattern, for the request metrics. */
  route: string;
};

export type Front = {
  /** Answers `req` when the app served its page within FRONT_MS and found it current; false leaves it to the app. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Sends a cached page for the app: 304 when the client has it, else the encoding it prefers. `current`: the page
   * was rendered from the data as it is now, so the front may answer it again.
   */
  send(request: FastifyRequest, reply: FastifyReply, page: CachedPage, type: ServeType, current: boolean): void;
};

export type FrontOptions = {
  baseline: ReplyBaseline;
  cache: Pick<RenderCache, 'minAgeMs' | 'refreshMs'>;
  now: () => number;
  /** False: every request goes through the app (e.g. so that each is logged at debug). */
  answering: boolean;
  recorder?: RequestRecorder & RenderRecorder;
  maxEntries?: number;
};

const bodyOf = (page: CachedPage, variant: Exclude<Variant, 'notModified'>): Buffer =>
  variant === 'identity' ? page.body : compressed(page, variant);

/** A page's own headers for one variant: validators and caching, then its type, encoding and length. */
function pageHeaders(page: CachedPage, variant: Variant, cacheControl: string): [string, string][] {
  const headers: [string, string][] = [
    ['etag', page.etag],
    ['cache-control', cacheControl],
    ['vary', 'accept-encoding'],
  ];
  if (variant === 'notModified') return headers;
  headers.push(['content-type', page.contentType]);
  if (variant !== 'identity') headers.push(['content-encoding', variant]);
  headers.push(['content-length', String(bodyOf(page, variant).length)]);
  return headers;
}

/** One variant's headers: the page's, then the route's own, then the baseline's not set by either. */
function headerList(answer: Answer, variant: Variant, baseline: ReplyBaseline): string[] {
  const list: string[] = [];
  const taken = new Set<string>();
  const add = (name: string, value: unknown) => {
    if (taken.has(name) || value === undefined) return;
    taken.add(name);
    if (value === null) return;
    for (const one of Array.isArray(value) ? value : [value]) list.push(name, String(one));
  };
  for (const [name, value] of pageHeaders(answer.page, variant, answer.cacheControl)) add(name, value);
  for (const [name, value] of Object.entries(answer.own)) add(name, value);
  for (const [name, value] of Object.entries(baseline.headers)) add(name, value);
  return list;
}

/** The variant a request asks for: 304 when it holds the page's tag, else the encoding it prefers. */
function variantFor(headers: IncomingMessage['headers'], page: CachedPage): Variant {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch && noneMatchHits(ifNoneMatch, page.etag)) return 'notModified';
  return (page.body.length > 0 ? pickEncoding(headers['accept-encoding']) : null) ?? 'identity';
}

/** While the app closes, each answer says Connection: close, so no keep-alive client holds the server open. */
const CLOSE = ['connection', 'close'];

function write(res: ServerResponse, answer: Answer, variant: Variant, baseline: ReplyBaseline): number {
  const kept = (answer.lists[variant] ??= headerList(answer, variant, baseline));
  const headers = baseline.closing() ? [...kept, ...CLOSE] : kept;
  if (variant === 'notModified') {
    res.writeHead(304, headers).end();
    return 304;
  }
  res.writeHead(200, headers).end(bodyOf(answer.page, variant));
  return 200;
}

export function createFront(options: FrontOptions): Front {
  const { baseline, cache, now, recorder } = options;
  const maxEntries = options.maxEntries ?? FRONT_MAX_ENTRIES;
  const windowMs = Math.min(FRONT_MS, cache.minAgeMs);
  const answers = new Map<string, Answer>();

  /** The answer kept for an address, made again when the page, its caching or the route's own headers changed. */
  function answerFor(url: string, page: CachedPage, cacheControl: string, own: Record<string, unknown>, route: string) {
    const kept = answers.get(url);
    if (kept && kept.page === page && kept.cacheControl === cacheControl && sameHeaders(kept.own, own)) return kept;
    const answer: Answer = { page, cacheControl, own, lists: {}, checkedAt: null, route };
    if (!kept && answers.size >= maxEntries) answers.delete(answers.keys().next().value as string);
    answers.set(url, answer);
    return answer;
  }

  return {
    answer(req, res) {
      if (!options.answering || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      const answer = answers.get(req.url ?? '');
      if (answer?.checkedAt == null) return false;
      const t = now();
      if (t - answer.checkedAt >= windowMs || t - answer.page.renderedAt >= cache.refreshMs) return false;
      // A request with a body is the app's to judge; and so is every request once the app closes.
      if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;
      if (baseline.closing()) return false;
      const started = recorder ? performance.now() : 0;
      const status = write(res, answer, variantFor(req.headers, answer.page), baseline);
      if (recorder) {
        recorder.cacheHit();
        recorder.request(req.method, answer.route, status, performance.now() - started);
      }
      return true;
    },
    send(request, reply, page, type, current) {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      const own = type.headers ? { ...reply.getHeaders(), ...type.headers } : reply.getHeaders();
      const answer = answerFor(request.url, page, type.cacheControl ?? CACHE_CONTROL, own, route);
      const t = now();
      answer.checkedAt = current && t - page.renderedAt < cache.refreshMs ? t : null;
      reply.hijack();
      write(reply.raw, answer, variantFor(request.headers, page), baseline);
    },
  };
}

function sameHeaders(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => String(a[name]) === String(b[name]));
}

/**
 * Fastify's HTTP server (the same timeouts) with the front before the app: what `front()` answers never reaches
 * Fastify. Given as a function because the front is made once the app exists.
 */
export function serverWithFront(front: () => Front | undefined): FastifyServerFactory {
  return (handler, fastifyOptions) => {
    const options = fastifyOptions as FastifyServerOptions & { http?: ServerOptions };
    const server = createServer(options.http ?? {}, (req, res) => {
      if (front()?.answer(req, res) !== true) handler(req, res);
    });
    server.keepAliveTimeout = options.keepAliveTimeout ?? server.keepAliveTimeout;
    server.requestTimeout = options.requestTimeout ?? server.requestTimeout;
    server.setTimeout(options.connectionTimeout ?? 0);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}

// The HTTP door to upstreams (undici): total deadline, size cap, content-type check, bounded decompression,
// re-checked redirects, the address policy at connect time, conditional requests, typed failures, connection phases.
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { FetchFailure } from '../domain.ts';
import type { UpstreamPolicy } from './addresses.ts';

export const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BLOCKED_CODE = 'ERR_UPSTREAM_BLOCKED';

export type Validators = { etag: string | null; lastModified: string | null };

export type HttpRequest = {
  method?: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Total time allowed: connect, headers and body. */
  deadlineMs: number;
  /** Largest body accepted, before and after decompression. */
  maxBytes: number;
  /** Media types a successful (2xx) answer must have; any when absent. */
  accept?: readonly string[];
  validators?: Validators;
  signal?: AbortSignal;
  /** Open a new connection and close it after the answer, so every attempt measures the same phases. */
  newConnection?: boolean;
  /** false: a redirect is the answer (its status returned), never followed. */
  followRedirects?: boolean;
  /** false: the answer ends with its headers (body '' and left to drain), however slowly its body comes. */
  readBody?: boolean;
};

/** How long one connection took to set up: DNS lookup, TCP connect, TLS handshake (null: step not taken or unknown). */
export type ConnectionPhases = { dnsMs: number | null; connectMs: number | null; tlsMs: number | null };

/** Phases are null when the request reused a connection or the door has no connection log. */
export type HttpTiming = { totalMs: number; headersMs: number | null } & ConnectionPhases;

/** The phases of the connections a dispatcher opened, by origin, so the door can tell a request how its own went. */
export type ConnectionLog = {
  record(origin: string, phases: ConnectionPhases, at: number): void;
  /** The phases of the latest connection to `origin` set up (or failed) at or after `sinceAt` (performance.now()). */
  since(origin: string, sinceAt: number): ConnectionPhases | null;
};

const NO_PHASES: ConnectionPhases = { dnsMs: null, connectMs: null, tlsMs: null };

export function createConnectionLog(): ConnectionLog {
  const latest = new Map<string, { at: number; phases: ConnectionPhases }>();
  return {
    record: (origin, phases, at) => void latest.set(origin, { at, phases }),
    since(origin, sinceAt) {
      const entry = latest.get(origin);
      return entry && entry.at >= sinceAt ? entry.phases : null;
    },
  };
}

/** "https://host:443": the same key for a URL and for the connector's options. */
export function originKey(protocol: string, hostname: string, port: string): string {
  return `${protocol}//${hostname.replace(/^\[|\]$/g, '')}:${port || (protocol === 'https:' ? '443' : '80')}`;
}

/** Any HTTP answer, whatever its status; the caller decides what a status means. */
export type HttpResponse = {
  ok: true;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The URL that answered, after redirects. */
  url: string;
  notModified: boolean;
  validators: Validators;
  retryAfterMs: number | null;
  timing: HttpTiming;
};

export type HttpFailure = {
  ok: false;
  kind: FetchFailure;
  detail: string;
  status: number | null;
  /** The system or undici error code behind a network failure (ECONNRESET, ENOTFOUND…), for finer mapping. */
  code: string | null;
  retryAfterMs: number | null;
  timing: HttpTiming;
};

export type HttpResult = HttpResponse | HttpFailure;

export type HttpDoor = { request(request: HttpRequest): Promise<HttpResult> };

class BlockedError extends Error {
  readonly code = BLOCKED_CODE;
  constructor() {
    super('the upstream address is not allowed');
  }
}

/** A DNS lookup that refuses answers the policy forbids, so the address is checked where the socket connects. */
function guardedLookup(policy: UpstreamPolicy, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      if (all.length === 0 || all.some((a) => !policy.isAllowedAddress(a))) return callback(new BlockedError(), '', 4);
      callback(null, address, family);
    });
  };
}

/**
 * Opens a connection through `base`, timing its phases from the socket's events into `log`. undici's connector
 * returns the socket it opens (its types say void); without it only the total set-up time is known.
 */
function timedConnect(base: buildConnector.connector, log: ConnectionLog): buildConnector.connector {
  return (opts, callback) => {
    const startedAt = performance.now();
    let lookupAt: number | null = null;
    let lookupFailed = false;
    let tcpAt: number | null = null;
    const tls = opts.protocol === 'https:';
    const open = base as unknown as (o: typeof opts, cb: typeof callback) => Socket | undefined;
    const socket = open(opts, (...result) => {
      const error = result[0];
      const doneAt = performance.now();
      const setupStart = lookupAt ?? startedAt;
      // A plain socket calls back from its own 'connect', before our listener has seen it.
      const tcpDone = tcpAt ?? (!error && !tls ? doneAt : null);
      log.record(
        originKey(opts.protocol, opts.hostname, opts.port),
        {
          dnsMs: lookupAt === null ? null : Math.round(lookupAt - startedAt),
          connectMs:
            tcpDone !== null
              ? Math.round(tcpDone - setupStart)
              : error && !lookupFailed
                ? Math.round(doneAt - setupStart)
                : null,
          tlsMs: tls && tcpDone !== null ? Math.round(doneAt - tcpDone) : null,
        },
        doneAt,
      );
      callback(...result);
    });
    socket?.once?.('lookup', (error: Error | null) => {
      lookupAt = performance.now();
      lookupFailed = error !== null && error !== undefined;
    });
    socket?.once?.('connect', () => {
      tcpAt = performance.now();
    });
  };
}

/**
 * The dispatcher every upstream request goes through: created once, closed on shutdown. IP-literal hosts skip
 * DNS, so the connector checks them itself. With a connection log, each connection's phases are recorded.
 */
export function createUpstreamDispatcher(options: {
  policy: UpstreamPolicy;
  /** How names are resolved: server.ts passes src/sources/lookup.ts's resolver; tests pass their own. */
  lookup: LookupFunction;
  connectTimeoutMs?: number;
  connections?: number;
  connectionLog?: ConnectionLog;
}): Agent {
  const built = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup(options.policy, options.lookup),
  });
  const base = options.connectionLog ? timedConnect(built, options.connectionLog) : built;
  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !options.policy.isAllowedAddress(host)) {
      callback(new BlockedError(), null);
      return;
    }
    base(opts, callback);
  };
  return new Agent({ connect, connections: options.connections ?? 8, keepAliveTimeout: 30_000, pipelining: 1 });
}

const NETWORK_CODES: Record<string, FetchFailure> = {
  [BLOCKED_CODE]: 'blocked',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  // Answers of the DNS_SERVERS resolver (c-ares).
  ENODATA: 'dns',
  ESERVFAIL: 'dns',
  EREFUSED: 'dns',
  ETIMEOUT: 'dns',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
};

function errorCode(error: unknown): string | null {
  for (
    let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth += 1
  ) {
    if (typeof e.code === 'string') return e.code;
  }
  return null;
}

/** Classifies a thrown network error finely enough for probes: dns, tls, timeout, blocked, or network. */
export function classifyError(error: unknown): { kind: FetchFailure; code: string | null } {
  const code = errorCode(error);
  if (code === null) return { kind: 'network', code };
  if (NETWORK_CODES[code]) return { kind: NETWORK_CODES[code], code };
  if (
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/.test(code) ||
    code.includes('CERT')
  )
    return { kind: 'tls', code };
  return { kind: 'network', code };
}

/** Retry-After in ms: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function mediaAccepted(contentType: string | undefined, accept: readonly string[] | undefined): boolean {
  if (!accept || !contentType) return true;
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (accept.includes(media)) return true;
  return (
    (media.endsWith('+json') && accept.some((a) => a.includes('json'))) ||
    (media.endsWith('+xml') && accept.some((a) => a.includes('xml')))
  );
}

class BodyError extends Error {
  constructor(
    readonly kind: 'too_large' | 'parse',
    message: string,
  ) {
    super(message);
  }
}

function decompress(raw: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  const options = { maxOutputLength: maxBytes };
  try {
    if (name === 'identity' || name === '') return raw;
    if (name === 'gzip' || name === 'x-gzip') return gunzipSync(raw, options);
    if (name === 'br') return brotliDecompressSync(raw, options);
    if (name === 'deflate') {
      try {
        return inflateSync(raw, options);
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw error;
        return inflateRawSync(raw, options);
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyError('too_large', `decompressed body over ${maxBytes} bytes`);
    throw new BodyError('parse', `body could not be decompressed (${name})`);
  }
  throw new BodyError('parse', `unsupported content-encoding ${name}`);
}

/** Text of a body: a BOM or a UTF-16 byte pattern wins, then the declared charset, then UTF-8. */
function decode(bytes: Buffer, contentType: string | undefined): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // UTF-16 without a BOM: JSON and XML start with an ASCII character, so its zero half gives the byte order away.
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0)
    return new TextDecoder('utf-16be').decode(bytes);
  if (bytes.length >= 4 && bytes[0] !== 0 && bytes[1] === 0 && bytes[3] === 0)
    return new TextDecoder('utf-16le').decode(bytes);
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

async function readBody(
  body: Dispatcher.ResponseData['body'],
  declaredLength: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  if (declaredLength && Number(declaredLength) > maxBytes) {
    body.destroy();
    throw new BodyError('too_large', `content-length ${declaredLength} over ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyError('too_large', `body over ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The door: every upstream request of the poller (and the probes) goes through here. */
export function createHttpDoor(deps: {
  dispatcher: Dispatcher;
  policy: UpstreamPolicy;
  userAgent: string;
  now?: () => number;
  connectionLog?: ConnectionLog;
}): HttpDoor {
  const { dispatcher, policy, userAgent, connectionLog } = deps;
  const now = deps.now ?? Date.now;

  function forbidden(url: URL): string | null {
    if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:'))
      return `scheme ${url.protocol} is not allowed`;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !policy.isAllowedAddress(host)) return 'the address is not allowed';
    return null;
  }

  async function request(req: HttpRequest): Promise<HttpResult> {
    const started = performance.now();
    let headersMs: number | null = null;
    let status: number | null = null;
    let retryAfterMs: number | null = null;
    const timing = (): HttpTiming => ({
      totalMs: Math.round(performance.now() - started),
      headersMs,
      ...(connectionLog?.since(originKey(url.protocol, url.hostname, url.port), started) ?? NO_PHASES),
    });
    const fail = (kind: FetchFailure, detail: string, code: string | null = null): HttpFailure => ({
      ok: false,
      kind,
      detail,
      status,
      code,
      retryAfterMs,
      timing: timing(),
    });

    const deadline = AbortSignal.timeout(req.deadlineMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    const cutOff = (): HttpFailure =>
      req.signal?.aborted
        ? fail('aborted', 'cancelled')
        : fail('timeout', `no complete answer within ${req.deadlineMs} ms`);
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return {
        ok: false,
        kind: 'blocked',
        detail: 'not a valid URL',
        status,
        code: null,
        retryAfterMs,
        timing: { totalMs: 0, headersMs, ...NO_PHASES },
      };
    }
    let method = req.method ?? 'GET';
    let body = req.body;
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      'accept-encoding': 'gzip, br, deflate',
      ...(req.accept ? { accept: `${req.accept.join(', ')};q=1, */*;q=0.1` } : {}),
      ...(req.validators?.etag ? { 'if-none-match': req.validators.etag } : {}),
      ...(req.validators?.lastModified ? { 'if-modified-since': req.validators.lastModified } : {}),
      ...req.headers,
    };

    // The door keeps its own deadline: a request undici never settles (a wedged pool, a lookup stuck in the thread
    // pool) still ends at the deadline or the caller's abort; what can be aborted is aborted through `signal`.
    if (signal.aborted) return cutOff();
    let stop: () => void = () => undefined;
    const stopped = new Promise<HttpFailure>((resolve) => {
      stop = () => resolve(cutOff());
      signal.addEventListener('abort', stop, { once: true });
    });
    try {
      return await Promise.race([exchange(), stopped]);
    } finally {
      signal.removeEventListener('abort', stop);
    }

    async function exchange(): Promise<HttpResult> {
      let hop = 0;
      try {
        for (; ; hop += 1) {
          // A forbidden target is our refusal, on the first hop or after a redirect: `blocked`, never the upstream's
          // failure (a redirect to the metadata address says nothing about the provider's health).
          const why = forbidden(url);
          if (why) return fail('blocked', hop === 0 ? why : `redirect to a forbidden target: ${why}`, BLOCKED_CODE);
          const res = await dispatcher.request({
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method,
            headers,
            body,
            signal,
            headersTimeout: req.deadlineMs,
            bodyTimeout: req.deadlineMs,
            ...(req.newConnection ? { reset: true } : {}),
          });
          headersMs = Math.round(performance.now() - started);
          status = res.statusCode;
          const resHeaders = flatHeaders(res.headers);
          retryAfterMs = parseRetryAfter(resHeaders['retry-after'], now());
          const answer = (text: string): HttpResponse => ({
            ok: true,
            status: res.statusCode,
            headers: resHeaders,
            body: text,
            url: url.href,
            notModified: res.statusCode === 304,
            validators: { etag: resHeaders.etag ?? null, lastModified: resHeaders['last-modified'] ?? null },
            retryAfterMs,
            timing: timing(),
          });
          if (req.readBody === false) {
            // Drained in the background (up to maxBytes, then cut), within the request's deadline.
            res.body.dump({ limit: req.maxBytes, signal }).catch(() => undefined);
            return answer('');
          }
          if (REDIRECTS.has(res.statusCode) && resHeaders.location && req.followRedirects !== false) {
            await res.body.dump();
            if (hop >= MAX_REDIRECTS) return fail('redirect', `more than ${MAX_REDIRECTS} redirects`);
            url = new URL(resHeaders.location, url);
            if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
              method = 'GET';
              body = undefined;
            }
            continue;
          }
          const success = res.statusCode >= 200 && res.statusCode < 300;
          if (success && !mediaAccepted(resHeaders['content-type'], req.accept)) {
            await res.body.dump();
            return fail('content_type', `content-type ${resHeaders['content-type']?.split(';')[0] ?? 'missing'}`);
          }
          const raw = await readBody(res.body, resHeaders['content-length'], req.maxBytes);
          const text = decode(
            decompress(raw, resHeaders['content-encoding'], req.maxBytes),
            resHeaders['content-type'],
          );
          return answer(text);
        }
      } catch (error) {
        if (error instanceof BodyError) return fail(error.kind, error.message);
        if (signal.aborted) return cutOff();
        const { kind, code } = classifyError(error);
        if (kind === 'blocked' && hop > 0) return fail('blocked', 'redirect to a forbidden address', code);
        const message = (error as Error).message.replace(
          /\[?[0-9a-f:.]*\d[0-9a-f:.]*\]?:\d+|\b\d{1,3}(\.\d{1,3}){3}\b/gi,
          '<address>',
        );
        return fail(
          kind,
          kind === 'blocked' ? 'the address is not allowed' : `${code ?? 'error'}: ${message}`.slice(0, 200),
          code,
        );
      }
    }
  }

  return { request };
}

/** The printable-ASCII form of a name (a header value must be Latin-1, and plain ASCII is safest): accents and
 * typographic dashes and quotes folded, anything else dropped, whitespace collapsed. */
function asciiText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c-\u201f]/g, '"')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/[()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The product token used when the site's name has nothing printable in ASCII (e.g. written in Cyrillic). */
export const USER_AGENT_PRODUCT = 'ai-status';

/**
 * "<site name> (+<site url>)": tells upstream operators who is calling, always in printable ASCII, whatever
 * SITE_NAME and SITE_URL hold (a non-ASCII host becomes punycode, a path percent-encoded). Built once at boot.
 */
export function userAgentFor(siteName: string, siteUrl: string): string {
  const folded = asciiText(siteName);
  const name = /[A-Za-z0-9]/.test(folded) ? folded : USER_AGENT_PRODUCT;
  const url = URL.parse(siteUrl)?.href.replace(/\/+$/, '') ?? '';
  return /^[\x21-\x7e]+$/.test(url) ? `${name} (+${url})` : name;
}

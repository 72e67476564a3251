// The HTTP door against real servers on 127.0.0.1: answers, limits, redirects, the address policy and failures.
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, upstreamPolicy, type UpstreamPolicy } from '../../src/sources/addresses.ts';
import {
  classifyError,
  createHttpDoor,
  createUpstreamDispatcher,
  parseRetryAfter,
  userAgentFor,
  type HttpDoor,
  type HttpFailure,
  type HttpResponse,
} from '../../src/sources/http.ts';
import { testLookup } from '../helpers/poll.ts';
import { json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const JSON_ONLY = ['application/json'];

let up: Upstream;
let agent: Agent;
let door: HttpDoor;

function doorWith(policy: UpstreamPolicy): { door: HttpDoor; agent: Agent } {
  const a = createUpstreamDispatcher({ policy, lookup: testLookup });
  return {
    agent: a,
    door: createHttpDoor({ dispatcher: a, policy, userAgent: userAgentFor('Test Status', 'https://status.example') }),
  };
}

beforeAll(async () => {
  up = await startUpstream();
  ({ door, agent } = doorWith(upstreamPolicy(true)));
});
afterAll(async () => {
  await agent.close();
  await up.close();
});

const get = (path: string, extra: Partial<Parameters<HttpDoor['request']>[0]> = {}) =>
  door.request({ url: `${up.url}${path}`, deadlineMs: 1000, maxBytes: 64 * 1024, accept: JSON_ONLY, ...extra });
const failure = (r: Awaited<ReturnType<HttpDoor['request']>>) => {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  return r as HttpFailure;
};
const success = (r: Awaited<ReturnType<HttpDoor['request']>>) => {
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r as HttpResponse;
};

describe('answers', () => {
  it('returns status, headers, text, timing, validators, and names the site in the User-Agent', async () => {
    up.set(
      '/ok.json',
      json({ hello: 'wörld' }, { etag: '"v1"', headers: { 'last-modified': 'Mon, 06 Oct 2026 12:00:00 GMT' } }),
    );
    const r = success(await get('/ok.json'));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ hello: 'wörld' });
    expect(r.validators).toEqual({ etag: '"v1"', lastModified: 'Mon, 06 Oct 2026 12:00:00 GMT' });
    expect(r.timing.headersMs).not.toBeNull();
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(r.timing.headersMs!);
    expect(up.requests.at(-1)!.headers['user-agent']).toBe('Test Status (+https://status.example)');
  });

  it('sends validators and reports 304 as not modified', async () => {
    up.set('/etag.json', json('{}', { etag: '"abc"' }));
    const r = success(await get('/etag.json', { validators: { etag: '"abc"', lastModified: null } }));
    expect(r).toMatchObject({ status: 304, notModified: true, body: '' });
  });

  it('decompresses gzip and brotli, and decodes a declared charset and a UTF-16 BOM', async () => {
    up.set('/gz', json('{"a":"ü"}', { gzip: true }));
    expect(success(await get('/gz')).body).toBe('{"a":"ü"}');
    up.set('/br', {
      type: 'application/json',
      body: brotliCompressSync(Buffer.from('{"b":1}')),
      headers: { 'content-encoding': 'br' },
    });
    expect(success(await get('/br')).body).toBe('{"b":1}');
    up.set('/latin1', {
      type: 'application/json; charset=iso-8859-1',
      body: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]),
    });
    expect(success(await get('/latin1')).body).toBe('{"é"}');
    up.set('/utf16', {
      type: 'application/json',
      body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"aws":true}', 'utf16le')]),
    });
    expect(success(await get('/utf16')).body).toBe('{"aws":true}');
  });

  it('hands non-2xx answers to the caller with Retry-After', async () => {
    up.set('/limited', { status: 429, type: 'text/html', body: 'slow down', headers: { 'retry-after': '120' } });
    const r = success(await get('/limited'));
    expect(r).toMatchObject({ status: 429, retryAfterMs: 120_000, body: 'slow down' });
  });
});

describe('limits', () => {
  it('refuses a body over the cap, declared or streamed', async () => {
    up.set('/big', json(JSON.stringify({ pad: 'x'.repeat(100_000) })));
    expect(failure(await get('/big'))).toMatchObject({ kind: 'too_large', status: 200 });
  });

  it('bounds decompression: a small gzip bomb is refused', async () => {
    up.set('/bomb', {
      type: 'application/json',
      body: gzipSync(Buffer.alloc(5_000_000, 32)),
      headers: { 'content-encoding': 'gzip' },
    });
    const r = failure(await get('/bomb'));
    expect(r.kind).toBe('too_large');
    expect(r.detail).toContain('decompressed');
  });

  it('checks the content type of successful answers', async () => {
    up.set('/html', { type: 'text/html; charset=utf-8', body: '<html>Better Stack shell</html>' });
    expect(failure(await get('/html'))).toMatchObject({ kind: 'content_type', detail: 'content-type text/html' });
    up.set('/problem', { type: 'application/problem+json', body: '{}' });
    expect(success(await get('/problem')).status).toBe(200);
  });

  it('times out when headers never come, and when the body stalls', async () => {
    up.set('/hang', { fault: 'hang-before-headers' });
    const before = failure(await get('/hang', { deadlineMs: 200 }));
    expect(before).toMatchObject({ kind: 'timeout', status: null, timing: { headersMs: null } });
    up.set('/stall', json(JSON.stringify({ pad: 'y'.repeat(5000) }), { fault: 'hang-mid-body' }));
    const during = failure(await get('/stall', { deadlineMs: 200 }));
    expect(during).toMatchObject({ kind: 'timeout', status: 200 });
    expect(during.timing.headersMs).not.toBeNull();
  });

  it('reports a reset connection as a network failure with its code', async () => {
    up.set('/reset', { fault: 'reset' });
    const r = failure(await get('/reset'));
    expect(r.kind).toBe('network');
    expect(r.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(r.detail).not.toMatch(/127\.0\.0\.1/);
  });

  it('stops when the caller aborts, as "aborted", not as a source failure', async () => {
    up.set('/hang2', { fault: 'hang-before-headers' });
    const controller = new AbortController();
    const pending = get('/hang2', { deadlineMs: 5000, signal: controller.signal });
    controller.abort();
    expect(failure(await pending).kind).toBe('aborted');
  });
});

describe('redirects and the address policy', () => {
  it('follows a few redirects, each hop re-checked, and refuses too many', async () => {
    up.set('/r1', { status: 301, headers: { location: '/r2' } });
    up.set('/r2', { status: 302, headers: { location: `http://a.status.test:${up.port}/final` } });
    up.set('/final', json('{"done":true}'));
    const r = success(await get('/r1'));
    expect(r.url).toBe(`http://a.status.test:${up.port}/final`);
    for (let i = 0; i < 5; i += 1) up.set(`/loop${i}`, { status: 307, headers: { location: `/loop${i + 1}` } });
    expect(failure(await get('/loop0'))).toMatchObject({ kind: 'redirect' });
  });

  it('refuses a redirect to a private address, by literal or by name, before connecting', async () => {
    up.set('/to-literal', { status: 302, headers: { location: 'http://10.0.0.7/steal' } });
    expect(failure(await get('/to-literal'))).toMatchObject({ kind: 'blocked' });
    up.set('/to-name', { status: 302, headers: { location: 'http://private.test/steal' } });
    expect(failure(await get('/to-name'))).toMatchObject({ kind: 'blocked' });
  });

  it('checks IP-literal hosts in the connector too, where no lookup happens', async () => {
    const error = await agent.request({ origin: 'http://10.9.9.9:9', path: '/', method: 'GET' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(classifyError(error)).toMatchObject({ kind: 'blocked' });
  });

  it('fails an unknown host as dns', async () => {
    const r = failure(await door.request({ url: 'http://no-such-host.invalid/x', deadlineMs: 1000, maxBytes: 1000 }));
    expect(r).toMatchObject({ kind: 'dns', code: 'ENOTFOUND' });
  });

  it('by default allows https to public addresses only', async () => {
    const strict = doorWith(upstreamPolicy(false));
    try {
      expect(
        failure(await strict.door.request({ url: `${up.url}/ok.json`, deadlineMs: 500, maxBytes: 1000 })).kind,
      ).toBe('blocked');
      expect(
        failure(await strict.door.request({ url: 'https://127.0.0.1:1/x', deadlineMs: 500, maxBytes: 1000 })).kind,
      ).toBe('blocked');
      expect(
        failure(
          await strict.door.request({ url: `https://a.status.test:${up.port}/x`, deadlineMs: 500, maxBytes: 1000 }),
        ).kind,
      ).toBe('blocked');
      expect(
        failure(await strict.door.request({ url: 'ftp://example.com/x', deadlineMs: 500, maxBytes: 1000 })).kind,
      ).toBe('blocked');
    } finally {
      await strict.agent.close();
    }
  });

  it('with private upstreams allowed, opens http and loopback only, never LAN or metadata addresses', () => {
    const relaxed = upstreamPolicy(true);
    expect(relaxed.allowHttp).toBe(true);
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '8.8.8.8'])
      expect(relaxed.isAllowedAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.1', '172.17.0.2', '169.254.169.254', 'fd00::1', '0.0.0.0'])
      expect(relaxed.isAllowedAddress(a), a).toBe(false);
  });

  it('knows which addresses are public', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '2001:4860:4860::8888'])
      expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '[::1]',
      'not-an-ip',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
});

describe('helpers', () => {
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('30', 0)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });

  it('classifies network errors finely enough for probes', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyError(e('ENOTFOUND')).kind).toBe('dns');
    expect(classifyError(e('ECONNREFUSED')).kind).toBe('network');
    expect(classifyError(e('UND_ERR_CONNECT_TIMEOUT')).kind).toBe('timeout');
    expect(classifyError(e('CERT_HAS_EXPIRED')).kind).toBe('tls');
    expect(classifyError(e('ERR_TLS_CERT_ALTNAME_INVALID')).kind).toBe('tls');
    expect(classifyError(Object.assign(new Error('wrapped'), { cause: e('DEPTH_ZERO_SELF_SIGNED_CERT') })).kind).toBe(
      'tls',
    );
  });
});

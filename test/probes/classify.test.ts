// Classification of door results into probe outcomes: statuses, bodies, failure kinds, timing phases and details.
import { describe, expect, it } from 'vitest';
import type { FetchFailure } from '../../src/domain.ts';
import { classifyProbe, excerpt } from '../../src/probes/classify.ts';
import { probeRequest, PROBE_MAX_BYTES } from '../../src/probes/request.ts';
import type { HttpFailure, HttpResponse } from '../../src/sources/http.ts';
import { realCatalog } from '../helpers/catalog.ts';
import { fixture } from '../helpers/upstream.ts';

const openai = realCatalog().providerBySlug.get('openai')!.probe!;
const timing = { totalMs: 240, headersMs: 230, dnsMs: 10, connectMs: 20, tlsMs: 40 };
const answer = (status: number, body: string, extra: Partial<HttpResponse> = {}): HttpResponse => ({
  ok: true,
  status,
  headers: {},
  body,
  url: openai.url,
  notModified: false,
  validators: { etag: null, lastModified: null },
  retryAfterMs: null,
  timing,
  ...extra,
});
const failure = (kind: FetchFailure, status: number | null = null): HttpFailure => ({
  ok: false,
  kind,
  detail: `${kind} detail`,
  status,
  code: null,
  retryAfterMs: null,
  timing: { totalMs: 900, headersMs: null, dnsMs: 12, connectMs: null, tlsMs: null },
});

describe('classifyProbe', () => {
  it('a recorded rejection is rejected_as_expected, with latency, phases and time to first byte', () => {
    expect(classifyProbe(openai.expect, answer(401, fixture('errors/openai-401-invalid-key.json')))).toEqual({
      outcome: 'rejected_as_expected',
      httpStatus: 401,
      latencyMs: 240,
      dnsMs: 10,
      connectMs: 20,
      tlsMs: 40,
      ttfbMs: 160,
      detail: null,
      retryAfterMs: null,
    });
  });

  it('a reused connection has no phases, and its first byte is counted from the start', () => {
    const reused = answer(401, fixture('errors/openai-401-invalid-key.json'), {
      timing: { totalMs: 90, headersMs: 80, dnsMs: null, connectMs: null, tlsMs: null },
    });
    expect(classifyProbe(openai.expect, reused)).toMatchObject({
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      ttfbMs: 80,
    });
  });

  it('any other status is unexpected_status, and a 2xx says our invalid key was accepted', () => {
    expect(classifyProbe(openai.expect, answer(500, '<h1>oops</h1>'))).toMatchObject({
      outcome: 'unexpected_status',
      httpStatus: 500,
      detail: 'HTTP 500 (expected 401): <h1>oops</h1>',
    });
    expect(classifyProbe(openai.expect, answer(429, '{}', { retryAfterMs: 30_000 }))).toMatchObject({
      outcome: 'unexpected_status',
      httpStatus: 429,
      retryAfterMs: 30_000,
    });
    expect(classifyProbe(openai.expect, answer(200, '{"data":[]}'))).toMatchObject({
      outcome: 'unexpected_status',
      detail: 'HTTP 200 (our invalid key was accepted): {"data":[]}',
    });
  });

  it('the right status with another body is unexpected_body, saying what differed and what came', () => {
    const r = classifyProbe(openai.expect, answer(401, '{"error":{"code":"key_revoked"}}'));
    expect(r).toMatchObject({
      outcome: 'unexpected_body',
      detail: 'error.code is "key_revoked", not "invalid_api_key": {"error":{"code":"key_revoked"}}',
    });
  });

  it('maps network failures to their outcomes', () => {
    expect(classifyProbe(openai.expect, failure('timeout'))).toMatchObject({
      outcome: 'timeout',
      latencyMs: 900,
      dnsMs: 12,
      ttfbMs: null,
      detail: 'timeout detail',
    });
    expect(classifyProbe(openai.expect, failure('dns'))!.outcome).toBe('dns_error');
    expect(classifyProbe(openai.expect, failure('tls'))!.outcome).toBe('tls_error');
    expect(classifyProbe(openai.expect, failure('network'))!.outcome).toBe('connection_error');
  });

  it('an answer that could not be taken in is unexpected: body with the right status, status otherwise', () => {
    expect(classifyProbe(openai.expect, failure('too_large', 401))!.outcome).toBe('unexpected_body');
    expect(classifyProbe(openai.expect, failure('parse', 401))!.outcome).toBe('unexpected_body');
    expect(classifyProbe(openai.expect, failure('too_large', 200))!.outcome).toBe('unexpected_status');
    expect(classifyProbe(openai.expect, failure('redirect', 302))!.outcome).toBe('unexpected_status');
  });

  it('says nothing about the provider when we cancelled or our own address rules refused', () => {
    expect(classifyProbe(openai.expect, failure('aborted'))).toBeNull();
    expect(classifyProbe(openai.expect, failure('blocked'))).toBeNull();
  });
});

describe('excerpt', () => {
  it('is one short line with addresses masked', () => {
    expect(excerpt('  {"a":\n  "from 203.0.113.9"}  ')).toBe('{"a": "from <address>"}');
    expect(excerpt('x'.repeat(300))).toBe(`${'x'.repeat(120)}…`);
    expect(excerpt('')).toBe('(empty body)');
  });
});

describe('probeRequest', () => {
  it('sends the catalog method, URL, fake-key headers and body on a new connection, capped in size and time', () => {
    const perplexity = realCatalog().providerBySlug.get('perplexity')!.probe!;
    const signal = new AbortController().signal;
    expect(probeRequest(perplexity, 5000, signal)).toEqual({
      method: 'POST',
      url: perplexity.url,
      headers: { accept: 'application/json', ...perplexity.headers },
      body: perplexity.body,
      deadlineMs: 5000,
      maxBytes: PROBE_MAX_BYTES,
      newConnection: true,
      signal,
    });
  });
});

// A NUL character anywhere in a request (path, query, form or JSON) gets a 400 naming the field, on PostgreSQL too,
// which cannot store it: no 500, and no logged stack carrying what was sent.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { nulCharacterAt } from '../../src/web/http/nul-characters.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';

const lines: string[] = [];
let h: Harness;
beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  h = await createHarness({ engine: 'postgres', logger: { ...(loggerOptions('info') as object), stream } });
}, 60_000);
afterAll(() => h.close());

const json = (url: string, body: unknown) => ({
  method: 'POST' as const,
  url,
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

describe('a NUL character', () => {
  it.each([
    [{ method: 'GET' as const, url: '/subscriptions/unsubscribe/abc%00def' }, 'params.token'],
    [{ method: 'GET' as const, url: '/subscriptions/abc%00def' }, 'params.token'],
    [{ method: 'GET' as const, url: '/api/v1/subscriptions/abc%00def' }, 'params.token'],
    [{ method: 'GET' as const, url: '/?q=a%00b' }, 'query.q'],
    [json('/api/v1/subscriptions', { channel: 'webhook', target: 'https://hooks.example.com/\u0000' }), 'body.target'],
    [json('/api/v1/subscriptions', { channel: 'email', target: 'victim\u0000@example.com' }), 'body.target'],
    [json('/api/v1/providers/openai/reports', { category: 'auth', model: 'gpt\u0000' }), 'body.model'],
  ])('in %o gets a 400 naming %s', async (request, field) => {
    const res = await h.app.inject(request);
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain(`${field} contains a NUL character`);
  });

  it('leaves no stack, address or token path in the log', () => {
    const log = lines.join('');
    expect(log).toContain('"statusCode":400');
    expect(log).not.toContain('"stack"');
    expect(log).not.toContain('victim');
    expect(log).not.toContain('"level":50');
  });

  it('is found at any depth, in keys too', () => {
    expect(nulCharacterAt({ body: { a: [{ b: 'ok' }, { c: 'x\u0000' }] } })).toBe('body.a.1.c');
    expect(nulCharacterAt({ body: { 'k\u0000': 1 } })).toBe('body');
    expect(nulCharacterAt({ body: { a: ['fine'] }, query: {} })).toBeNull();
  });
});

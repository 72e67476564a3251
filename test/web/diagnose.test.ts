// /diagnose: the form, the ranked answer with live status and verdict, and the privacy of what is pasted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loggerOptions } from '../../src/app.ts';
import { createHarness, T0, textOf, type Harness } from '../helpers/app.ts';
import { recordOfficial, recordProbes } from '../helpers/signals.ts';

const KEY = 'sk-ant-api03-Q9w8E7r6T5y4U3i2O1p0A9s8D7f6G5h4J3k2L1z0X9c8V7b6N5m4-QwErTy';
const PASTE =
  "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', " +
  `'message': 'invalid x-api-key'}}\nclient = Anthropic(api_key="${KEY}")`;

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/diagnose',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await recordOfficial(h.store, 'anthropic', T0);
  await recordProbes(h.store, 'anthropic', T0, h.config.probeIntervalMs, 'healthy');
});
afterAll(() => h.close());

describe('GET /diagnose', () => {
  it('serves the form from the render cache, with every provider to choose from', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/diagnose' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('public');
    expect(res.body).toContain('<form class="card diagnose" method="post" action="/diagnose#result">');
    for (const p of h.catalog.providers) expect(res.body).toContain(`<option value="${p.slug}">`);
    const again = await h.app.inject({
      method: 'GET',
      url: '/diagnose',
      headers: { 'if-none-match': res.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
  });

  it('preselects the provider it was linked from, and refuses an unknown one', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/diagnose?provider=groq' })).body).toContain(
      '<option value="groq" selected>',
    );
    const bad = await h.app.inject({ method: 'GET', url: '/diagnose?provider=nope' });
    expect([bad.statusCode, textOf(bad.body)]).toEqual([
      400,
      expect.stringContaining('We do not track a provider called "nope"'),
    ]);
  });
});

describe('POST /diagnose', () => {
  it('names the provider and error, why, the live status and the verdict, and links the error page', async () => {
    const res = await h.app.inject(form({ text: PASTE, provider: '' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = textOf(res.body);
    expect(text).toContain('Best match: Anthropic: Authentication Failed / Invalid API Key');
    expect(res.body).toContain('error type <code>authentication_error</code>');
    expect(text).toContain('Anthropic: Operational');
    expect(text).toContain(
      "Likely on your side Anthropic's authentication service is answering normally: the problem is most likely " +
        'your key or configuration.',
    );
    expect(res.body).toContain('href="/anthropic/error/auth-error"');
  });

  it('answers first: the result sits above the form, which sends the browser straight to it', async () => {
    const res = await h.app.inject(form({ text: PASTE }));
    const result = res.body.indexOf('<section class="card diagnose-result" id="result"');
    expect(result).toBeGreaterThan(0);
    expect(result).toBeLessThan(res.body.indexOf('<form class="card diagnose"'));
    expect(result).toBeLessThan(res.body.indexOf('<p class="lede">'));
    expect(res.body).toContain('action="/diagnose#result"');
  });

  it("quotes the pasted message with the visitor's own masked key, and shows no Markdown", async () => {
    const masked = 'sk-proj-Q7r***************************Zk42';
    const paste =
      "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: " +
      `${masked}. You can find your API key at https://platform.openai.com/account/api-keys.', 'type': ` +
      "'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}";
    const res = await h.app.inject(form({ text: paste }));
    const result = /<section class="card diagnose-result"[\s\S]*?<\/section>/.exec(res.body)![0];
    expect(textOf(result)).toContain(`the message “Incorrect API key provided: ${masked}. You can find your API key`);
    expect(result).not.toContain('xyz1');
    expect(result).not.toContain('`');
    expect(result).toContain('<code>invalid_api_key</code>');
  });

  it('echoes the text with the key redacted and says what it removed', async () => {
    const res = await h.app.inject(form({ text: PASTE }));
    expect(res.body).not.toContain(KEY.slice(7));
    expect(res.body).toContain('api_key=&quot;[redacted]&quot;');
    expect(textOf(res.body)).toContain('Removed before matching: 1 API key header or assignment.');
  });

  it('escapes pasted markup', async () => {
    const res = await h.app.inject(form({ text: '<script>alert(1)</script> 429 Too Many Requests' }));
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('without a recognisable provider, offers the error type and its guide', async () => {
    const text = textOf((await h.app.inject(form({ text: '503 Service Unavailable' }))).body);
    expect(text).toContain('We recognise the error, but not which provider sent it');
    expect(text).toContain('Bad Gateway / Service Unavailable (502, 503)');
  });

  it('says so when nothing matches', async () => {
    const text = textOf((await h.app.inject(form({ text: 'my cat walked on the keyboard' }))).body);
    expect(text).toContain('We could not match this text to any error we know');
  });

  it.each([
    [{ text: '' }, 'text: paste an error message'],
    [{ text: 'x'.repeat(20_001) }, 'at most 20000 characters'],
    [{ text: '429', provider: 'nope' }, 'We do not track a provider called "nope"'],
    [{ text: '429', extra: '1' }, 'unknown field(s) extra'],
  ])('refuses bad input with a 400 that says why (%#)', async (fields, message) => {
    const res = await h.app.inject(form(fields));
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain(message);
  });
});

describe('POST /api/v1/diagnose', () => {
  it('answers JSON with the ranked matches and the verdict of the best one', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/diagnose', payload: { text: PASTE } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.matches[0]).toMatchObject({
      provider: 'anthropic',
      error: 'auth-error',
      level: 'operational',
      verdict: 'your_side',
    });
    expect(body.redacted).not.toContain(KEY.slice(7));
    expect(JSON.stringify(body)).not.toContain(KEY.slice(7));
  });

  it('refuses a body without text, in JSON', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/diagnose', payload: { provider: 'openai' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('text');
  });
});

describe('privacy', () => {
  it('never writes the pasted text or the key to the log or the database', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await createHarness();
    const app = await buildApp({
      config: logged.config,
      catalog: logged.catalog,
      store: logged.store,
      now: () => T0,
      logger: { ...(loggerOptions('trace') as object), stream },
    });
    await app.inject(form({ text: PASTE }));
    await app.inject({ method: 'POST', url: '/api/v1/diagnose', payload: { text: PASTE } });
    await app.inject({ method: 'GET', url: `/diagnose?provider=${encodeURIComponent(KEY)}` });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('"url":"/diagnose"');
    expect(log).not.toContain(KEY.slice(7, 30));
    expect(log).not.toContain('invalid x-api-key');

    logged.store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(logged.dir)) {
      const bytes = readFileSync(join(logged.dir, file));
      expect(bytes.includes(KEY.slice(7, 30)), file).toBe(false);
      expect(bytes.includes('invalid x-api-key'), file).toBe(false);
    }
    await logged.close();
  });
});

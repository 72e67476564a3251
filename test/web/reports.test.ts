// Reporting a problem as a visitor would: the form on every dashboard and error page, the 303 back with a visible
// notice and no cookie, the JSON twin, every kind of bad input, and cross-site versus same-site posts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_CATEGORIES } from '../../src/domain.ts';
import { SECOND_MS } from '../../src/time.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { countedReports, pageToken, postForm, postJson, storedReports } from '../helpers/reports.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ env: { SITE_URL: 'https://status.example.com' } });
});
afterEach(() => h.close());

const get = (url: string) => h.app.inject({ method: 'GET', url });
const section = (html: string, id: string) =>
  new RegExp(`<section[^>]*id="${id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? `no section ${id}`;

/** Loads the page, waits like a person filling the form, and sends it. */
async function report(path: string, fields: Record<string, string>) {
  const token = await pageToken(h, path);
  h.clock.now += 5 * SECOND_MS;
  return postForm(h, path.split('/')[1]!, { token, ...fields });
}

describe('the report form', () => {
  it('is on the dashboard with every category, none preselected, and no cookie', async () => {
    const res = await get('/openai');
    const block = section(res.body, 'now');
    expect(block).toContain('<form class="report-form" method="post" action="/openai/reports">');
    for (const category of REPORT_CATEGORIES) expect(block).toContain(`name="category" value="${category}" required>`);
    expect(block).not.toContain(' checked');
    expect(block).toContain('name="page" value=""');
    expect(textOf(block)).toContain('Authentication / API key');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it("is on every error page with the error's category preselected", async () => {
    const block = section((await get('/anthropic/error/auth-error')).body, 'now');
    expect(block).toContain('action="/anthropic/reports"');
    expect(block).toContain('name="category" value="auth" required checked>');
    expect(block.match(/ checked>/g)).toHaveLength(1);
    expect(block).toContain('name="page" value="auth-error"');
  });

  it('is the same for every visitor of a cached page: one token, no per-visitor state', async () => {
    const first = await get('/openai');
    const second = await h.app.inject({ method: 'GET', url: '/openai', remoteAddress: '198.51.100.20' });
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
  });
});

describe('sending the form', () => {
  it('answers 303 back to the dashboard with a notice, no cookie, and the report shows within a second', async () => {
    const res = await report('/openai', {
      category: 'auth',
      httpStatus: '401',
      model: 'gpt-4o-mini',
      sdk: 'python',
      region: 'europe',
      page: '',
      website: '',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/openai?reported=auth&outcome=counted#report');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');

    h.clock.now += SECOND_MS;
    const after = await get('/openai?reported=auth&outcome=counted');
    expect(after.statusCode).toBe(200);
    expect(after.headers['set-cookie']).toBeUndefined();
    const text = textOf(section(after.body, 'now'));
    expect(text).toContain('Thank you: your report (Authentication / API key) was counted.');
    expect(text).toContain('1 report in the last 30 minutes, within the usual level; most: authentication errors (1).');
    expect(textOf((await get('/openai')).body)).toContain('1 report in the last 30 minutes');
    expect(text).toContain('Last report: 22 Nov 2026, 12:00 UTC (just now)');

    expect(await storedReports(h)).toEqual([
      expect.objectContaining({
        provider: 'openai',
        category: 'auth',
        httpStatus: 401,
        model: 'gpt-4o-mini',
        sdk: 'python',
        region: 'europe',
        counted: 1,
        ignoredReason: null,
      }),
    ]);
  });

  it("returns to the error page it came from, with that error's counts", async () => {
    const res = await report('/deepseek/error/auth-error', { category: 'auth', page: 'auth-error' });
    expect(res.headers.location).toBe('/deepseek/error/auth-error?reported=auth&outcome=counted#report');
    h.clock.now += SECOND_MS;
    const text = textOf(section((await get(res.headers.location as string)).body, 'now'));
    expect(text).toContain('Thank you: your report (Authentication / API key) was counted.');
    expect(text).toContain('Authentication / API key: 1 report of authentication errors in the last 30 minutes');
  });

  it('keeps the notice out of the plain page and reflects nothing it was not given', async () => {
    expect((await get('/openai?reported=timeout')).body).toContain('your report (Timeouts) was received');
    const plain = await get('/openai');
    expect(plain.body).not.toContain('was received');
    expect((await get('/openai?utm_source=newsletter')).body).not.toContain('was received');
    const forged = await get('/openai?reported=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(forged.statusCode).toBe(400);
    expect(forged.body).not.toContain('<script>alert');
    expect(textOf(forged.body)).toContain('reported: a report category');
    expect((await get('/openai/error/auth-error?reported=free-text')).statusCode).toBe(400);
    expect((await get('/openai?reported=auth&outcome=maybe')).statusCode).toBe(400);
  });
});

describe('the JSON twin', () => {
  it('accepts a report with 202 and shows it in the API and on the page', async () => {
    const res = await postJson(h, 'openai', {
      category: 'timeout',
      httpStatus: 504,
      model: 'gpt-4o',
      sdk: 'javascript',
      region: 'asia',
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.json()).toEqual({
      received: true,
      counted: true,
      notCountedBecause: null,
      provider: 'openai',
      category: 'timeout',
      message: 'Thank you: your report (Timeouts) was counted.',
    });
    h.clock.now += SECOND_MS;
    const api = (await get('/api/v1/providers/openai')).json();
    expect(api.reports).toMatchObject({ recent: 1, byCategory: { timeout: 1 }, spike: false });
    expect(api.reports.sentence).toBe('1 report in the last 30 minutes, within the usual level; most: timeouts (1).');
    expect(textOf((await get('/openai')).body)).toContain(api.reports.sentence);
    expect(await storedReports(h)).toEqual([
      expect.objectContaining({ httpStatus: 504, model: 'gpt-4o', sdk: 'javascript', region: 'asia', counted: 1 }),
    ]);
  });

  it('takes every optional field as absent or null', async () => {
    expect((await postJson(h, 'mistral', { category: 'other' })).statusCode).toBe(202);
    expect(
      (await postJson(h, 'mistral', { category: 'quota', httpStatus: null, model: null, sdk: null, region: null }))
        .statusCode,
    ).toBe(202);
    expect((await storedReports(h)).map((r) => [r.httpStatus, r.model, r.sdk, r.region])).toEqual([
      [null, null, null, null],
      [null, null, null, null],
    ]);
  });
});

describe('bad input', () => {
  const badJson: [string, unknown, string][] = [
    ['no category', {}, 'category: one of auth, rate_limit'],
    ['an unknown category', { category: 'everything' }, 'category: one of auth'],
    ['a status below 100', { category: 'auth', httpStatus: 99 }, 'httpStatus: an HTTP status code from 100 to 599'],
    ['a status above 599', { category: 'auth', httpStatus: 600 }, 'httpStatus: an HTTP status code from 100 to 599'],
    ['a status as text', { category: 'auth', httpStatus: '401' }, 'httpStatus: an HTTP status code'],
    ['a fractional status', { category: 'auth', httpStatus: 401.5 }, 'httpStatus: an HTTP status code'],
    ['prose as the model', { category: 'auth', model: 'it is broken again!' }, 'model: a model name'],
    ['an overlong model', { category: 'auth', model: 'm'.repeat(81) }, 'model: a model name'],
    ['an unknown SDK', { category: 'auth', sdk: 'cobol' }, 'sdk: one of python'],
    ['an unknown region', { category: 'auth', region: 'mars' }, 'region: one of north_america'],
    ['an unknown field', { category: 'auth', comment: 'free text' }, 'unknown field(s) comment'],
    ['an array', [{ category: 'auth' }], 'Invalid report'],
    ['broken JSON', '{"category": ', 'JSON'],
  ];

  it.each(badJson)(
    'JSON with %s gets a 400 that says what was wrong, and stores nothing',
    async (_what, body, message) => {
      const res = await postJson(h, 'openai', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.status).toBe(400);
      expect(res.json().error.message).toContain(message);
      expect(await storedReports(h)).toEqual([]);
    },
  );

  const badForms: [string, Record<string, string>, string][] = [
    ['no category', {}, 'category: one of auth'],
    ['an unknown category', { category: 'drop table' }, 'category: one of auth'],
    [
      'a status that is not a number',
      { category: 'auth', httpStatus: 'four-oh-one' },
      'httpStatus: an HTTP status code from 100 to 599',
    ],
    ['an unknown field', { category: 'auth', note: 'hello' }, 'unknown field(s) note'],
    [
      'an unknown error page',
      { category: 'auth', page: 'no-such-error' },
      'page: OpenAI has no error page "no-such-error"',
    ],
    ['a forged token', { category: 'auth', token: 'abc.AAAAAAAAAAAAAAAAAAAAAA' }, 'not valid here'],
  ];

  it.each(badForms)(
    'the form with %s gets a 400 page that says what was wrong, and stores nothing',
    async (_what, fields, message) => {
      const token = await pageToken(h, '/openai');
      h.clock.now += 5 * SECOND_MS;
      const res = await postForm(h, 'openai', { token, ...fields });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
      expect(textOf(res.body)).toContain('That request is not valid');
      expect(textOf(res.body)).toContain(message);
      expect(await storedReports(h)).toEqual([]);
    },
  );

  it("a form with no token, another provider's token or an expired one gets a 400 asking to reload", async () => {
    expect(textOf((await postForm(h, 'openai', { category: 'auth' })).body)).toContain(
      'token: the form token of the page (reload the page)',
    );
    const anthropic = await pageToken(h, '/anthropic');
    h.clock.now += 5 * SECOND_MS;
    expect(textOf((await postForm(h, 'openai', { category: 'auth', token: anthropic })).body)).toContain(
      'Reload the page and send your report again.',
    );
    const openai = await pageToken(h, '/openai');
    h.clock.now += 25 * 3600 * SECOND_MS;
    const expired = await postForm(h, 'openai', { category: 'auth', token: openai });
    expect(expired.statusCode).toBe(400);
    expect(textOf(expired.body)).toContain('This report form has expired. Reload the page');
    expect(await storedReports(h)).toEqual([]);
  });

  it('an unknown provider gets 404 on both routes', async () => {
    expect((await postJson(h, 'no-such-ai', { category: 'auth' })).statusCode).toBe(404);
    const form = await postForm(h, 'no-such-ai', { category: 'auth', token: 'x' });
    expect(form.statusCode).toBe(404);
    expect(textOf(form.body)).toContain('We do not track a provider called "no-such-ai"');
  });

  it('a body over 8 KiB gets 413 on both routes', async () => {
    const big = await postJson(h, 'openai', { category: 'auth', model: 'x'.repeat(9000) });
    expect(big.statusCode).toBe(413);
    const form = await postForm(h, 'openai', { category: 'auth', token: 'x', model: 'x'.repeat(9000) });
    expect(form.statusCode).toBe(413);
    expect(textOf(form.body)).toContain('That request is too large');
    expect(await storedReports(h)).toEqual([]);
  });

  it('a body of the wrong type gets 415', async () => {
    const asText = await h.app.inject({
      method: 'POST',
      url: '/openai/reports',
      headers: { 'content-type': 'text/plain' },
      payload: 'category=auth',
    });
    expect(asText.statusCode).toBe(415);
    const formToApi = await h.app.inject({
      method: 'POST',
      url: '/api/v1/providers/openai/reports',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'category=auth',
    });
    expect(formToApi.statusCode).toBe(415);
    expect(formToApi.json().error.message).toContain('Send the body as JSON (Content-Type: application/json)');
  });
});

describe('cross-site and same-site posts', () => {
  const refused: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['cross-site with our own Origin', { 'sec-fetch-site': 'cross-site', origin: 'https://status.example.com' }],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a foreign Origin claiming same-origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
    ['an opaque Origin', { origin: 'null' }],
    ['our host over another scheme', { origin: 'http://status.example.com' }],
  ];

  it.each(refused)('%s gets 403 and stores nothing', async (_what, headers) => {
    const json = await postJson(h, 'openai', { category: 'auth' }, { headers });
    expect(json.statusCode).toBe(403);
    expect(json.json().error.message).toBe("Reports can only be sent from this site's own pages.");
    const token = await pageToken(h, '/openai');
    h.clock.now += 5 * SECOND_MS;
    const form = await postForm(h, 'openai', { category: 'auth', token }, { headers });
    expect(form.statusCode).toBe(403);
    expect(textOf(form.body)).toContain('That request is not allowed');
    expect(await storedReports(h)).toEqual([]);
  });

  const accepted: [string, Record<string, string>][] = [
    ['same-origin', { 'sec-fetch-site': 'same-origin', origin: 'https://status.example.com' }],
    ['same-site from a sibling origin', { 'sec-fetch-site': 'same-site', origin: 'https://www.example.com' }],
    ['our SITE_URL origin without Sec-Fetch-Site', { origin: 'https://status.example.com' }],
    ["the request's own host", { origin: 'http://mirror.example.net', host: 'mirror.example.net' }],
    ['a user-initiated post', { 'sec-fetch-site': 'none' }],
    ['neither header (curl)', {}],
  ];

  it.each(accepted)('%s is accepted', async (_what, headers) => {
    expect((await postJson(h, 'openai', { category: 'auth' }, { headers })).statusCode).toBe(202);
    const token = await pageToken(h, '/openai');
    h.clock.now += 5 * SECOND_MS;
    expect((await postForm(h, 'openai', { category: 'timeout', token }, { headers })).statusCode).toBe(303);
    expect(await countedReports(h)).toBe(2);
  });
});

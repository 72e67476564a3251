// The HTTP door's own deadline and its User-Agent: a request undici never settles still ends, and no site name can
// make a header undici refuses. Real undici, real servers on 127.0.0.1.
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher, userAgentFor, type HttpFailure } from '../../src/sources/http.ts';
import { testLookup } from '../helpers/poll.ts';
import { json, startUpstream, type Upstream } from '../helpers/upstream.ts';

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream({ '/ok.json': json({ ok: true }) });
});
afterAll(async () => {
  await up.close();
});

const policy = upstreamPolicy(true);

describe('the User-Agent', () => {
  it.each([
    [
      'Статус ИИ',
      'https://статус.example/путь',
      'ai-status ' + '(+https://xn--80a7abcbg.example/%D0%BF%D1%83%D1%82%D1%8C)',
    ],
    ['AI — Status', 'https://status.example', 'AI - Status (+https://status.example)'],
    ['Résumé “Status”', 'https://status.example/', 'Resume "Status" (+https://status.example)'],
    ['Line\r\nBreak', 'https://status.example', 'Line Break (+https://status.example)'],
  ])('%j at %j is printable ASCII: %j', (name, url, expected) => {
    expect(userAgentFor(name, url)).toBe(expected);
  });

  it('built from a Cyrillic name and an em dash, reaches the upstream on every request', async () => {
    const agent = createUpstreamDispatcher({ policy, lookup: testLookup });
    const door = createHttpDoor({
      dispatcher: agent,
      policy,
      userAgent: userAgentFor('Статус ИИ — тест', 'https://статус.example'),
    });
    try {
      for (let i = 0; i < 12; i += 1) {
        const r = await door.request({ url: `${up.url}/ok.json`, deadlineMs: 1000, maxBytes: 1000 });
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }
      expect(up.requests.at(-1)!.headers['user-agent']).toBe('ai-status (+https://xn--80a7abcbg.example)');
    } finally {
      await agent.close();
    }
  });
});

describe("the door's own deadline", () => {
  it('ends a request undici never settles (pool wedged by refused headers) as a timeout at the deadline', async () => {
    // undici refuses a non-Latin-1 header value; after 8 refusals per origin its pool stops settling requests at all.
    const agent = createUpstreamDispatcher({ policy, lookup: testLookup });
    const door = createHttpDoor({ dispatcher: agent, policy, userAgent: 'Статус ИИ' });
    try {
      const results: { r: HttpFailure; ms: number }[] = [];
      for (let i = 0; i < 12; i += 1) {
        const started = Date.now();
        const r = (await door.request({ url: `${up.url}/ok.json`, deadlineMs: 300, maxBytes: 1000 })) as HttpFailure;
        results.push({ r, ms: Date.now() - started });
      }
      for (const { r, ms } of results) {
        expect(r.ok).toBe(false);
        expect(ms).toBeLessThan(1300);
      }
      expect(results.slice(8).map(({ r }) => r.kind)).toEqual(['timeout', 'timeout', 'timeout', 'timeout']);
    } finally {
      await agent.destroy();
    }
  });

  it('ends a lookup that never answers: a timeout at the deadline, "aborted" when the caller aborts', async () => {
    const silent: LookupFunction = () => undefined;
    const agent = createUpstreamDispatcher({ policy, lookup: silent });
    const door = createHttpDoor({ dispatcher: agent, policy, userAgent: 'test' });
    try {
      const started = Date.now();
      const timedOut = (await door.request({
        url: `http://hang.status.test:${up.port}/ok.json`,
        deadlineMs: 200,
        maxBytes: 1000,
      })) as HttpFailure;
      expect(timedOut).toMatchObject({ ok: false, kind: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1000);

      const controller = new AbortController();
      const pending = door.request({
        url: `http://hang2.status.test:${up.port}/ok.json`,
        deadlineMs: 60_000,
        maxBytes: 1000,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      expect(await pending).toMatchObject({ ok: false, kind: 'aborted' });
    } finally {
      await agent.destroy();
    }
  });

  it('ends a body that never ends at the deadline', async () => {
    up.set('/stall.json', json(JSON.stringify({ pad: 'z'.repeat(5000) }), { fault: 'hang-mid-body' }));
    const agent = createUpstreamDispatcher({ policy, lookup: testLookup });
    const door = createHttpDoor({ dispatcher: agent, policy, userAgent: 'test' });
    try {
      const started = Date.now();
      const r = await door.request({ url: `${up.url}/stall.json`, deadlineMs: 250, maxBytes: 100_000 });
      expect(r).toMatchObject({ ok: false, kind: 'timeout', status: 200 });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await agent.destroy();
    }
  });
});

// The request log at the default level: every write, error and slow answer, without tokens or addresses; quick
// successful reads only at debug (a proxy in front keeps the full access log).
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loggedAtInfo, loggerOptions, SLOW_REQUEST_MS } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createHarness, type Harness } from '../helpers/app.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harnessLogging(level: ReturnType<typeof parseConfig>['logLevel']) {
  const lines: { level: number; msg: string; req?: { method: string; url: string }; res?: { statusCode: number } }[] =
    [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  h = await createHarness({ logger: { ...(loggerOptions(level) as object), stream } });
  return lines;
}

describe('the request log', () => {
  it('at the default level has writes and errors, not quick successful reads', async () => {
    const lines = await harnessLogging(parseConfig({}).logLevel);
    expect((await h!.app.inject({ url: '/openai' })).statusCode).toBe(200);
    expect((await h!.app.inject({ url: '/no-such-provider' })).statusCode).toBe(404);
    const report = await h!.app.inject({
      method: 'POST',
      url: '/api/v1/providers/openai/reports',
      payload: { category: 'auth' },
      headers: { 'content-type': 'application/json' },
    });
    expect(report.statusCode).toBe(202);
    const completed = lines
      .filter((l) => l.msg === 'request completed')
      .map((l) => `${l.req!.method} ${l.req!.url} ${l.res!.statusCode}`);
    expect(completed).toEqual(['GET /no-such-provider 404', 'POST /api/v1/providers/openai/reports 202']);
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false);
    expect(JSON.stringify(lines)).not.toMatch(/remoteAddress|127\.0\.0\.1/);
  });

  it('at debug has every request, its arrival and its answer', async () => {
    const lines = await harnessLogging('debug');
    await h!.app.inject({ url: '/openai?x=1' });
    const urls = lines.filter((l) => l.req).map((l) => `${l.msg} ${l.req!.url}`);
    expect(urls).toEqual(['incoming request /openai', 'request completed /openai']);
  });

  it('puts slow answers at info even when they succeeded', () => {
    expect(loggedAtInfo('GET', 200, SLOW_REQUEST_MS - 1)).toBe(false);
    expect(loggedAtInfo('GET', 200, SLOW_REQUEST_MS)).toBe(true);
    expect(loggedAtInfo('HEAD', 304, 5)).toBe(false);
    expect(loggedAtInfo('GET', 503, 5)).toBe(true);
    expect(loggedAtInfo('DELETE', 200, 5)).toBe(true);
  });
});

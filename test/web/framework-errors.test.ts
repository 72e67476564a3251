// Errors answered before any route runs (malformed or oversized addresses, requests that are not HTTP, bodies that
// cannot be parsed): every one carries the security headers and none echoes the raw path. Real server, raw sockets.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/app.ts';

let h: Harness;
let port: number;
beforeAll(async () => {
  h = await createHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await h.close();
});

/** Sends raw bytes and reads the answer until the server closes or 300 ms pass after the first byte. */
function exchange(text: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const [head = '', ...rest] = out.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    };
    socket.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      timer ??= setTimeout(done, 300);
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(text);
  });
}

const MARKER = 'zq9marker';
const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const post = (target: string, type: string, body: string) =>
  `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('framework-level errors', () => {
  it.each([
    ['a malformed percent-encoding in a page path', get(`/${MARKER}%ff`), 400, 'text/html'],
    [
      'a malformed percent-encoding in an API path',
      get(`/api/v1/providers/${MARKER}%ff`),
      400,
      'application/problem+json',
    ],
    ['a path segment past the parameter limit', get(`/${MARKER}${'a'.repeat(300)}`), 414, 'text/html'],
    ['a request line past the header limit', get(`/${MARKER}${'a'.repeat(100_000)}`), 431, 'text/plain'],
    ['a request that is not HTTP', `${MARKER} /\r\n\r\n`, 400, 'text/plain'],
    ['a malformed header', `GET /${MARKER} HTTP/1.1\r\nHo st: x\r\n\r\n`, 400, 'text/plain'],
    [
      'a body that is not JSON',
      post('/api/v1/providers/anthropic/reports', 'application/json', `{${MARKER}`),
      400,
      'application/problem+json',
    ],
    [
      'a body of an unsupported type',
      post('/api/v1/providers/anthropic/reports', 'application/xml', `<${MARKER}/>`),
      415,
      'application/problem+json',
    ],
    [
      'a body over the limit',
      post('/api/v1/providers/anthropic/reports', 'application/json', `{"m":"${MARKER}${'x'.repeat(70_000)}"}`),
      413,
      'application/problem+json',
    ],
  ])('%s: the security headers, no echo of the path', async (_name, request, status, type) => {
    const r = await exchange(request);
    expect(r.status).toBe(status);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-type']).toContain(type);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).not.toContain(MARKER);
    expect(r.body).not.toContain('%ff');
  });

  it('the malformed-address page says what was wrong in words', async () => {
    const r = await exchange(get('/%ff'));
    expect(r.body).toContain('That address is not valid: it holds a malformed percent-encoding.');
  });
});

// No raw IP anywhere: many reports from distinct addresses (direct and forwarded, IPv4 and IPv6, accepted, refused and
// rate-limited), then the database file, its WAL and every log line are searched for each address.
import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/app.ts';
import { SECOND_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { countedReports, pageToken, postForm, postJson, type Client } from '../helpers/reports.ts';

const V4 = Array.from({ length: 300 }, (_, i) => `198.51.${100 + (i >> 8)}.${i & 255}`);
const V6 = Array.from(
  { length: 100 },
  (_, i) => `2001:db8:${(0x100 + i).toString(16)}:${(0xa00 + i).toString(16)}::${(i + 1).toString(16)}`,
);
/** How an IPv6 address could appear besides its own text: the /64 we group by, and the full form. */
const V6_FORMS = V6.flatMap((ip) => {
  const [a, b, c, d] = ip.split(':');
  return [ip, `${a}:${b}:${c}:${d}`, [a, b, c, d].map((g) => g!.padStart(4, '0')).join(':')];
});

let h: Harness;
let logs = '';
beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs += String(chunk);
      done();
    },
  });
  h = await createHarness({
    env: { TRUST_PROXY: '127.0.0.1', REPORT_RATE_LIMIT_PER_10_MIN: '3' },
    logger: { ...(loggerOptions('trace') as object), stream },
  });
  const token = await pageToken(h, '/openai');
  h.clock.now += 5 * SECOND_MS;
  const clients: Client[] = [
    ...V4.slice(0, 150).map((ip) => ({ remoteAddress: ip })),
    ...V4.slice(150).map((ip) => ({ remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip } })),
    ...V6.map((ip) => ({ remoteAddress: ip })),
  ];
  for (const [i, client] of clients.entries()) {
    await postJson(h, 'openai', { category: 'auth', httpStatus: 401 }, client);
    await postForm(h, 'anthropic', { category: 'timeout', token }, client); // refused: the token is openai's
    await postForm(h, 'openai', { category: 'overloaded', token }, client);
    await postJson(h, 'openai', { category: 'auth' }, client); // rate-limited: the fourth in the window
    if (i % 50 === 0)
      await postJson(
        h,
        'openai',
        { category: 'auth' },
        { ...client, headers: { ...client.headers, origin: 'https://evil.example' } },
      );
  }
});
afterAll(() => h.close());

const searchable = () => {
  const path = h.config.databasePath;
  return [path, `${path}-wal`]
    .filter(existsSync)
    .map((file) => ({ file, text: readFileSync(file).toString('latin1') }));
};

describe('privacy', () => {
  it('counted a report from every client', async () => {
    expect(await countedReports(h)).toBe(2 * (V4.length + V6.length));
  });

  it('stores no address in the database file or its WAL', () => {
    const files = searchable();
    expect(files.map((f) => f.file.endsWith('-wal'))).toContain(true);
    expect(files.reduce((sum, f) => sum + f.text.length, 0)).toBeGreaterThan(100_000);
    for (const { file, text } of files) {
      for (const ip of [...V4, ...V6_FORMS]) expect(text.includes(ip), `${ip} found in ${file}`).toBe(false);
    }
  });

  it('stores no address after a checkpoint either', () => {
    h.store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    const [db] = searchable();
    for (const ip of [...V4, ...V6_FORMS]) expect(db!.text.includes(ip), `${ip} found in the database`).toBe(false);
  });

  it('logs every request without any address', () => {
    expect(logs.split('\n').filter((line) => line.includes('"url":"/openai/reports"')).length).toBeGreaterThan(
      V4.length,
    );
    expect(logs).toContain('"statusCode":429');
    expect(logs).toContain('"statusCode":403');
    for (const ip of [...V4, ...V6_FORMS, '127.0.0.1'])
      expect(logs.includes(ip), `${ip} found in the logs`).toBe(false);
  });
});

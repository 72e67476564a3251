// The real server, as `npm start` runs it, with a fake provider API on loopback that fails our probes and recovers:
// the leader's jobs open a detected incident dated from the first failed probe and close it at the first good one.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeApi, type FakeApi } from '../helpers/probe.ts';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import { fixture } from '../helpers/upstream.ts';

const NORMAL_401 = { status: 401, body: fixture('errors/anthropic-401.json') };

let dir: string;
let api: FakeApi;
let server: ServerProcess;
/** When the fake API answered each request, and how. */
const answers: { at: number; status: number }[] = [];
let status = 401;

beforeAll(async () => {
  dir = tempDir();
  api = await startFakeApi(NORMAL_401);
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string; probe: object }[];
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  const providersFile = join(dir, 'providers.json');
  const probe = { ...anthropic.probe, url: `http://127.0.0.1:${api.port}/v1/messages` };
  writeFileSync(providersFile, JSON.stringify([{ ...anthropic, statusPage: null, probe }]));
  server = await startServer({
    DATABASE_PATH: join(dir, 'status.db'),
    PROVIDERS_FILE: providersFile,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    PROBE_INTERVAL_SECONDS: '1',
  });
}, 60_000);

afterAll(async () => {
  await server?.kill();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Incident = { source: string; title: string; startedAt: string; resolvedAt: string | null };
const detected = async (): Promise<Incident[]> => {
  const res = await fetch(`${server.url}/api/v1/providers/anthropic`);
  return ((await res.json()) as { incidents: Incident[] }).incidents.filter((i) => i.source === 'detected');
};

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('opens a detected incident at the first failed probe and closes it at the first good answer', async () => {
  const answered = async () => {
    const before = api.requests.length;
    await until(
      async () => api.requests.length,
      (n) => n > before,
      'a probe',
    );
    answers.push({ at: Date.now(), status });
  };
  await answered();
  expect(await detected()).toEqual([]);
  status = 500;
  api.set({ status: 500, body: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}' });
  await answered();
  const firstFailure = answers.at(-1)!.at;
  const [open] = await until(detected, (list) => list.length === 1, 'the incident to open');
  expect(open!.resolvedAt).toBeNull();
  // The probe's time is taken just before its request: within a second of the answer we saw.
  expect(Math.abs(Date.parse(open!.startedAt) - firstFailure)).toBeLessThan(1000);

  status = 401;
  api.set(NORMAL_401);
  await answered();
  const firstGood = answers.at(-1)!.at;
  const [closed] = await until(detected, (list) => list[0]?.resolvedAt != null, 'the incident to close');
  expect(closed!.startedAt).toBe(open!.startedAt);
  expect(Math.abs(Date.parse(closed!.resolvedAt!) - firstGood)).toBeLessThan(1000);
  expect(await detected()).toHaveLength(1);
}, 60_000);

// Probes from three regions, as deployed: the real server and three real probe agents (`npm run agent`) on loopback,
// with fake provider APIs. Anthropic's API fails only for the ap-southeast agent (its own catalog points it at a
// failing copy): the page reads "Partly" naming that region while OpenAI stays Operational. The server is killed and
// restarted on its database: every probe an agent made is stored exactly once. A killed agent's region goes stale,
// then Unknown, and no provider goes to an outage.
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startFakeApi, type FakeApi } from '../helpers/probe.ts';
import { startAgent, startServer, tempDir, type LoggedProcess, type ServerProcess } from '../helpers/process.ts';
import { fixture } from '../helpers/upstream.ts';

const INTERVAL_SECONDS = 2;
const INTERVAL_MS = INTERVAL_SECONDS * 1000;
const REGIONS = ['us-east', 'eu-west', 'ap-southeast'] as const;
type Region = (typeof REGIONS)[number];
const KEYS: Record<Region, string> = {
  'us-east': 'u'.repeat(40),
  'eu-west': 'e'.repeat(40),
  'ap-southeast': 'a'.repeat(40),
};

let dir: string;
let port: number;
let serverEnv: Record<string, string>;
let server: ServerProcess;
const agents = new Map<Region, LoggedProcess>();
/** The normal APIs, and the failing copy of Anthropic's that only ap-southeast is pointed at. */
let anthropicApi: FakeApi;
let openaiApi: FakeApi;
let brokenApi: FakeApi;

type RegionJson = { region: string; state: string; lastGood: string | null; failingSince: string | null };
type ProviderJson = { level: string; summary: string; regions: RegionJson[] };

const providerJson = async (slug: string): Promise<ProviderJson> =>
  (await (await fetch(`${server.url}/api/v1/providers/${slug}`)).json()) as ProviderJson;

/** Resolves with `read()` once `done` holds of it, polling every 100 ms; fails after `timeoutMs` naming `what`. */
async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await read();
      if (done(value)) return value;
    } catch {
      // The server is restarting: ask again.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Probe requests each agent made, by the region in its User-Agent. */
function requestsFrom(region: Region): number {
  const ua = `ai-status probe agent (${region})`;
  return [anthropicApi, openaiApi, brokenApi]
    .flatMap((api) => api.requests)
    .filter((r) => r.headers['user-agent'] === ua).length;
}

/** Rows the site holds for each agent region: all of them, and distinct result ids. */
function storedRows(): Map<string, { rows: number; ids: number }> {
  const db = new Database(join(dir, 'status.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT region, COUNT(*) AS rows, COUNT(DISTINCT result_id) AS ids FROM probe_results
         WHERE region <> 'local' GROUP BY region`,
      )
      .all() as { region: string; rows: number; ids: number }[];
    return new Map(rows.map((r) => [r.region, { rows: r.rows, ids: r.ids }]));
  } finally {
    db.close();
  }
}

function catalogFile(name: string, anthropicUrl: string): string {
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string; probe: object }[];
  const entry = (slug: string, url: string) => {
    const p = real.find((r) => r.slug === slug)!;
    return { ...p, statusPage: null, probe: { ...p.probe, url } };
  };
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify([entry('anthropic', anthropicUrl), entry('openai', `http://127.0.0.1:${openaiApi.port}/v1/models`)]),
  );
  return path;
}

async function startRegionAgent(region: Region, providersFile: string): Promise<void> {
  agents.set(
    region,
    await startAgent({
      AGENT_REGION: region,
      AGENT_KEY: KEYS[region],
      CENTRAL_URL: `http://127.0.0.1:${port}`,
      PROVIDERS_FILE: providersFile,
      AGENT_BUFFER_FILE: join(dir, `agent-${region}.jsonl`),
      PROBE_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      PROBE_TIMEOUT_SECONDS: '2',
      ALLOW_PRIVATE_UPSTREAMS: 'true',
    }),
  );
}

beforeAll(async () => {
  dir = tempDir();
  anthropicApi = await startFakeApi({ status: 401, body: fixture('errors/anthropic-401.json') });
  openaiApi = await startFakeApi({ status: 401, body: fixture('errors/openai-401-invalid-key.json') });
  brokenApi = await startFakeApi({
    status: 500,
    body: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
  });
  const shared = catalogFile('providers.json', `http://127.0.0.1:${anthropicApi.port}/v1/models`);
  const broken = catalogFile('providers-ap-southeast.json', `http://127.0.0.1:${brokenApi.port}/v1/models`);
  port = await closedPort();
  serverEnv = {
    PORT: String(port),
    DATABASE_PATH: join(dir, 'status.db'),
    PROVIDERS_FILE: shared,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    PROBE_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
    AGENT_KEYS: REGIONS.map((r) => `${r}=${KEYS[r]}`).join(','),
  };
  server = await startServer(serverEnv);
  await Promise.all(REGIONS.map((r) => startRegionAgent(r, r === 'ap-southeast' ? broken : shared)));
}, 90_000);

afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.kill()));
  await server?.kill();
  await Promise.all([anthropicApi, openaiApi, brokenApi].map((api) => api?.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('probes from three agent regions and the site', () => {
  it('reads Partly, naming the failing region, soon after that region starts failing', async () => {
    const failingUa = 'ai-status probe agent (ap-southeast)';
    const firstFailure = await until(
      () => brokenApi.requests.findIndex((r) => r.headers['user-agent'] === failingUa),
      (i) => i >= 0,
      'the first failing probe from ap-southeast',
      30_000,
    );
    const firstFailureAt = Date.now();
    expect(firstFailure).toBeGreaterThanOrEqual(0);
    const anthropic = await until(
      () => providerJson('anthropic'),
      (p) => p.summary.startsWith('Partly'),
      'anthropic to read Partly',
      10 * INTERVAL_MS,
    );
    const tookMs = Date.now() - firstFailureAt;
    // The damping needs three failures in a row (two intervals, each up to 10 % late), then one push and a page.
    console.info(`Partly shown ${tookMs} ms after the first failing probe (interval ${INTERVAL_MS} ms)`);
    expect(tookMs).toBeLessThan(2 * INTERVAL_MS * 1.1 + 2000);
    expect(anthropic.level).toBe('degraded');
    expect(anthropic.summary).toBe(
      'Partly: failing from ap-southeast, normal from local, us-east and eu-west. Routing your requests through ' +
        'another region is likely to help until it recovers.',
    );
    expect(anthropic.regions.map((r) => [r.region, r.state])).toEqual([
      ['local', 'operational'],
      ['us-east', 'operational'],
      ['eu-west', 'operational'],
      ['ap-southeast', 'failing'],
    ]);
    expect(anthropic.regions.find((r) => r.region === 'ap-southeast')!.failingSince).not.toBeNull();

    const page = await (await fetch(`${server.url}/anthropic`)).text();
    expect(page).toContain('Partly: failing from ap-southeast, normal from local, us-east and eu-west.');

    const openai = await providerJson('openai');
    expect(openai.level).toBe('operational');
    expect(openai.regions.map((r) => [r.region, r.state])).toEqual([
      ['local', 'operational'],
      ['us-east', 'operational'],
      ['eu-west', 'operational'],
      ['ap-southeast', 'operational'],
    ]);
  }, 60_000);

  it('loses no result and counts none twice while the site is down and restarted', async () => {
    await server.kill();
    const before = new Map(REGIONS.map((r) => [r, requestsFrom(r)]));
    // Each agent probes on, keeping its results, for at least two cycles while the site is away.
    await until(
      () => REGIONS.every((r) => requestsFrom(r) >= before.get(r)! + 4),
      (ok) => ok,
      'two cycles of probes while the site is down',
      10 * INTERVAL_MS,
    );
    for (const region of REGIONS) {
      await until(
        () => agents.get(region)!.lines.some((l) => l.msg === 'the site is unreachable'),
        (ok) => ok,
        `${region} to notice the site is away`,
        10 * INTERVAL_MS,
      );
    }
    server = await startServer(serverEnv);
    // Every probe request an agent made is a stored row, once: the counts meet between two cycles.
    const met = await until(
      () => ({ stored: storedRows(), made: new Map(REGIONS.map((r) => [r, requestsFrom(r)])) }),
      ({ stored, made }) => REGIONS.every((r) => stored.get(r)?.rows === made.get(r)),
      'the stored rows to match the probes the agents made',
      30_000,
    );
    for (const region of REGIONS) {
      const { rows, ids } = met.stored.get(region)!;
      expect(ids).toBe(rows);
      expect(rows).toBeGreaterThan(before.get(region)!);
    }
    expect(agents.get('us-east')!.lines.some((l) => l.msg === 'the site answers again: sending what waited')).toBe(
      true,
    );
  }, 90_000);

  it("turns a killed agent's region stale, then Unknown, never an outage", async () => {
    await agents.get('eu-west')!.kill();
    const killedAt = Date.now();
    const stateOf = async (slug: string) =>
      (await providerJson(slug)).regions.find((r) => r.region === 'eu-west')!.state;
    await until(
      () => stateOf('openai'),
      (s) => s === 'stale',
      'eu-west to go stale',
      6 * INTERVAL_MS,
    );
    const seen: ProviderJson[] = [];
    await until(
      async () => {
        const both = await Promise.all([providerJson('anthropic'), providerJson('openai')]);
        seen.push(...both);
        return both[1].regions.find((r) => r.region === 'eu-west')!.state;
      },
      (s) => s === 'unknown',
      'eu-west to turn Unknown',
      12 * INTERVAL_MS,
    );
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(5 * INTERVAL_MS);
    // Throughout: OpenAI stays Operational, Anthropic stays Partly (one of three fresh regions failing).
    expect(new Set(seen.filter((_, i) => i % 2 === 1).map((p) => p.level))).toEqual(new Set(['operational']));
    expect(new Set(seen.filter((_, i) => i % 2 === 0).map((p) => p.level))).toEqual(new Set(['degraded']));
    const anthropic = await providerJson('anthropic');
    expect(anthropic.summary).toBe(
      'Partly: failing from ap-southeast, normal from local and us-east. Routing your requests through another ' +
        'region is likely to help until it recovers.',
    );
    expect(anthropic.regions.find((r) => r.region === 'eu-west')!.state).toBe('unknown');
  }, 90_000);
});

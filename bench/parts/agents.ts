// Probe agents benchmark: 10 simulated agents × 40 probed providers push signed batches (the real recipe) into one
// site node on SQLite and into two nodes sharing PostgreSQL. Per engine: the accepted results per second flat out
// (the ceiling) with the server's CPU share (/proc/<pid>/stat), and a dashboard's throughput under wrk alone, beside
// agents at their real rate (one batch of 40 each a minute) and beside agents at 10× that. It reports; never fails.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AGENT_RESULTS_PATH, signedHeaders, type AgentResult } from '../../src/agents/batch.ts';
import { compiledServer, ROOT } from '../build.ts';
import { BENCH_SECRET, benchPostgres, stopBenchPostgres } from '../engines.ts';
import { wrk, type Figures } from './pages.ts';
import { cpuSeconds, startProcess, stop } from '../processes.ts';

const ARGS = process.argv.slice(2);
const QUICK = ARGS.includes('--quick');
/** Seconds of each measured row (`--seconds N`; default 10, 3 with --quick). */
const SECONDS = (() => {
  const at = ARGS.indexOf('--seconds');
  const given = at >= 0 ? Number(ARGS[at + 1]) : QUICK ? 3 : 10;
  return Number.isFinite(given) && given >= 1 ? Math.round(given) : 10;
})();
const AGENTS = 10;
const PROVIDERS = 40;
/** One batch per agent per probe interval of a minute: 40 results. */
const REAL_BATCHES_PER_SECOND = AGENTS / 60;

const REGIONS = Array.from({ length: AGENTS }, (_, i) => `agent-${i + 1}`);
const KEYS = Object.fromEntries(REGIONS.map((r) => [r, randomBytes(24).toString('hex')]));

/** A providers file of PROVIDERS probed providers cloned from the real catalog under new slugs. */
function probedProviders(dir: string): { file: string; slugs: string[] } {
  const real = (
    JSON.parse(readFileSync(join(ROOT, 'data/providers.json'), 'utf8')) as {
      slug: string;
      name: string;
      probe: unknown;
    }[]
  ).filter((p) => p.probe);
  const list = Array.from({ length: PROVIDERS }, (_, i) => {
    const base = real[i % real.length]!;
    return i < real.length ? base : { ...base, slug: `${base.slug}-${i}`, name: `${base.name} ${i}` };
  });
  const file = join(dir, 'providers-agents.json');
  writeFileSync(file, JSON.stringify(list));
  return { file, slugs: list.map((p) => p.slug) };
}

/** A compiled server node with jobs off and only warnings logged. */
const startNode = (env: Record<string, string>) =>
  startProcess(compiledServer(), { LOG_LEVEL: 'warn', JOBS: 'false', ...env });

/** The agents: each a region with its key and a counter for unique result ids. */
function createAgents(slugs: readonly string[]) {
  let sequence = 0;
  /** One agent's batch: a result for each provider, signed now. */
  function batch(region: string) {
    const at = Date.now();
    const results: AgentResult[] = slugs.map((provider) => ({
      id: `r${(sequence += 1).toString(36).padStart(8, '0')}`,
      provider,
      at,
      outcome: 'rejected_as_expected',
      httpStatus: 401,
      latencyMs: 100 + (sequence % 200),
      dnsMs: 3,
      connectMs: 10,
      tlsMs: 20,
      ttfbMs: 90,
      detail: null,
    }));
    const body = JSON.stringify({ region, dropped: 0, results });
    return { body, headers: signedHeaders(region, KEYS[region]!, body, Math.floor(at / 1000)) };
  }
  let accepted = 0;
  let refused = 0;
  async function send(url: string, region: string): Promise<void> {
    const { body, headers } = batch(region);
    const res = await fetch(`${url}${AGENT_RESULTS_PATH}`, { method: 'POST', body, headers });
    if (res.ok) accepted += ((await res.json()) as { accepted: number }).accepted;
    else {
      refused += 1;
      await res.arrayBuffer();
    }
  }
  return {
    send,
    counts: () => ({ accepted, refused }),
    /** Every agent sends batches back to back for `seconds` (agent i to node i mod nodes). */
    async flatOut(urls: readonly string[], seconds: number): Promise<void> {
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        REGIONS.map(async (region, i) => {
          while (performance.now() < until) await send(urls[i % urls.length]!, region);
        }),
      );
    },
    /** Batches at `perSecond` in all, round the agents, until stopped. */
    paced(urls: readonly string[], perSecond: number): { stop(): Promise<void> } {
      let n = 0;
      const pending = new Set<Promise<void>>();
      const timer = setInterval(() => {
        const region = REGIONS[n % REGIONS.length]!;
        const sent = send(urls[n % urls.length]!, region).catch(() => undefined);
        n += 1;
        pending.add(sent);
        void sent.finally(() => pending.delete(sent));
      }, 1000 / perSecond);
      return {
        async stop() {
          clearInterval(timer);
          await Promise.all(pending);
        },
      };
    },
  };
}

type EngineFigures = {
  engine: string;
  nodes: number;
  ceilingResultsPerSecond: number;
  ceilingServerCpu: number;
  /** The pushing agents' own share of one core (this process), to tell a client-bound ceiling. */
  ceilingAgentsCpu: number;
  refused: number;
  pagesAlone: Figures;
  pagesRealRate: Figures & { ratio: number };
  pagesTenTimes: Figures & { ratio: number };
};

async function measureEngine(
  engine: string,
  nodes: { child: ChildProcess; url: string }[],
  slugs: readonly string[],
): Promise<EngineFigures> {
  const agents = createAgents(slugs);
  const urls = nodes.map((n) => n.url);
  const page = `${urls[0]}/${slugs[0]}`;
  // Every agent's first batch, so the dashboard already has its regions, then the page alone.
  for (const region of REGIONS) await agents.send(urls[0]!, region);
  await wrk(page, 2);
  const pagesAlone = await wrk(page, SECONDS);
  const withAgents = async (perSecond: number) => {
    const pushing = agents.paced(urls, perSecond);
    try {
      const figures = await wrk(page, SECONDS);
      return { ...figures, ratio: Number((figures.requestsPerSecond / pagesAlone.requestsPerSecond).toFixed(2)) };
    } finally {
      await pushing.stop();
    }
  };
  const pagesRealRate = await withAgents(REAL_BATCHES_PER_SECOND);
  const pagesTenTimes = await withAgents(10 * REAL_BATCHES_PER_SECOND);
  const before = agents.counts().accepted;
  const pids = nodes.map((n) => n.child.pid!);
  const cpu0 = pids.map((pid) => cpuSeconds(pid));
  const t0 = performance.now();
  const own0 = process.cpuUsage();
  await agents.flatOut(urls, SECONDS);
  const elapsed = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const cpu = pids.map((pid, i) => cpuSeconds(pid) - cpu0[i]!);
  return {
    engine,
    nodes: nodes.length,
    ceilingResultsPerSecond: Math.round((agents.counts().accepted - before) / elapsed),
    // The busiest node's share of one core while the agents push flat out.
    ceilingServerCpu: Math.round((Math.max(...cpu) / elapsed) * 100),
    ceilingAgentsCpu: Math.round(((own.user + own.system) / 1e6 / elapsed) * 100),
    refused: agents.counts().refused,
    pagesAlone,
    pagesRealRate,
    pagesTenTimes,
  };
}

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-agents-'));
  const { file, slugs } = probedProviders(dir);
  const agentKeys = REGIONS.map((r) => `${r}=${KEYS[r]}`).join(',');
  const loadBefore = loadavg().map((x) => Number(x.toFixed(2)));
  const results: EngineFigures[] = [];
  try {
    const sqlite = await startNode({
      DATABASE_PATH: join(dir, 'agents.db'),
      PROVIDERS_FILE: file,
      AGENT_KEYS: agentKeys,
    });
    try {
      results.push(await measureEngine('sqlite', [sqlite], slugs));
    } finally {
      await stop(sqlite.child);
    }
    const database = await benchPostgres();
    try {
      const env = { DATABASE_URL: database.url, SECRET: BENCH_SECRET, PROVIDERS_FILE: file, AGENT_KEYS: agentKeys };
      const first = await startNode(env);
      const second = await startNode(env);
      try {
        results.push(await measureEngine('postgres', [first, second], slugs));
      } finally {
        await Promise.all([stop(first.child), stop(second.child)]);
      }
    } finally {
      await database.drop();
      stopBenchPostgres();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg().map((x) => Number(x.toFixed(2)));
  console.log(
    `${AGENTS} agents × ${PROVIDERS} providers (real rate ${((AGENTS * PROVIDERS) / 60).toFixed(1)} results/s), ` +
      `${SECONDS} s rows; load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`,
  );
  for (const r of results) {
    console.log(
      `  ${r.engine} (${r.nodes} node${r.nodes > 1 ? 's' : ''}): ceiling ${r.ceilingResultsPerSecond} results/s at ` +
        `${r.ceilingServerCpu}% CPU of the busiest node (agents ${r.ceilingAgentsCpu}%), ${r.refused} refused; dashboard ${r.pagesAlone.requestsPerSecond}/s ` +
        `alone, ${r.pagesRealRate.requestsPerSecond}/s beside agents at the real rate (×${r.pagesRealRate.ratio}), ` +
        `${r.pagesTenTimes.requestsPerSecond}/s at 10× (×${r.pagesTenTimes.ratio}); page errors ` +
        `${r.pagesAlone.errors + r.pagesRealRate.errors + r.pagesTenTimes.errors}, ${r.pagesAlone.bytesPerResponse} B`,
    );
  }
  return { agents: AGENTS, providers: PROVIDERS, seconds: SECONDS, loadBefore, loadAfter, results };
}

// Probe agent entry (`npm run agent`, `node dist/agent.js`): runs the credential-free probes of its catalog from its
// own region, on the site's schedule rules and through the same HTTP door, and pushes signed batches to the site.
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { loadAgentConfig, type AgentConfig } from './agents/config.ts';
import { createResultBuffer } from './agents/buffer.ts';
import { createPusher } from './agents/push.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError } from './config.ts';
import { systemClock } from './jobs/clock.ts';
import { createProbeJob, hostTasks, type ProbeResults } from './jobs/probe.ts';
import { BASELINE_WINDOW_MS } from './probes/baseline.ts';
import { upstreamPolicy } from './sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher } from './sources/http.ts';
import { dnsServersResolver, systemResolver } from './sources/lookup.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** One JSON line per message on stdout, like the site's log; never a key, never a signature. */
function createLog(config: AgentConfig) {
  const min = config.logLevel === 'silent' ? Infinity : LEVELS.indexOf(config.logLevel);
  const line = (level: (typeof LEVELS)[number]) => (details: object, message: string) => {
    if (LEVELS.indexOf(level) < min) return;
    process.stdout.write(
      `${JSON.stringify({ level, time: Date.now(), region: config.region, ...details, msg: message })}\n`,
    );
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Longest the last push may take at shutdown. */
const SHUTDOWN_PUSH_MS = 3000;
/** Waiting results are offered to the site at least this often. */
const PUSH_EVERY_MS = 10_000;
/** Longest one push may take. */
const PUSH_TIMEOUT_MS = 10_000;

function main(): void {
  let config: AgentConfig, catalog;
  try {
    config = loadAgentConfig();
    catalog = loadCatalog(config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CatalogError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const log = createLog(config);
  const buffer = createResultBuffer({ file: config.bufferFile, maxResults: config.bufferMaxResults, log });

  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const resolver =
    config.dnsServers.length > 0
      ? dnsServersResolver(config.dnsServers, config.probeTimeoutMs)
      : systemResolver(config.probeTimeoutMs);
  const dispatcher = createUpstreamDispatcher({
    policy,
    connectionLog: createConnectionLog(),
    lookup: resolver.lookup,
  });
  const door = createHttpDoor({ dispatcher, policy, userAgent: `ai-status probe agent (${config.region})` });
  // The site is ours and named by the operator: it is reached directly, not through the upstream door's rules.
  const siteDispatcher = new Agent({ connections: 2 });
  const pusher = createPusher({
    centralUrl: config.centralUrl,
    region: config.region,
    key: config.key,
    buffer,
    dispatcher: siteDispatcher,
    now: Date.now,
    timeoutMs: PUSH_TIMEOUT_MS,
    log,
  });

  // The slow baseline from this region's own normal rejections of the last 24 hours, kept in memory.
  const latencies = new Map<string, { at: number; ms: number }[]>();
  const results: ProbeResults = {
    normalLatencies: async (slug, sinceAt, beforeAt) =>
      (latencies.get(slug) ?? []).filter((l) => l.at >= sinceAt && l.at < beforeAt).map((l) => l.ms),
    async record(slug, row) {
      if (row.outcome === 'rejected_as_expected' && row.latencyMs !== null) {
        const kept = (latencies.get(slug) ?? []).filter((l) => l.at >= row.at - BASELINE_WINDOW_MS);
        latencies.set(slug, [...kept, { at: row.at, ms: row.latencyMs }]);
      }
      buffer.add({
        id: randomUUID(),
        provider: slug,
        at: row.at,
        outcome: row.outcome,
        httpStatus: row.httpStatus,
        latencyMs: row.latencyMs,
        dnsMs: row.dnsMs,
        connectMs: row.connectMs,
        tlsMs: row.tlsMs,
        ttfbMs: row.ttfbMs,
        detail: row.detail === null ? null : row.detail.slice(0, 500),
      });
    },
  };
  const job = createProbeJob({
    catalog,
    results,
    region: config.region,
    door,
    clock: systemClock,
    intervalMs: config.probeIntervalMs,
    deadlineMs: config.probeTimeoutMs,
    log,
    onCycle: () => void pusher.flush(),
    onError: (task, err) => log.error({ host: task.host, error: (err as Error).message }, 'probe failed'),
  });
  const retry = setInterval(() => void pusher.flush(), Math.min(PUSH_EVERY_MS, config.probeIntervalMs));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(retry);
    await job.close();
    await Promise.race([pusher.flush(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_PUSH_MS))]);
    log.info({ waiting: buffer.size }, 'probe agent stopped');
    await Promise.allSettled([dispatcher.destroy(), siteDispatcher.destroy()]);
    resolver.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());

  log.info(
    {
      providers: hostTasks(catalog.providers).reduce((n, t) => n + t.providers.length, 0),
      intervalSeconds: config.probeIntervalMs / 1000,
      waiting: buffer.size,
    },
    `probe agent for ${config.region} started`,
  );
  job.start();
  void pusher.flush();
}

main();

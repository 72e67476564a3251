// Process entry: config → catalog → store → metrics → app → listen, and a graceful shutdown. The only file that
// listens (the site, and the metrics on their own port when METRICS_PORT is set).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, loggerOptions } from './app.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { CHECKPOINT_INTERVAL_MS, checkpointTask } from './jobs/checkpoint.ts';
import { systemClock } from './jobs/clock.ts';
import { createIntervalJob } from './jobs/interval.ts';
import { PRUNE_REPORTS_INTERVAL_MS, reportPruneTask } from './jobs/prune-reports.ts';
import { PRUNE_SIGNALS_INTERVAL_MS, signalPruneTask } from './jobs/prune-signals.ts';
import { createPollJob } from './jobs/poll.ts';
import { createProbeJob } from './jobs/probe.ts';
import type { CycleStats } from './jobs/scheduler.ts';
import { createJobWatch } from './ops/job-watch.ts';
import { createMetricsServer } from './ops/metrics-server.ts';
import type { Metrics } from './ops/metrics.ts';
import { createReadiness, databaseFile, sqliteWriteCheck } from './ops/readiness.ts';
import { upstreamPolicy } from './sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher, userAgentFor } from './sources/http.ts';
import { dnsServersResolver, systemResolver } from './sources/lookup.ts';
import { DatabaseFileError } from './store/db.ts';
import { openStore } from './store/index.ts';
import { installShutdown } from './shutdown.ts';

/** Bad configuration, catalog or database file: say exactly what is wrong, one line per problem, and stop. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof CatalogError || error instanceof DatabaseFileError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  throw error;
}

/** The metrics listener, before the site's: a port that cannot be had stops the process with one line. */
async function listenForScrapes(server: Server, config: Config): Promise<Server> {
  try {
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(config.metricsPort ?? 0, config.metricsHost, resolve),
    );
    return server;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    process.stderr.write(
      `METRICS_PORT=${config.metricsPort} METRICS_HOST=${config.metricsHost}: cannot listen there (${code})\n`,
    );
    process.exit(78);
  }
}

const urlOf = (server: Server): string => {
  const { address, family, port } = server.address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
};

async function main(): Promise<void> {
  let config, catalog, store;
  try {
    config = loadConfig();
    catalog = loadCatalog(config);
    store = openStore(config.databasePath);
  } catch (error) {
    fail(error);
  }
  store.providers.sync(catalog.providers, Date.now());

  const jobWatch = createJobWatch(systemClock.now);
  // prom-client is loaded only when metrics are asked for: it costs start-up time and memory.
  const metrics: Metrics | undefined =
    config.metricsPort === null
      ? undefined
      : (await import('./ops/metrics.ts')).createMetrics({ databasePath: config.databasePath, jobs: jobWatch });
  const readiness = createReadiness({
    databasePath: databaseFile(config.databasePath),
    writeCheck: sqliteWriteCheck(store.db),
    jobs: jobWatch,
    now: systemClock.now,
  });
  const app = await buildApp({
    config,
    catalog,
    store,
    logger: loggerOptions(config.logLevel),
    readiness,
    ...(metrics ? { metrics } : {}),
  });
  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const connectionLog = createConnectionLog();
  const lookupTimeoutMs = Math.min(config.pollTimeoutMs, config.probeTimeoutMs);
  const resolver =
    config.dnsServers.length > 0
      ? dnsServersResolver(config.dnsServers, lookupTimeoutMs)
      : systemResolver(lookupTimeoutMs);
  const dispatcher = createUpstreamDispatcher({ policy, connectionLog, lookup: resolver.lookup });
  const door = createHttpDoor({
    dispatcher,
    policy,
    connectionLog,
    userAgent: userAgentFor(config.siteName, config.siteUrl),
  });
  // A schedule's heartbeat is the end of each cycle: readiness fails when one stops coming.
  const heartbeat = (name: string, intervalMs: number) => {
    const beat = jobWatch.watch(name, intervalMs);
    return (stats: CycleStats) => beat(stats.startedAt + stats.durationMs);
  };
  // Every schedule the process runs; each has start() and close(), and shutdown closes them all.
  const jobs = config.jobs
    ? [
        createIntervalJob(reportPruneTask(store, app.log), PRUNE_REPORTS_INTERVAL_MS),
        createIntervalJob(signalPruneTask(store, app.log), PRUNE_SIGNALS_INTERVAL_MS),
        createIntervalJob(checkpointTask(store, app.log), CHECKPOINT_INTERVAL_MS),
        createPollJob({
          catalog,
          store,
          door,
          clock: systemClock,
          intervalMs: config.pollIntervalMs,
          deadlineMs: config.pollTimeoutMs,
          concurrency: config.pollConcurrency,
          log: app.log,
          ...(metrics ? { recorder: metrics } : {}),
          onCycle: heartbeat('poll', config.pollIntervalMs),
          onError: (provider, err) => app.log.error({ err, provider: provider.slug }, 'poll failed'),
        }),
        createProbeJob({
          catalog,
          store,
          door,
          clock: systemClock,
          intervalMs: config.probeIntervalMs,
          deadlineMs: config.probeTimeoutMs,
          log: app.log,
          ...(metrics ? { recorder: metrics } : {}),
          onCycle: heartbeat('probe', config.probeIntervalMs),
          onError: (task, err) => app.log.error({ err, host: task.host }, 'probe failed'),
        }),
      ]
    : [];
  const metricsServer = metrics ? await listenForScrapes(createMetricsServer(metrics), config) : null;
  const closeMetrics = {
    close: () =>
      new Promise<void>((resolve) => {
        if (!metricsServer) return resolve();
        metricsServer.close(() => resolve());
        metricsServer.closeAllConnections();
      }),
  };
  // Shutdown aborts the jobs' requests first; destroying the dispatcher then fails whatever it still holds.
  installShutdown({ app, jobs, resources: [{ close: () => dispatcher.destroy() }, resolver, closeMetrics], store });
  if (metricsServer) app.log.info(`Metrics listening at ${urlOf(metricsServer)}/metrics`);

  await app.listen({ port: config.port, host: config.host });
  for (const job of jobs) job.start();
}

await main();

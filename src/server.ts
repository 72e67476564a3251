// Process entry: config → catalog → store → metrics → app → listen → leadership of the jobs, and a graceful
// shutdown. The only file that listens (the site, and the metrics on their own port when METRICS_PORT is set).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, loggerOptions } from './app.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { CHECKPOINT_INTERVAL_MS, checkpointTask } from './jobs/checkpoint.ts';
import { systemClock } from './jobs/clock.ts';
import { createIntervalJob } from './jobs/interval.ts';
import { createLeadership, leaderCheckMs, type Leadership, type Schedule } from './jobs/leader.ts';
import { PRUNE_REPORTS_INTERVAL_MS, reportPruneTask } from './jobs/prune-reports.ts';
import { PRUNE_SIGNALS_INTERVAL_MS, signalPruneTask } from './jobs/prune-signals.ts';
import { PRUNE_NOTIFICATIONS_INTERVAL_MS, notificationPruneTask } from './jobs/prune-notifications.ts';
import { createPollJob } from './jobs/poll.ts';
import { createProbeJob } from './jobs/probe.ts';
import { createDeliveryJob } from './jobs/deliver.ts';
import { createEventRecorder } from './jobs/events.ts';
import { createRollupRecorder } from './jobs/rollup.ts';
import { createSender, createSmtpMailer } from './notify/send.ts';
import { apiAssessor, createProviderReader, levelsSampler } from './web/provider-data.ts';
import type { CycleStats } from './jobs/scheduler.ts';
import { createJobWatch } from './ops/job-watch.ts';
import { createMetricsServer } from './ops/metrics-server.ts';
import type { Metrics } from './ops/metrics.ts';
import { createReadiness, databaseFile, writeCheckFor } from './ops/readiness.ts';
import { upstreamPolicy } from './sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher, userAgentFor } from './sources/http.ts';
import { dnsServersResolver, systemResolver } from './sources/lookup.ts';
import { HISTORY_SAMPLE_MS } from './status/history.ts';
import { DatabaseFileError } from './store/db.ts';
import { openStore } from './store/index.ts';
import { installShutdown } from './shutdown.ts';

/** Longest one webhook or mail may take. */
const NOTIFY_DEADLINE_MS = 10_000;
/** Connections kept per receiver origin (the delivery job sends at most 8 at once to one). */
const NOTIFY_CONNECTIONS_PER_ORIGIN = 8;

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
    store = await openStore(config);
  } catch (error) {
    // An unreachable or refusing PostgreSQL is an operator's problem too: one line (never the URL), no stack trace.
    if (config?.databaseUrl && !(error instanceof ConfigError || error instanceof CatalogError)) {
      process.stderr.write(`Cannot use the database DATABASE_URL=(hidden): ${(error as Error).message}\n`);
      process.exit(69);
    }
    fail(error);
  }
  await store.providers.sync(catalog.providers, Date.now());

  let leadership: Leadership | null = null;
  const jobWatch = createJobWatch(systemClock.now);
  // prom-client is loaded only when metrics are asked for: it costs start-up time and memory.
  const metrics: Metrics | undefined =
    config.metricsPort === null
      ? undefined
      : (await import('./ops/metrics.ts')).createMetrics({
          databasePath: store.sqlite ? config.databasePath : null,
          jobs: jobWatch,
        });
  const readiness = createReadiness({
    databasePath: store.sqlite ? databaseFile(config.databasePath) : null,
    writeCheck: writeCheckFor(store),
    jobs: jobWatch,
    now: systemClock.now,
  });
  const app = await buildApp({
    config,
    catalog,
    store,
    logger: loggerOptions(config.logLevel),
    jobRole: () => (leadership === null ? 'off' : leadership.isLeader() ? 'leader' : 'standby'),
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
  // Webhooks go through the same door with their own connections, so receivers never compete with polls.
  const receiverDispatcher = createUpstreamDispatcher({
    policy,
    connections: NOTIFY_CONNECTIONS_PER_ORIGIN,
    lookup: resolver.lookup,
  });
  const receiverDoor = createHttpDoor({
    dispatcher: receiverDispatcher,
    policy,
    userAgent: userAgentFor(config.siteName, config.siteUrl),
  });
  const mailer = config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, deadlineMs: NOTIFY_DEADLINE_MS })
    : null;
  const sender = createSender({
    door: receiverDoor,
    mailer,
    siteUrl: config.siteUrl,
    siteName: config.siteName,
    deadlineMs: NOTIFY_DEADLINE_MS,
    now: Date.now,
  });
  const reader = createProviderReader({ store, catalog, config });
  // A schedule's heartbeat is the end of each cycle: readiness fails when one stops coming.
  const heartbeat = (name: string, intervalMs: number) => {
    const beat = jobWatch.watch(name, intervalMs);
    return (stats: CycleStats) => beat(stats.startedAt + stats.durationMs);
  };
  const sqlite = store.sqlite;
  const rollups = createRollupRecorder({
    store,
    catalog,
    sample: levelsSampler(reader),
    now: Date.now,
    log: app.log,
  });
  // Every schedule the jobs run; built afresh each time this node takes the job lock, closed when it loses it.
  const schedules = (): Schedule[] => [
    createIntervalJob(reportPruneTask(store, app.log), PRUNE_REPORTS_INTERVAL_MS),
    createIntervalJob(signalPruneTask(store, app.log), PRUNE_SIGNALS_INTERVAL_MS),
    createIntervalJob(notificationPruneTask(store, app.log), PRUNE_NOTIFICATIONS_INTERVAL_MS),
    createIntervalJob(rollups.task, HISTORY_SAMPLE_MS),
    ...(sqlite ? [createIntervalJob(checkpointTask(sqlite, app.log), CHECKPOINT_INTERVAL_MS)] : []),
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
    createDeliveryJob({
      store,
      sender,
      recorder: createEventRecorder({
        store,
        catalog,
        siteUrl: config.siteUrl,
        now: Date.now,
        log: app.log,
        assess: apiAssessor(reader),
      }),
      log: app.log,
    }),
  ];
  if (config.jobs) {
    leadership = createLeadership({
      lock: store.jobLock(),
      schedules,
      checkMs: leaderCheckMs(config.pollIntervalMs),
      log: app.log,
      // A standby runs no schedule, so none of them can stall: watch them only while leading.
      onStepDown: () => jobWatch.forgetAll(),
    });
  }
  const jobs = leadership ? [leadership] : [];
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
  installShutdown({
    app,
    jobs,
    resources: [
      { close: () => dispatcher.destroy() },
      { close: () => receiverDispatcher.destroy() },
      ...(mailer ? [{ close: () => mailer.close() }] : []),
      resolver,
      closeMetrics,
    ],
    store,
  });
  if (metricsServer) app.log.info(`Metrics listening at ${urlOf(metricsServer)}/metrics`);

  await app.listen({ port: config.port, host: config.host });
  for (const job of jobs) job.start();
}

await main();

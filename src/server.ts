// Process entry: config → catalog → store → metrics → app (ROLE=jobs: health only) → listen → leadership of the jobs
// (not with ROLE=web), and a graceful shutdown. The only file that listens (the site, and the metrics on their own
// port when METRICS_PORT is set).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asyncStdout, buildApp, buildJobsApp, loggerOptions } from './app.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { systemClock } from './jobs/clock.ts';
import { createLeadership, leaderCheckMs, type Leadership } from './jobs/leader.ts';
import type { Jobs, testEventSender } from './jobs/wiring.ts';
import { newWebhookSecret } from './notify/tokens.ts';
import { createJobWatch } from './ops/job-watch.ts';
import { createMetricsServer } from './ops/metrics-server.ts';
import type { Metrics } from './ops/metrics.ts';
import {
  createReadiness,
  databaseFile,
  onceKnown,
  secretProblem,
  writeCheckFor,
  writeFailureWords,
} from './ops/readiness.ts';
import { DatabaseFileError } from './store/db.ts';
import { openStore, type Store } from './store/index.ts';
import { createWarmUp } from './ops/warm-up.ts';
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

/** How long a node waits before writing the catalog again when PostgreSQL went away during start. */
const BOOT_RETRY_MS = 1000;

/** Writes the catalog; on PostgreSQL a database that goes away meanwhile is waited for (said once), not a crash. */
async function syncCatalog(store: Store, providers: Parameters<Store['providers']['sync']>[0]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await store.providers.sync(providers, Date.now());
    } catch (error) {
      if (store.engine !== 'postgres') throw error;
      if (attempt === 1)
        process.stderr.write(
          `The database went away during start (${writeFailureWords(error)}): retrying every ` +
            `${BOOT_RETRY_MS / 1000} s until it answers.\n`,
        );
      await new Promise((resolve) => setTimeout(resolve, BOOT_RETRY_MS));
    }
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
    // A web or jobs process on SQLite shares the file with the other: it watches the other's commits.
    store = await openStore(config, { sharedFile: config.role !== 'all' });
  } catch (error) {
    // An unreachable or refusing PostgreSQL is an operator's problem too: one line (never the URL), no stack trace.
    if (config?.databaseUrl && !(error instanceof ConfigError || error instanceof CatalogError)) {
      process.stderr.write(`Cannot use the database DATABASE_URL=(hidden): ${(error as Error).message}\n`);
      process.exit(69);
    }
    fail(error);
  }
  await syncCatalog(store, catalog.providers);
  // Webhooks made before Standard Webhooks get their new secret now, before anything is delivered.
  await store.subscriptions.upgradeSecrets(Date.now(), newWebhookSecret);

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
  // Nodes share one database only on PostgreSQL; there a node whose SECRET differs is refused with one line.
  const nodeProblem = onceKnown(() => secretProblem(store, store.engine === 'postgres' ? config.secret : null));
  // Every provider is assessed once right after the start: the first visitors wait no longer than later ones.
  const warmUp = createWarmUp((err) =>
    process.stderr.write(`Assessing the providers at start failed: ${writeFailureWords(err)}\n`),
  );
  const readiness = createReadiness({
    databasePath: store.sqlite ? databaseFile(config.databasePath) : null,
    writeCheck: writeCheckFor(store),
    jobs: jobWatch,
    nodeProblem,
    warming: warmUp.pending,
    now: systemClock.now,
  });
  // Test events load the sending modules (undici, the mailer) only when a subscriber first asks for one.
  let testEvents: ReturnType<typeof testEventSender> | null = null;
  // Until the jobs' modules are loaded and the lock is tried, a node with JOBS on runs nothing: a standby.
  const jobRole = () =>
    leadership === null ? (config.jobs ? 'standby' : 'off') : leadership.isLeader() ? 'leader' : 'standby';
  const logger = { ...(loggerOptions(config.logLevel) as object), stream: asyncStdout() };
  // A jobs process serves no page: its port answers health and readiness only.
  const app =
    config.role === 'jobs'
      ? buildJobsApp({ config, catalog, store, logger, jobRole, readiness })
      : await buildApp({
          config,
          catalog,
          store,
          logger,
          testSender: async () => (testEvents ??= (await import('./jobs/wiring.ts')).testEventSender(config)).sender,
          jobRole,
          readiness,
          warmUp,
          ...(metrics ? { metrics } : {}),
        });
  const metricsServer = metrics ? await listenForScrapes(createMetricsServer(metrics, readiness), config) : null;
  const closeMetrics = {
    close: () =>
      new Promise<void>((resolve) => {
        if (!metricsServer) return resolve();
        metricsServer.close(() => resolve());
        metricsServer.closeAllConnections();
      }),
  };
  let jobs: Jobs | null = null;
  let stopping = false;
  // Shutdown aborts the jobs' requests first (closing the leadership closes its schedules); closing the jobs'
  // resources then destroys the dispatchers with whatever they still hold.
  installShutdown({
    app,
    jobs: [
      {
        close: () => {
          stopping = true;
          return leadership?.close();
        },
      },
    ],
    resources: [
      { close: () => Promise.all((jobs?.resources ?? []).map(async (resource) => resource.close())) },
      { close: () => testEvents?.close() },
      closeMetrics,
    ],
    store,
  });
  if (metricsServer) app.log.info(`Metrics listening at ${urlOf(metricsServer)}/metrics`);
  // Said once at boot; readiness keeps refusing traffic until the SECRET matches.
  nodeProblem().then(
    (problem) => problem && app.log.error(`Not ready: ${problem}`),
    () => undefined,
  );

  await app.listen({ port: config.port, host: config.host });
  if (!config.jobs) return;
  // The jobs' modules (undici, the source adapters, probes, notifications) load once the site answers.
  const { createJobs } = await import('./jobs/wiring.ts');
  if (stopping) return;
  jobs = createJobs({ config, catalog, store, log: app.log, jobWatch, ...(metrics ? { metrics } : {}) });
  leadership = createLeadership({
    lock: store.jobLock(),
    schedules: jobs.schedules,
    checkMs: leaderCheckMs(config.pollIntervalMs),
    log: app.log,
    // A standby runs no schedule, so none of them can stall: watch them only while leading.
    onStepDown: () => jobWatch.forgetAll(),
  });
  leadership.start();
}

void main();

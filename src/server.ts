// Process entry: config → catalog → store → app → listen, and a graceful shutdown. The only file that listens.
import { buildApp, loggerOptions } from './app.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError, loadConfig } from './config.ts';
import { CHECKPOINT_INTERVAL_MS, checkpointTask } from './jobs/checkpoint.ts';
import { systemClock } from './jobs/clock.ts';
import { createIntervalJob } from './jobs/interval.ts';
import { PRUNE_REPORTS_INTERVAL_MS, reportPruneTask } from './jobs/prune-reports.ts';
import { PRUNE_SIGNALS_INTERVAL_MS, signalPruneTask } from './jobs/prune-signals.ts';
import { createPollJob } from './jobs/poll.ts';
import { createProbeJob } from './jobs/probe.ts';
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

  const app = await buildApp({ config, catalog, store, logger: loggerOptions(config.logLevel) });
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
          onError: (task, err) => app.log.error({ err, host: task.host }, 'probe failed'),
        }),
      ]
    : [];
  // Shutdown aborts the jobs' requests first; destroying the dispatcher then fails whatever it still holds.
  installShutdown({ app, jobs, resources: [{ close: () => dispatcher.destroy() }, resolver], store });

  await app.listen({ port: config.port, host: config.host });
  for (const job of jobs) job.start();
}

await main();

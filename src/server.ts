// Process entry: config → catalog → store → app → listen, and a graceful shutdown. The only file that listens.
import closeWithGrace from 'close-with-grace';
import { buildApp, loggerOptions } from './app.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError, loadConfig } from './config.ts';
import { PRUNE_REPORTS_INTERVAL_MS, reportPruneTask } from './jobs/prune-reports.ts';
import { systemClock } from './jobs/clock.ts';
import { createPollJob } from './jobs/poll.ts';
import { createProbeJob } from './jobs/probe.ts';
import { upstreamPolicy } from './sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher, userAgentFor } from './sources/http.ts';
import { openStore } from './store/index.ts';

/** Bad configuration or catalog: say exactly what is wrong, one line per problem, and stop. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof CatalogError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  throw error;
}

async function main(): Promise<void> {
  let config, catalog;
  try {
    config = loadConfig();
    catalog = loadCatalog(config);
  } catch (error) {
    fail(error);
  }
  const store = openStore(config.databasePath);
  store.providers.sync(catalog.providers, Date.now());

  const app = await buildApp({ config, catalog, store, logger: loggerOptions(config.logLevel) });
  const pruneTask = reportPruneTask(store, app.log);
  if (config.jobs) pruneTask();
  const pruneTimer = config.jobs ? setInterval(pruneTask, PRUNE_REPORTS_INTERVAL_MS) : undefined;

  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const connectionLog = createConnectionLog();
  const dispatcher = createUpstreamDispatcher({ policy, connectionLog });
  const door = createHttpDoor({ dispatcher, policy, connectionLog, userAgent: userAgentFor(config.siteName, config.siteUrl) });
  const pollJob = config.jobs
    ? createPollJob({
        catalog, store, door, clock: systemClock, intervalMs: config.pollIntervalMs, deadlineMs: config.pollTimeoutMs,
        concurrency: config.pollConcurrency, log: app.log,
        onError: (provider, err) => app.log.error({ err, provider: provider.slug }, 'poll failed'),
      })
    : null;
  const probeJob = config.jobs
    ? createProbeJob({
        catalog, store, door, clock: systemClock, intervalMs: config.probeIntervalMs, deadlineMs: config.probeTimeoutMs, log: app.log,
        onError: (task, err) => app.log.error({ err, host: task.host }, 'probe failed'),
      })
    : null;

  closeWithGrace({ delay: 3000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    clearInterval(pruneTimer);
    await pollJob?.close();
    await probeJob?.close();
    await dispatcher.close();
    await app.close();
    store.close();
  });

  await app.listen({ port: config.port, host: config.host });
  pollJob?.start();
  probeJob?.start();
}

await main();

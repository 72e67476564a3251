// Process entry: config → catalog → store → app → listen, and a graceful shutdown. The only file that listens.
import closeWithGrace from 'close-with-grace';
import { buildApp, loggerOptions } from './app.ts';
import { CatalogError, loadCatalog } from './catalog/load.ts';
import { ConfigError, loadConfig } from './config.ts';
import { PRUNE_REPORTS_INTERVAL_MS, reportPruneTask } from './jobs/prune-reports.ts';
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

  closeWithGrace({ delay: 3000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    clearInterval(pruneTimer);
    await app.close();
    store.close();
  });

  await app.listen({ port: config.port, host: config.host });
}

await main();

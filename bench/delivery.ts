// What the delivery benches share: a site on a fresh SQLite file, the real delivery job over loopback receivers
// (address literals, nothing looked up), and a webhook subscription row for the store.
import { lookup as dnsLookup } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadCatalog, type Catalog } from '../src/catalog/load.ts';
import { parseConfig, type Config } from '../src/config.ts';
import { systemClock } from '../src/jobs/clock.ts';
import { createDeliveryJob } from '../src/jobs/deliver.ts';
import { createEventRecorder } from '../src/jobs/events.ts';
import { createSender } from '../src/notify/send.ts';
import { hashToken, newToken, newWebhookSecret } from '../src/notify/tokens.ts';
import { upstreamPolicy } from '../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../src/sources/http.ts';
import { openStore, type Store } from '../src/store/index.ts';
import type { NewSubscription } from '../src/store/subscriptions.ts';
import { createAssessor } from '../src/assessment/assessor.ts';
import { apiAssessor } from '../src/assessment/readings.ts';

/** The site (app and store, catalog synced) on a fresh database, with a clock the bench moves. */
export async function benchSite(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const config = parseConfig({ DATABASE_PATH: join(dir, 'status.db'), ALLOW_PRIVATE_UPSTREAMS: 'true' });
  const catalog = loadCatalog(config);
  const store = await openStore(config);
  const clock = { now: Date.now() };
  await store.providers.sync(catalog.providers, clock.now);
  const app = await buildApp({ config, catalog, store, now: () => clock.now });
  return {
    app,
    store,
    catalog,
    config,
    clock,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The delivery job as the site wires it, with the site's clock `now`; close the dispatcher after the job. */
export function benchDeliveryJob(deps: { store: Store; catalog: Catalog; config: Config; now: () => number }) {
  const { store, catalog, config, now } = deps;
  const policy = upstreamPolicy(true);
  const dispatcher = createUpstreamDispatcher({ policy, connections: 64, lookup: dnsLookup });
  const sender = createSender({
    door: createHttpDoor({ dispatcher, policy, userAgent: 'bench' }),
    policy,
    mailer: null,
    siteUrl: config.siteUrl,
    siteName: config.siteName,
    deadlineMs: 10_000,
    now: Date.now,
  });
  const reader = createAssessor({ store, catalog, config });
  const recorder = createEventRecorder({ store, catalog, assess: apiAssessor(reader), siteUrl: config.siteUrl, now });
  const job = createDeliveryJob({ store, sender, recorder, clock: { ...systemClock, now } });
  return { job, dispatcher };
}

/** A webhook subscription to everything, active since `createdAt`. */
export const benchSubscription = (id: string, url: string, createdAt: number): NewSubscription => ({
  id,
  channel: 'webhook',
  target: url,
  receiver: new URL(url).origin,
  addressHash: null,
  secret: newWebhookSecret(),
  manageHash: hashToken(newToken()),
  unsubscribeToken: newToken(),
  providers: null,
  components: null,
  errors: null,
  minLevel: null,
  state: 'active',
  createdAt,
});

// One site process for the fan-out twin bench: the app and the real delivery job on one event loop (as ROLE=all
// runs them), with the webhook URLs of TARGETS_FILE (JSON: [{ id, url }]) subscribed. On "go" from stdin the API goes down and the
// job starts; "report" prints the deliveries' counts and when the "genuine" subscriptions (ids genuine-*) had all.
import { lookup as dnsLookup } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from '../src/store/kysely.ts';
import { buildApp } from '../src/app.ts';
import { loadCatalog } from '../src/catalog/load.ts';
import { parseConfig } from '../src/config.ts';
import { systemClock } from '../src/jobs/clock.ts';
import { createDeliveryJob } from '../src/jobs/deliver.ts';
import { createEventRecorder } from '../src/jobs/events.ts';
import { createSender } from '../src/notify/send.ts';
import { hashToken, newToken } from '../src/notify/tokens.ts';
import { upstreamPolicy } from '../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../src/sources/http.ts';
import { openStore } from '../src/store/index.ts';
import { apiAssessor, createProviderReader } from '../src/web/provider-data.ts';
import { recordOfficial } from '../test/helpers/signals.ts';

const targets = JSON.parse(readFileSync(process.env.TARGETS_FILE!, 'utf8')) as { id: string; url: string }[];
const dir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
const config = parseConfig({ DATABASE_PATH: join(dir, 'status.db'), ALLOW_PRIVATE_UPSTREAMS: 'true' });
const catalog = loadCatalog(config);
const store = await openStore(config);
const clock = { now: Date.now() };
await store.providers.sync(catalog.providers, clock.now);
const app = await buildApp({ config, catalog, store, now: () => clock.now });
const policy = upstreamPolicy(true);
// Every receiver is an address literal: nothing is looked up.
const dispatcher = createUpstreamDispatcher({ policy, connections: 64, lookup: dnsLookup as LookupFunction });
const sender = createSender({
  door: createHttpDoor({ dispatcher, policy, userAgent: 'bench' }),
  policy,
  mailer: null,
  siteUrl: config.siteUrl,
  siteName: config.siteName,
  deadlineMs: 10_000,
  now: Date.now,
});
const reader = createProviderReader({ store, catalog, config });
const recorder = createEventRecorder({
  store,
  catalog,
  assess: apiAssessor(reader),
  siteUrl: config.siteUrl,
  now: () => clock.now,
});
const job = createDeliveryJob({ store, sender, recorder, clock: { ...systemClock, now: () => clock.now } });
await recordOfficial(store, 'openai', clock.now, { API: 'operational' });
await job.tick();
await store.transaction(async (tx) => {
  for (const { id, url } of targets)
    await tx.subscriptions.create({
      id,
      channel: 'webhook',
      target: url,
      receiver: new URL(url).origin,
      addressHash: null,
      secret: `whsec_${id}`,
      manageHash: hashToken(newToken()),
      unsubscribeToken: newToken(),
      providers: null,
      components: null,
      errors: null,
      minLevel: null,
      state: 'active',
      createdAt: clock.now,
    });
});
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ origin })}\n`);

let startedAt = 0;
let genuineMs: number | null = null;
const genuine = targets.filter((t) => t.id.startsWith('genuine-')).length;
const watch = setInterval(() => {
  if (startedAt === 0 || genuineMs !== null || genuine === 0) return;
  void sql<{ count: number }>`SELECT COUNT(*) AS count FROM deliveries
    WHERE state = 'delivered' AND subscription_id LIKE 'genuine-%'`
    .execute(store.db)
    .then(({ rows }) => {
      if (Number(rows[0]?.count) >= genuine && genuineMs === null) genuineMs = Date.now() - startedAt;
    });
}, 50);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'go') {
    for (let poll = 0; poll < 2; poll += 1) {
      clock.now += 60_000;
      await recordOfficial(store, 'openai', clock.now, { API: 'major_outage' });
    }
    const offset = clock.now - Date.now();
    setInterval(() => (clock.now = Date.now() + offset), 100).unref();
    startedAt = Date.now();
    job.start();
  } else if (line === 'report') {
    const counts = await store.deliveries.counts();
    process.stdout.write(`${JSON.stringify({ ...counts, genuineDeliveredMs: genuineMs })}\n`);
  } else if (line === 'stop') break;
}
clearInterval(watch);
await job.close();
await dispatcher.close();
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);

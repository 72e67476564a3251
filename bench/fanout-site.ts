// One site process for the fan-out twin bench: the app and the real delivery job on one event loop (as ROLE=all
// runs them), with the webhook URLs of TARGETS_FILE (JSON: [{ id, url }]) subscribed. On "go" from stdin the API goes down and the
// job starts; "report" prints the deliveries' counts and when the "genuine" subscriptions (ids genuine-*) had all.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sql } from '../src/store/kysely.ts';
import { recordOfficial } from '../test/helpers/signals.ts';
import { benchDeliveryJob, benchSite, benchSubscription } from './delivery.ts';

const targets = JSON.parse(readFileSync(process.env.TARGETS_FILE!, 'utf8')) as { id: string; url: string }[];
const site = await benchSite('fanout');
const { app, store, clock } = site;
const { job, dispatcher } = benchDeliveryJob({ ...site, now: () => clock.now });
await recordOfficial(store, 'openai', clock.now, { API: 'operational' });
await job.tick();
await store.transaction(async (tx) => {
  for (const { id, url } of targets) await tx.subscriptions.create(benchSubscription(id, url, clock.now));
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
await site.close();
process.exit(0);

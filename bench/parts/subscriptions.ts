// One event fanned out to 10,000 webhook subscriptions on loopback (100 receivers, 100 subscriptions each): the
// time from the status change to the last acknowledged delivery, and the site's page latency meanwhile, against the
// same pages while idle. The receivers run in a process of their own; the machine's two cores are shared by all.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from '../../src/store/kysely.ts';
import { recordOfficial } from '../../test/helpers/signals.ts';
import { benchDeliveryJob, benchSite, benchSubscription } from '../delivery.ts';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
const RECEIVERS = 100;
const PAGE = '/openai';

/** The receivers' process (answering, or hanging): their URLs, how many requests they got, and how to stop them. */
export async function startReceivers(
  count: number,
  hang = false,
): Promise<{ urls: string[]; received(): Promise<{ received: number; repeated: number }>; stop(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../receivers.js', import.meta.url))], {
    env: { PATH: process.env.PATH ?? '', COUNT: String(count), HANG: hang ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const ports = JSON.parse(line) as number[];
  const urls = ports.map((port) => `http://127.0.0.1:${port}/hook`);
  return {
    urls,
    received: async () =>
      (await (await fetch(`http://127.0.0.1:${ports[0]}/count`)).json()) as { received: number; repeated: number },
    stop: () => void child.kill(),
  };
}

const latency = (result: autocannon.Result) => ({
  requestsPerSecond: Math.round(result.requests.average),
  p50LatencyMs: result.latency.p50,
  p99LatencyMs: result.latency.p99,
  errors: result.errors + result.non2xx,
});

export default async function (): Promise<Record<string, unknown>> {
  const h = await benchSite('subscriptions');
  const receivers = await startReceivers(RECEIVERS);
  const { job, dispatcher } = benchDeliveryJob({ ...h, now: () => h.clock.now });
  const origin = await h.app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await recordOfficial(h.store, 'openai', h.clock.now, { API: 'operational' });
    await job.tick();
    const createdAt = h.clock.now;
    await h.store.transaction(async (tx) => {
      for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
        await tx.subscriptions.create(
          benchSubscription(`bench-${i}`, `${receivers.urls[i % RECEIVERS]!}/${i}`, createdAt),
        );
      }
    });
    const idle = latency(await autocannon({ url: `${origin}${PAGE}`, connections: 4, duration: 3 }));

    // The API goes down (confirmed on two polls): one level_changed event.
    for (let poll = 0; poll < 2; poll += 1) {
      h.clock.now += 60_000;
      await recordOfficial(h.store, 'openai', h.clock.now, { API: 'major_outage' });
    }
    const clockOffset = h.clock.now - Date.now();
    const tickClock = setInterval(() => (h.clock.now = Date.now() + clockOffset), 100);
    const started = performance.now();
    job.start();
    let finish: (result: autocannon.Result) => void = () => {};
    const loaded = new Promise<autocannon.Result>((resolve) => (finish = resolve));
    const load = autocannon({ url: `${origin}${PAGE}`, connections: 4, duration: 600 }, (_error, result) =>
      finish(result),
    );
    let deliveredMs = Number.NaN;
    while (performance.now() - started < 300_000) {
      const counts = await h.store.deliveries.counts();
      if (counts.delivered >= SUBSCRIPTIONS) {
        deliveredMs = Math.round(performance.now() - started);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    load.stop();
    const busy = latency(await loaded);
    clearInterval(tickClock);
    const events = await h.store.events.recent(10);
    const { rows: retried } = await sql<{ count: number }>`SELECT COUNT(*) AS count FROM deliveries
      WHERE attempts > 1`.execute(h.store.db);
    const figures = {
      subscriptions: SUBSCRIPTIONS,
      receivers: RECEIVERS,
      events: events.length,
      timeToDeliverAllMs: deliveredMs,
      deliveriesPerSecond: Math.round((SUBSCRIPTIONS / deliveredMs) * 1000),
      ...(await receivers.received()),
      retriedDeliveries: Number(retried[0]?.count ?? 0),
      pageWhileIdle: idle,
      pageWhileDelivering: busy,
      limitedBy: 'two cores shared by the site and its delivery job (one process), the receivers and autocannon',
    };
    console.table({ idle, delivering: busy });
    console.log(
      `${SUBSCRIPTIONS} deliveries of 1 event in ${deliveredMs} ms (${figures.deliveriesPerSecond}/s), ` +
        `${figures.received} received (${figures.repeated} repeated), ${figures.retriedDeliveries} retried`,
    );
    return figures;
  } finally {
    await job.close();
    await dispatcher.close();
    await h.close();
    receivers.stop();
  }
}

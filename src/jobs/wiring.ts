// The jobs' wiring: the upstream and receiver doors (undici), the mailer, and every schedule the job leader runs.
// server.ts imports this module only once the site listens and only when JOBS is on, so neither the start-up nor a
// web-only node (JOBS=false) pays for undici, the source adapters, the probes or the notifications.
import type { FastifyBaseLogger } from 'fastify';
import type { Catalog } from '../catalog/load.ts';
import { probeRegions, type Config } from '../config.ts';
import { createSender, createSmtpMailer, type Sender } from '../notify/send.ts';
import type { JobWatch } from '../ops/job-watch.ts';
import type { Metrics } from '../ops/metrics.ts';
import { upstreamPolicy } from '../sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher, userAgentFor } from '../sources/http.ts';
import { dnsServersResolver, systemResolver, type Lookup } from '../sources/lookup.ts';
import type { Closable } from '../shutdown.ts';
import type { Store } from '../store/index.ts';
import { createAssessor } from '../assessment/assessor.ts';
import { apiAssessor, communityReader, levelsSampler } from '../assessment/readings.ts';
import { CHECKPOINT_INTERVAL_MS, checkpointTask } from './checkpoint.ts';
import { systemClock } from './clock.ts';
import { CONFIRMATION_MAIL_INTERVAL_MS, confirmationMailTask } from './confirmation-mail.ts';
import { createDeliveryJob } from './deliver.ts';
import { createDetector } from './detect.ts';
import { createEventRecorder } from './events.ts';
import { createIntervalJob } from './interval.ts';
import type { Schedule } from './leader.ts';
import { LEADER_MINUTE_MS, minuteTask } from './minute.ts';
import { createPollJob } from './poll.ts';
import { PRUNE_NOTIFICATIONS_INTERVAL_MS, notificationPruneTask } from './prune-notifications.ts';
import { PRUNE_REPORTS_INTERVAL_MS, reportPruneTask } from './prune-reports.ts';
import { PRUNE_SIGNALS_INTERVAL_MS, signalPruneTask } from './prune-signals.ts';
import { createProbeJob } from './probe.ts';
import { createRollupRecorder } from './rollup.ts';
import type { CycleStats } from './scheduler.ts';

/** Longest one webhook or mail may take. */
const NOTIFY_DEADLINE_MS = 10_000;
/** Connections per receiver origin: an ordinary origin's lane uses 4; a shared chat host serves many lanes. */
const NOTIFY_CONNECTIONS_PER_ORIGIN = 64;

export type JobsDeps = {
  config: Config;
  catalog: Catalog;
  store: Store;
  log: FastifyBaseLogger;
  /** Where each schedule's heartbeat goes, for readiness. */
  jobWatch: JobWatch;
  metrics?: Metrics;
};

export type Jobs = {
  /** Every schedule the jobs run; built afresh each time this node takes the job lock, closed when it loses it. */
  schedules(): Schedule[];
  /** What the schedules share (dispatchers, the mailer, the resolver): closed after the schedules, at shutdown. */
  resources: readonly Closable[];
};

/**
 * What sends to subscribers: webhooks through the same door as polls but with their own connections (so receivers
 * never compete with polls), mail through SMTP. The web node builds one too, for test events.
 */
export function receiverSender(config: Config, lookup: Lookup['lookup']) {
  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const receiverDispatcher = createUpstreamDispatcher({ policy, connections: NOTIFY_CONNECTIONS_PER_ORIGIN, lookup });
  const userAgent = userAgentFor(config.siteName, config.siteUrl);
  const receiverDoor = createHttpDoor({ dispatcher: receiverDispatcher, policy, userAgent });
  const mailer = config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom, deadlineMs: NOTIFY_DEADLINE_MS })
    : null;
  const sender = createSender({
    door: receiverDoor,
    policy,
    mailer,
    siteUrl: config.siteUrl,
    siteName: config.siteName,
    deadlineMs: NOTIFY_DEADLINE_MS,
    now: Date.now,
    pagerdutyEventsUrl: config.pagerdutyEventsUrl,
    opsgenieApiUrl: config.opsgenieApiUrl,
    telegramApiUrl: config.telegramApiUrl,
  });
  return { sender, mailer, receiverDispatcher };
}

/** The DNS the jobs use: the configured servers, or the system's. */
const resolverFor = (config: Config): Lookup => {
  const timeoutMs = Math.min(config.pollTimeoutMs, config.probeTimeoutMs);
  return config.dnsServers.length > 0 ? dnsServersResolver(config.dnsServers, timeoutMs) : systemResolver(timeoutMs);
};

/** A sender for the web node's test events, with its own resolver; closing it ends its connections. */
export function testEventSender(config: Config): { sender: Sender; close(): Promise<void> } {
  const resolver = resolverFor(config);
  const { sender, mailer, receiverDispatcher } = receiverSender(config, resolver.lookup);
  return {
    sender,
    async close() {
      mailer?.close();
      await receiverDispatcher.destroy();
      resolver.close();
    },
  };
}

export function createJobs(deps: JobsDeps): Jobs {
  const { config, catalog, store, log, jobWatch, metrics } = deps;
  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const connectionLog = createConnectionLog();
  const resolver = resolverFor(config);
  const userAgent = userAgentFor(config.siteName, config.siteUrl);
  const dispatcher = createUpstreamDispatcher({ policy, connectionLog, lookup: resolver.lookup });
  const door = createHttpDoor({ dispatcher, policy, connectionLog, userAgent });
  const { sender, mailer, receiverDispatcher } = receiverSender(config, resolver.lookup);
  // Every read afresh: the jobs judge the data as it is now; the minute's pass reads each provider once.
  const assessor = createAssessor({ store, catalog, config });
  // A schedule's heartbeat is the end of each cycle: readiness fails when one stops coming.
  const heartbeat = (name: string, intervalMs: number) => {
    const beat = jobWatch.watch(name, intervalMs);
    return (stats: CycleStats) => beat(stats.startedAt + stats.durationMs);
  };
  const sqlite = store.sqlite;
  const detector = createDetector({
    store,
    catalog,
    probeIntervalMs: config.probeIntervalMs,
    ...(Object.keys(config.agentKeys).length > 0 ? { probeRegions: probeRegions(config) } : {}),
    communities: communityReader(assessor),
    now: Date.now,
    log,
  });
  const detect = () =>
    detector.run().then(
      () => undefined,
      (err: unknown) => log.error({ err }, 'detecting incidents failed'),
    );
  const rollups = createRollupRecorder({ store, catalog, sample: levelsSampler(assessor), now: Date.now, log });
  // Detection follows each probe cycle, so a confirmed failure opens its incident at once.
  const thenDetect = (beat: (stats: CycleStats) => void) => (stats: CycleStats) => {
    beat(stats);
    void detect();
  };

  const schedules = (): Schedule[] => {
    const events = createEventRecorder({
      store,
      catalog,
      siteUrl: config.siteUrl,
      now: Date.now,
      levelHoldMs: Math.min(config.pollIntervalMs, config.probeIntervalMs),
      log,
      ...(Object.keys(config.agentKeys).length > 0 ? { probeRegions: probeRegions(config) } : {}),
      assess: apiAssessor(assessor),
    });
    return [
      createIntervalJob(reportPruneTask(store, log), PRUNE_REPORTS_INTERVAL_MS),
      createIntervalJob(signalPruneTask(store, log), PRUNE_SIGNALS_INTERVAL_MS),
      createIntervalJob(notificationPruneTask(store, log), PRUNE_NOTIFICATIONS_INTERVAL_MS),
      // The daily history, detection and the events' full look: one read of every provider a minute.
      createIntervalJob(
        minuteTask({ catalog, versions: store.versions, assessor, rollups, detector, events, now: Date.now, log }),
        LEADER_MINUTE_MS,
      ),
      ...(sqlite ? [createIntervalJob(checkpointTask(sqlite, log), CHECKPOINT_INTERVAL_MS)] : []),
      createPollJob({
        catalog,
        store,
        door,
        clock: systemClock,
        intervalMs: config.pollIntervalMs,
        deadlineMs: config.pollTimeoutMs,
        concurrency: config.pollConcurrency,
        log,
        ...(metrics ? { recorder: metrics } : {}),
        onCycle: heartbeat('poll', config.pollIntervalMs),
        onError: (provider, err) => log.error({ err, provider: provider.slug }, 'poll failed'),
      }),
      createProbeJob({
        catalog,
        results: store.probes,
        region: config.probeRegion,
        door,
        clock: systemClock,
        intervalMs: config.probeIntervalMs,
        deadlineMs: config.probeTimeoutMs,
        log,
        ...(metrics ? { recorder: metrics } : {}),
        onCycle: thenDetect(heartbeat('probe', config.probeIntervalMs)),
        onError: (task, err) => log.error({ err, host: task.host }, 'probe failed'),
      }),
      // Confirmation mails have their own schedule: a slow mail server never holds up events or deliveries.
      ...(mailer
        ? [
            createIntervalJob(
              confirmationMailTask({ store, sender, now: Date.now, log }),
              CONFIRMATION_MAIL_INTERVAL_MS,
            ),
          ]
        : []),
      createDeliveryJob({ store, sender, recorder: events, log }),
    ];
  };

  // The schedules' requests are aborted first (by closing the schedules); destroying the dispatchers then fails
  // whatever they still hold.
  const resources: Closable[] = [
    { close: () => dispatcher.destroy() },
    { close: () => receiverDispatcher.destroy() },
    ...(mailer ? [{ close: () => mailer.close() }] : []),
    resolver,
  ];
  return { schedules, resources };
}

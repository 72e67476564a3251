// A notification rig over a test harness: the real events recorder (over the real provider reader), the real
// sender (HTTP door on loopback, SMTP to a test mailbox), the delivery job and the confirmation mail task, on the
// harness's settable clock.
import { confirmationMailTask } from '../../src/jobs/confirmation-mail.ts';
import { createDeliveryJob, type DeliveryJob } from '../../src/jobs/deliver.ts';
import { createEventRecorder } from '../../src/jobs/events.ts';
import { createSender, createSmtpMailer, type Sender } from '../../src/notify/send.ts';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { apiAssessor } from '../../src/assessment/readings.ts';
import type { LookupFunction } from 'node:net';
import type { Harness } from './app.ts';
import { testLookup } from './poll.ts';

export type NotifyRig = {
  job: DeliveryJob;
  /** The rig's sender (chat hosts on loopback), for a harness's test events. */
  sender: Sender;
  /** One run of the confirmation mail job. */
  mail: () => Promise<void>;
  close(): Promise<void>;
};

/** The chat services' official hosts, answered by receivers on loopback (their URLs from `chatUrl`). */
const CHAT_HOSTS = new Set([
  'hooks.slack.com',
  'discord.com',
  'discordapp.com',
  'prod-00.westus.logic.azure.com',
  'chat.googleapis.com',
]);
const notifyLookup: LookupFunction = (hostname, options, callback) =>
  testLookup(CHAT_HOSTS.has(hostname) ? 'chat.status.test' : hostname, options, callback);

/** A loopback receiver's URL as a Slack or Discord incoming webhook URL (resolved to loopback by the rig). */
export function chatUrl(
  channel: 'slack' | 'discord' | 'teams' | 'google_chat',
  receiverUrl: string,
  host?: string,
): string {
  const { port } = new URL(receiverUrl);
  const [defaultHost, path] = CHAT_PATHS[channel];
  return `http://${host ?? defaultHost}:${port}${path}`;
}
const CHAT_PATHS = {
  slack: ['hooks.slack.com', '/services/T000/B000/XXXX'],
  discord: ['discord.com', '/api/webhooks/123/abc'],
  teams: ['prod-00.westus.logic.azure.com', '/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01'],
  google_chat: ['chat.googleapis.com', '/v1/spaces/AAAA/messages?key=k&token=t'],
} as const;

export function notifyRig(h: Harness, options: { deadlineMs?: number; perReceiver?: number } = {}): NotifyRig {
  const policy = upstreamPolicy(true);
  const dispatcher = createUpstreamDispatcher({ policy, connections: 64, lookup: notifyLookup });
  const door = createHttpDoor({ dispatcher, policy, userAgent: 'test' });
  const mailer = h.config.smtpUrl
    ? createSmtpMailer({ url: h.config.smtpUrl, from: h.config.mailFrom, deadlineMs: 5000 })
    : null;
  const clock = {
    now: () => h.clock.now,
    setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const sender = createSender({
    door,
    policy,
    mailer,
    siteUrl: h.config.siteUrl,
    siteName: h.config.siteName,
    deadlineMs: options.deadlineMs ?? 5000,
    now: clock.now,
    pagerdutyEventsUrl: h.config.pagerdutyEventsUrl,
    opsgenieApiUrl: h.config.opsgenieApiUrl,
    telegramApiUrl: h.config.telegramApiUrl,
  });
  const reader = createAssessor({ store: h.store, catalog: h.catalog, config: h.config });
  const recorder = createEventRecorder({
    store: h.store,
    catalog: h.catalog,
    assess: apiAssessor(reader),
    siteUrl: h.config.siteUrl,
    now: clock.now,
  });
  const job = createDeliveryJob({
    store: h.store,
    sender,
    recorder,
    clock,
    random: () => 0.5,
    ...(options.perReceiver ? { perReceiver: options.perReceiver } : {}),
  });
  return {
    job,
    sender,
    mail: confirmationMailTask({ store: h.store, sender, now: clock.now }),
    async close() {
      await job.close();
      mailer?.close();
      await dispatcher.close();
    },
  };
}

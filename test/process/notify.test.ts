// The real server, as `npm start` runs it, with a fake status page, a webhook receiver and an SMTP server on
// loopback: a status change upstream reaches the receiver signed within seconds, and an e-mail address gets its
// confirmation and, once confirmed, the change.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import { startMailbox, startReceiver, verifyDelivery, type Mailbox, type Receiver } from '../helpers/receivers.ts';
import {
  anthropicSummaryWith as summaryWith,
  fixture,
  json,
  startUpstream,
  type Upstream,
} from '../helpers/upstream.ts';

const SUMMARY = '/api/v2/summary.json';
const healthy = fixture('statuspage-summary-anthropic.json');

let dir: string;
let upstream: Upstream;
let server: ServerProcess;
let hook: Receiver;
let mailbox: Mailbox;
let summary = healthy;

beforeAll(async () => {
  dir = tempDir();
  upstream = await startUpstream({
    '/api/v2/incidents.json': json({ page: {}, incidents: [] }),
    '/api/v2/scheduled-maintenances.json': json({ page: {}, scheduled_maintenances: [] }),
  });
  upstream.set(SUMMARY, () => json(summary));
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string }[];
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  const providersFile = join(dir, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify([{ ...anthropic, statusPage: { format: 'statuspage', url: upstream.url }, probe: null }]),
  );
  hook = await startReceiver();
  mailbox = await startMailbox();
  server = await startServer({
    DATABASE_PATH: join(dir, 'status.db'),
    PROVIDERS_FILE: providersFile,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    POLL_INTERVAL_SECONDS: '1',
    SMTP_URL: mailbox.url,
    MAIL_FROM: 'Status <status@example.com>',
  });
}, 60_000);

afterAll(async () => {
  await server?.kill();
  await upstream?.close();
  await hook?.close();
  await mailbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: object) {
  const res = await fetch(`${server.url}/api/v1/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { status: string; secret?: string; manageToken: string };
}

it('delivers a status change seen upstream to a webhook, signed, and to a confirmed address', async () => {
  // Wait for the first polls: the first look at the provider is recorded, not announced.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const webhook = await post({ channel: 'webhook', target: hook.url, providers: ['anthropic'] });
  const email = await post({ channel: 'email', target: 'oncall@example.com' });
  expect(email.status).toBe('pending_confirmation');
  const [confirmation] = await mailbox.waitFor(1);
  const link = /http:\/\/\S+\/subscriptions\/confirm\/[\w-]+/.exec(confirmation!.text ?? '')![0];
  // The link opens a page whose button confirms: only the POST does.
  const page = await fetch(`${server.url}${new URL(link).pathname}`);
  expect(await page.text()).toContain('Confirm subscription</button>');
  const confirmed = await fetch(`${server.url}${new URL(link).pathname}`, { method: 'POST' });
  expect(confirmed.status).toBe(200);
  expect(await confirmed.text()).toContain('Subscription confirmed');

  const changedAt = Date.now();
  summary = summaryWith('major_outage', 'critical');
  const [received] = await hook.waitFor(1, 30_000);
  expect(Date.now() - changedAt).toBeLessThan(30_000);
  const event = JSON.parse(received!.body) as StatusEvent;
  expect(event).toMatchObject({ type: 'level_changed', previousLevel: 'operational', level: 'major_outage' });
  expect(event.provider.slug).toBe('anthropic');
  expect(verifyDelivery(webhook.secret!, received!)).toEqual(event);
  const mails = await mailbox.waitFor(2, 30_000);
  expect(mails[1]!.subject).toBe('Anthropic: API status changed');
  const logs = JSON.stringify(server.lines);
  expect(logs).not.toContain('oncall@example.com');
  expect(logs).not.toContain(hook.url);
}, 60_000);

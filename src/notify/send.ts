// Sending one event to one subscription on its channel: webhooks (signed as Standard Webhooks), Slack and Discord
// through the HTTP door (its address policy and deadline; never a redirect), e-mail through SMTP. Never throws; an
// outcome says what happened, without the target.
import type nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Channel, StatusEvent } from '../domain.ts';
import type { UpstreamPolicy } from '../sources/addresses.ts';
import type { HttpDoor } from '../sources/http.ts';
import type { DueDelivery } from '../store/deliveries.ts';
import { confirmationMail, discordMessage, eventMail, slackMessage, type MailContent } from './messages.ts';
import { googleChatMessage } from './channels/google-chat.ts';
import { ntfyEndpoint, ntfyMessage } from './channels/ntfy.ts';
import { opsgenieRequest } from './channels/opsgenie.ts';
import { pagerdutyEvent } from './channels/pagerduty.ts';
import { telegramRequest } from './channels/telegram.ts';
import { teamsMessage } from './channels/teams.ts';
import { timestampSignature, standardHeaders } from './signature.ts';
import { targetProblem } from './targets.ts';

/** A receiver's answer is drained up to this, then cut off (its content is never read). */
export const RECEIVER_MAX_BYTES = 64 * 1024;

export type SendOutcome =
  | { ok: true; status: number | null }
  | { ok: false; status: number | null; error: string; retryAfterMs: number | null; aborted?: boolean };

export type Mailer = { send(to: string, mail: MailContent, headers?: Record<string, string>): Promise<SendOutcome> };

/** What sending one event to one subscription needs (a queued delivery, or a subscription and a test event). */
export type Deliverable = Pick<
  DueDelivery,
  'channel' | 'target' | 'secret' | 'legacySecret' | 'legacyUntil' | 'unsubscribeToken' | 'event'
>;

export type Sender = {
  /** Sends one event to one subscription, once, and says how it went. */
  deliver(delivery: Deliverable, signal: AbortSignal): Promise<SendOutcome>;
  /** The confirmation mail of an e-mail subscription, with its link (and one-click header) to cancel it. */
  confirm(to: string, token: string, unsubscribeToken: string): Promise<SendOutcome>;
};

/** An SMTP mailer over `SMTP_URL`; each mail bounded by the deadline. */
export function createSmtpMailer(options: { url: string; from: string; deadlineMs: number }): Mailer & {
  close(): void;
} {
  // nodemailer is loaded with the first mail: a site without e-mail subscribers never pays for it.
  let transport: Transporter | null = null;
  const transporter = async (): Promise<Transporter> =>
    (transport ??= (await import('nodemailer')).default.createTransport({
      url: options.url,
      connectionTimeout: options.deadlineMs,
      greetingTimeout: options.deadlineMs,
      socketTimeout: options.deadlineMs,
    } as Parameters<typeof nodemailer.createTransport>[0]));
  return {
    async send(to, mail, headers = {}) {
      try {
        const info = (await (await transporter()).sendMail({ from: options.from, to, ...mail, headers })) as {
          rejected?: unknown[];
        };
        if (info.rejected && info.rejected.length > 0)
          return { ok: false, status: null, error: 'the mail server refused the address', retryAfterMs: null };
        return { ok: true, status: null };
      } catch (error) {
        const e = error as { responseCode?: number; code?: string };
        // The server's reply can quote the address: only its code is kept.
        const detail = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error');
        return { ok: false, status: e.responseCode ?? null, error: `mail not sent: ${detail}`, retryAfterMs: null };
      }
    },
    close: () => transport?.close(),
  };
}

export function createSender(deps: {
  door: HttpDoor;
  /** The door's address policy: a target is checked against it again before each delivery. */
  policy: UpstreamPolicy;
  mailer: Mailer | null;
  siteUrl: string;
  siteName: string;
  deadlineMs: number;
  now: () => number;
  /** Where PagerDuty events go (default: the Events API v2). */
  pagerdutyEventsUrl?: string;
  /** Opsgenie's API (default: https://api.opsgenie.com). */
  opsgenieApiUrl?: string;
  /** Telegram's Bot API (default: https://api.telegram.org). */
  telegramApiUrl?: string;
  /** The time a signature carries: receivers check it against their own clock, so it is the real time. */
  signedAt?: () => number;
}): Sender {
  const { door, mailer } = deps;
  const pagerdutyUrl = deps.pagerdutyEventsUrl ?? 'https://events.pagerduty.com/v2/enqueue';
  const opsgenieUrl = deps.opsgenieApiUrl ?? 'https://api.opsgenie.com';
  const telegramUrl = deps.telegramApiUrl ?? 'https://api.telegram.org';
  const fixedUrls: Partial<Record<Channel, string>> = {
    pagerduty: pagerdutyUrl,
    opsgenie: opsgenieUrl,
    telegram: telegramUrl,
  };
  const unsubscribeUrl = (token: string) => `${deps.siteUrl}/subscriptions/unsubscribe/${token}`;
  /** RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button that POSTs to the link. */
  const oneClick = (url: string) => ({
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  });
  // A fan-out sends one event to thousands: each channel's body is built once per event (the last few kept).
  const bodies = new Map<string, string>();
  const bodyOf = (channel: string, event: StatusEvent, build: (event: StatusEvent) => object): string => {
    const key = `${channel} ${event.id}`;
    let body = bodies.get(key);
    if (body === undefined) {
      body = JSON.stringify(build(event));
      bodies.set(key, body);
      if (bodies.size > 16) bodies.delete(bodies.keys().next().value!);
    }
    return body;
  };

  async function post(
    url: string,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<SendOutcome> {
    const result = await door.request({
      method: 'POST',
      url,
      body,
      headers: { 'content-type': 'application/json', ...headers },
      deadlineMs: deps.deadlineMs,
      maxBytes: RECEIVER_MAX_BYTES,
      signal,
      // The signed body goes only where it was subscribed to; a receiver acknowledges with its status alone.
      followRedirects: false,
      readBody: false,
    });
    if (result.ok) {
      if (result.status >= 200 && result.status < 300) return { ok: true, status: result.status };
      const redirect = result.status >= 300 && result.status < 400;
      const error = redirect ? `HTTP ${result.status}: a redirect, not followed` : `HTTP ${result.status}`;
      return { ok: false, status: result.status, error, retryAfterMs: result.retryAfterMs };
    }
    return {
      ok: false,
      status: result.status,
      error: `${result.kind}: ${result.detail}`,
      retryAfterMs: null,
      aborted: result.kind === 'aborted',
    };
  }

  function webhook(event: StatusEvent, d: Deliverable, signal: AbortSignal) {
    const body = bodyOf('webhook', event, () => event);
    const seconds = Math.floor((deps.signedAt ?? Date.now)() / 1000);
    let headers: Record<string, string>;
    try {
      // The event's id is the message id: the same on every retry, so receivers can drop duplicates.
      headers = standardHeaders(d.secret ?? '', event.id, seconds, body);
    } catch {
      return Promise.resolve<SendOutcome>({
        ok: false,
        status: null,
        error: 'the subscription has no usable signing secret',
        retryAfterMs: null,
      });
    }
    if (d.legacySecret !== null && d.legacyUntil !== null && deps.now() < d.legacyUntil) {
      const timestamp = String(seconds);
      headers['x-status-event-id'] = event.id;
      headers['x-status-timestamp'] = timestamp;
      headers['x-status-signature'] = timestampSignature(d.legacySecret, timestamp, body);
    }
    return post(d.target, body, headers, signal);
  }

  return {
    async deliver(d, signal) {
      // Services on a fixed host are reached at their configured URL, which the address policy governs like a target.
      const fixed = fixedUrls[d.channel];
      const refused =
        d.channel === 'email'
          ? null
          : fixed
            ? targetProblem('webhook', fixed, deps.policy)
            : targetProblem(d.channel, d.target, deps.policy);
      if (refused)
        return { ok: false, status: null, error: `blocked: the target must be ${refused}`, retryAfterMs: null };
      switch (d.channel) {
        case 'webhook':
          return webhook(d.event, d, signal);
        case 'slack':
          return post(d.target, bodyOf('slack', d.event, slackMessage), {}, signal);
        case 'discord':
          return post(d.target, bodyOf('discord', d.event, discordMessage), {}, signal);
        case 'teams':
          return post(d.target, bodyOf('teams', d.event, teamsMessage), {}, signal);
        case 'google_chat':
          return post(d.target, bodyOf('google_chat', d.event, googleChatMessage), {}, signal);
        case 'pagerduty': {
          const body = JSON.stringify(pagerdutyEvent(d.event, d.target, new URL(deps.siteUrl).host));
          return post(pagerdutyUrl, body, {}, signal);
        }
        case 'opsgenie': {
          const { url, body } = opsgenieRequest(d.event, opsgenieUrl, new URL(deps.siteUrl).host);
          return post(url, JSON.stringify(body), { authorization: `GenieKey ${d.target}` }, signal);
        }
        case 'telegram': {
          const { url, body } = telegramRequest(d.event, d.target, telegramUrl);
          return post(url, JSON.stringify(body), {}, signal);
        }
        case 'ntfy': {
          const { url, topic } = ntfyEndpoint(d.target);
          return post(url, JSON.stringify(ntfyMessage(d.event, topic)), {}, signal);
        }
        case 'email': {
          if (!mailer) return { ok: false, status: null, error: 'no mail server is configured', retryAfterMs: null };
          const unsubscribe = unsubscribeUrl(d.unsubscribeToken);
          return mailer.send(d.target, eventMail(d.event, unsubscribe, deps.siteName), oneClick(unsubscribe));
        }
      }
    },
    async confirm(to, token, unsubscribeToken) {
      if (!mailer) return { ok: false, status: null, error: 'no mail server is configured', retryAfterMs: null };
      const cancel = unsubscribeUrl(unsubscribeToken);
      const mail = confirmationMail(`${deps.siteUrl}/subscriptions/confirm/${token}`, cancel, deps.siteName);
      return mailer.send(to, mail, oneClick(cancel));
    },
  };
}

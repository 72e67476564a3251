// How each channel shows an event: the webhook's JSON as recorded, Slack's and Discord's incoming-webhook messages,
// and an e-mail's subject, text and HTML. Pure; every text from upstream is escaped for the format it lands in.
import { LEVEL_LABELS, type EventType, type Level, type StatusEvent } from '../domain.ts';

const HEADLINES: Record<EventType, string> = {
  level_changed: 'API status changed',
  incident_opened: 'New incident',
  incident_updated: 'Incident updated',
  incident_resolved: 'Incident resolved',
  maintenance_started: 'Maintenance started',
  maintenance_ended: 'Maintenance ended',
};

export const COLORS: Record<Level, number> = {
  operational: 0x1a7f37,
  maintenance: 0x0969da,
  degraded: 0xbf8700,
  partial_outage: 0xd1242f,
  major_outage: 0x82071e,
  unknown: 0x6e7781,
};

/** "OpenAI: New incident — Elevated errors on the API". */
export function eventTitle(event: StatusEvent): string {
  const what = event.incident ? `${HEADLINES[event.type]}: ${event.incident.title}` : HEADLINES[event.type];
  return `${event.provider.name}: ${what}`;
}

/** "API: Major Outage (was Operational)" or "API: Operational". */
export function levelLine(event: StatusEvent): string {
  const now = LEVEL_LABELS[event.level];
  return event.previousLevel !== event.level ? `API: ${now} (was ${LEVEL_LABELS[event.previousLevel]})` : `API: ${now}`;
}

/** The lines every channel shows under the title. */
export function detailLines(event: StatusEvent): string[] {
  return [
    levelLine(event),
    ...(event.incident ? [`State: ${event.incident.state.replace(/_/g, ' ')}`] : []),
    ...(event.components.length > 0 ? [`Components: ${event.components.join(', ')}`] : []),
  ];
}

/** An upstream link short enough for every channel, or undefined (a link is never cut: it would lead elsewhere). */
export const boundedLink = (link: string | null | undefined): string | undefined =>
  link && link.length <= 1000 ? link : undefined;

/** Slack's limit on a section's text, and Discord's on an embed's title and description. */
export const SLACK_SECTION_MAX_CHARS = 3000;
export const DISCORD_TITLE_MAX_CHARS = 256;
export const DISCORD_DESCRIPTION_MAX_CHARS = 4096;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The text escaped grapheme by grapheme and cut to `max` characters with an ellipsis: never inside an escape
 * or a character (no lone surrogate). */
export function escapedWithin(text: string, escape: (grapheme: string) => string, max: number): string {
  const escaped = escape(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    const next = escape(segment);
    if (out.length + next.length > max - 1) break;
    out += next;
  }
  return `${out}…`;
}

/** A mention (@everyone, @here, @channel, @someone) shown but never pinging: a word joiner after the @. */
const unmention = (text: string) => text.replace(/@/g, '@\u2060');

/** Slack mrkdwn: &, < and > escaped, so upstream text makes no <!channel>, <@user> or <url|link text>. */
export const slackEscape = (text: string) =>
  unmention(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));

/** Discord markdown: every formatting character backslashed, so upstream text makes no [masked](link) or mention. */
export const discordEscape = (text: string) => unmention(text.replace(/[\\*_~`|>#\-[\]()<]/g, '\\$&'));

/** A link as Slack's <url|text> and Discord's [text](<url>) take it: nothing left in it to end it early. */
const linkUrl = (url: string) => url.replace(/[|<>()\s"]/g, (c) => encodeURIComponent(c));

export function slackMessage(event: StatusEvent): object {
  const title = eventTitle(event);
  const link = event.incident?.link;
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  const titleRoom = SLACK_SECTION_MAX_CHARS - linkUrl(event.url).length - 6;
  return {
    text: escapedWithin(`${title} — ${levelLine(event)}`, slackEscape, SLACK_SECTION_MAX_CHARS),
    blocks: [
      section(`*<${linkUrl(event.url)}|${escapedWithin(title, slackEscape, titleRoom)}>*`),
      section(escapedWithin(detailLines(event).join('\n'), slackEscape, SLACK_SECTION_MAX_CHARS)),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: [
              `<${linkUrl(event.url)}|Status page>`,
              ...(link ? [`<${linkUrl(link)}|Provider's notice>`] : []),
              event.at,
            ].join(' · '),
          },
        ],
      },
    ],
  };
}

export function discordMessage(event: StatusEvent): object {
  const link = event.incident?.link;
  const details = escapedWithin(
    detailLines(event).join('\n'),
    discordEscape,
    DISCORD_DESCRIPTION_MAX_CHARS - (link ? linkUrl(link).length + 30 : 0),
  );
  return {
    // Titles come from upstream: no mention they might contain may ping anyone.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: escapedWithin(eventTitle(event), discordEscape, DISCORD_TITLE_MAX_CHARS),
        url: event.url,
        description: [details, ...(link ? [`[Provider's notice](<${linkUrl(link)}>)`] : [])].join('\n'),
        color: COLORS[event.level],
        timestamp: event.at,
      },
    ],
  };
}

const htmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export type MailContent = { subject: string; text: string; html: string };

/** An event as an e-mail, with its one-click unsubscribe link. */
export function eventMail(event: StatusEvent, unsubscribeUrl: string, siteName: string): MailContent {
  const title = eventTitle(event);
  const lines = detailLines(event);
  const link = event.incident?.link;
  const text = [
    title,
    '',
    ...lines,
    '',
    `Open the status page: ${event.url}`,
    ...(link ? [`The provider's notice: ${link}`] : []),
    '',
    `You receive this because you subscribed at ${siteName}. Unsubscribe: ${unsubscribeUrl}`,
  ].join('\n');
  const html = `<!doctype html><html><body>
<h1 style="font-size:18px">${htmlEscape(title)}</h1>
<p>${lines.map(htmlEscape).join('<br>')}</p>
<p><a href="${htmlEscape(event.url)}">Open the status page</a>${
    link ? ` · <a href="${htmlEscape(link)}">The provider's notice</a>` : ''
  }</p>
<p style="color:#57606a;font-size:12px">You receive this because you subscribed at ${htmlEscape(siteName)}.
<a href="${htmlEscape(unsubscribeUrl)}">Unsubscribe</a></p>
</body></html>`;
  return { subject: title.replace(/[\r\n]+/g, ' ').slice(0, 200), text, html };
}

/** The one mail an address gets before it confirms, with a link to cancel the request. */
export function confirmationMail(confirmUrl: string, cancelUrl: string, siteName: string): MailContent {
  const text = [
    `Someone (hopefully you) asked ${siteName} to send status notifications to this address.`,
    '',
    `To confirm, open this link within 48 hours and press its button: ${confirmUrl}`,
    '',
    'If it was not you, ignore this mail: this request sends nothing more to this address.',
    `To cancel it now (unsubscribe): ${cancelUrl}`,
  ].join('\n');
  const html = `<!doctype html><html><body>
<p>Someone (hopefully you) asked ${htmlEscape(siteName)} to send status notifications to this address.</p>
<p><a href="${htmlEscape(confirmUrl)}">Confirm the subscription</a> (open the link within 48 hours and press its button).</p>
<p>If it was not you, ignore this mail: this request sends nothing more to this address.
<a href="${htmlEscape(cancelUrl)}">Cancel it now (unsubscribe)</a>.</p>
</body></html>`;
  return { subject: `Confirm your ${siteName} status notifications`, text, html };
}

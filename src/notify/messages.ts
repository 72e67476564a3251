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

const COLORS: Record<Level, number> = {
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
function detailLines(event: StatusEvent): string[] {
  return [
    levelLine(event),
    ...(event.incident ? [`State: ${event.incident.state.replace(/_/g, ' ')}`] : []),
    ...(event.components.length > 0 ? [`Components: ${event.components.join(', ')}`] : []),
  ];
}

/** Slack mrkdwn needs only &, < and > escaped. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackMessage(event: StatusEvent): object {
  const title = eventTitle(event);
  const link = event.incident?.link;
  return {
    text: `${title} — ${levelLine(event)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*<${event.url}|${slackEscape(title)}>*` } },
      { type: 'section', text: { type: 'mrkdwn', text: detailLines(event).map(slackEscape).join('\n') } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: [`<${event.url}|Status page>`, ...(link ? [`<${link}|Provider's notice>`] : []), event.at].join(
              ' · ',
            ),
          },
        ],
      },
    ],
  };
}

export function discordMessage(event: StatusEvent): object {
  const link = event.incident?.link;
  return {
    // Titles come from upstream: no mention they might contain may ping anyone.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: eventTitle(event).slice(0, 256),
        url: event.url,
        description: [...detailLines(event), ...(link ? [`Provider's notice: ${link}`] : [])].join('\n').slice(0, 4096),
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

/** The one mail an address gets before it confirms. */
export function confirmationMail(confirmUrl: string, siteName: string): MailContent {
  const text = [
    `Someone (hopefully you) asked ${siteName} to send status notifications to this address.`,
    '',
    `To confirm, open this link within 48 hours and press its button: ${confirmUrl}`,
    '',
    'If it was not you, ignore this mail: this request sends nothing more to this address.',
  ].join('\n');
  const html = `<!doctype html><html><body>
<p>Someone (hopefully you) asked ${htmlEscape(siteName)} to send status notifications to this address.</p>
<p><a href="${htmlEscape(confirmUrl)}">Confirm the subscription</a> (open the link within 48 hours and press its button).</p>
<p>If it was not you, ignore this mail: this request sends nothing more to this address.</p>
</body></html>`;
  return { subject: `Confirm your ${siteName} status notifications`, text, html };
}

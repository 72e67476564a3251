// Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): one
// Adaptive Card, far within Teams' ~28 KB per message, cut between whole characters, upstream Markdown escaped.
import type { StatusEvent } from '../../domain.ts';
import { boundedLink, detailLines, escapedWithin, eventTitle } from '../messages.ts';

/** Teams refuses a message over about 28 KB; the card's texts are held to far less. */
export const TEAMS_MESSAGE_MAX_BYTES = 28_000;
export const TEAMS_TITLE_MAX_CHARS = 256;
export const TEAMS_TEXT_MAX_CHARS = 4000;

/** Adaptive Card Markdown: its emphasis and link characters backslashed, so upstream text makes no link or emphasis. */
export const teamsEscape = (text: string) => text.replace(/[\\*_~`[\]]/g, '\\$&');

export function teamsMessage(event: StatusEvent): object {
  const link = boundedLink(event.incident?.link);
  const actions = [
    { type: 'Action.OpenUrl', title: 'Status page', url: event.url },
    ...(link ? [{ type: 'Action.OpenUrl', title: "Provider's notice", url: link }] : []),
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: escapedWithin(eventTitle(event), teamsEscape, TEAMS_TITLE_MAX_CHARS),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
            },
            {
              type: 'TextBlock',
              text: escapedWithin(detailLines(event).join('\n\n'), teamsEscape, TEAMS_TEXT_MAX_CHARS),
              wrap: true,
            },
            { type: 'TextBlock', text: event.at, isSubtle: true, size: 'Small', wrap: true },
          ],
          actions,
        },
      },
    ],
  };
}

// Google Chat incoming webhooks: a text message in Chat's markup, within its 4,096 characters, cut between whole
// characters, with upstream text escaped so it makes no link and mentions no one.
import type { StatusEvent } from '../../domain.ts';
import { boundedLink, detailLines, escapedWithin, eventTitle } from '../messages.ts';

/** Google Chat's limit on a text message. */
export const GOOGLE_CHAT_TEXT_MAX_CHARS = 4096;

/** Chat markup: &, < and > as entities (no <url|link> or <users/all>), an @ that pings no one. */
export const googleChatEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@/g, '@\u2060');

/** A URL as Chat's <url|text> takes it: nothing left in it to end the link early. */
const linkUrl = (url: string) => url.replace(/[|<>\s"]/g, (c) => encodeURIComponent(c));

export function googleChatMessage(event: StatusEvent): object {
  const link = boundedLink(event.incident?.link);
  const links = [`<${linkUrl(event.url)}|Status page>`, ...(link ? [`<${linkUrl(link)}|Provider's notice>`] : [])];
  const tail = `\n${links.join(' · ')}`;
  const room = GOOGLE_CHAT_TEXT_MAX_CHARS - tail.length - 2;
  const title = escapedWithin(eventTitle(event), googleChatEscape, Math.min(500, room));
  const details = escapedWithin(detailLines(event).join('\n'), googleChatEscape, room - title.length - 1);
  return { text: `*${title}*\n${details}${tail}` };
}

// ntfy (ntfy.sh or any server): a JSON publish to the server with the topic of the subscribed topic URL. Plain text
// (no Markdown), the message within the server's default 4,096-byte limit, cut between whole characters.
import type { Level, StatusEvent } from '../../domain.ts';
import { boundedLink, detailLines, escapedWithin, eventTitle } from '../messages.ts';

/** ntfy's default message limit is 4,096 bytes: 1,365 UTF-16 code units never take more in UTF-8. */
export const NTFY_MESSAGE_MAX_CHARS = 1365;
export const NTFY_TITLE_MAX_CHARS = 250;
/** A topic as ntfy takes it: the last part of a topic URL. */
export const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

const PRIORITY: Record<Level, number> = {
  operational: 3,
  maintenance: 3,
  degraded: 4,
  partial_outage: 4,
  major_outage: 5,
  unknown: 3,
};

/** Where to publish for a topic URL: the server's base (JSON publishing) and the topic. */
export function ntfyEndpoint(topicUrl: string): { url: string; topic: string } {
  const url = new URL(topicUrl);
  const parts = url.pathname.split('/');
  const topic = parts.pop() ?? '';
  url.pathname = `${parts.join('/')}/`;
  url.search = '';
  return { url: url.toString(), topic };
}

const plain = (text: string) => text;

export function ntfyMessage(event: StatusEvent, topic: string): object {
  const link = boundedLink(event.incident?.link);
  const tail = link ? `\nProvider's notice: ${link}` : '';
  return {
    topic,
    title: escapedWithin(eventTitle(event), plain, NTFY_TITLE_MAX_CHARS),
    message: escapedWithin(detailLines(event).join('\n'), plain, NTFY_MESSAGE_MAX_CHARS - tail.length) + tail,
    priority: PRIORITY[event.level],
    tags: [event.level === 'operational' ? 'white_check_mark' : 'warning'],
    click: event.url,
  };
}

// Telegram through a bot: sendMessage to one chat, the text in Telegram's HTML mode (upstream text escaped) within
// its 4,096 characters, cut between whole characters. The target is "<bot token>/<chat id>"; the token, a secret,
// travels only in the request path and is never shown back in full.
import type { StatusEvent } from '../../domain.ts';
import { boundedLink, detailLines, escapedWithin, eventTitle } from '../messages.ts';

export const TELEGRAM_TEXT_MAX_CHARS = 4096;
/** "<bot token>/<chat id>": a token as BotFather gives it, and a numeric chat id or a public @channel name. */
export const TELEGRAM_TARGET = /^(\d{3,20}:[A-Za-z0-9_-]{30,60})\/(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;

/** Telegram's HTML mode: &, < and > as entities, and an @ that names no one. */
export const telegramEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function telegramTarget(target: string): { token: string; chatId: string } {
  const [, token = '', chatId = ''] = TELEGRAM_TARGET.exec(target) ?? [];
  return { token, chatId };
}

/** A target as shown back: the chat, and only the token's last 4 characters. */
export const shownTelegramTarget = (target: string): string => {
  const { token, chatId } = telegramTarget(target);
  return `chat ${chatId} (bot token …${token.slice(-4)})`;
};

export function telegramRequest(event: StatusEvent, target: string, apiUrl: string): { url: string; body: object } {
  const { token, chatId } = telegramTarget(target);
  const link = boundedLink(event.incident?.link);
  const links = [
    `<a href="${telegramEscape(event.url)}">Status page</a>`,
    ...(link ? [`<a href="${telegramEscape(link)}">Provider's notice</a>`] : []),
  ].join(' · ');
  const room = TELEGRAM_TEXT_MAX_CHARS - links.length - 10;
  const title = escapedWithin(eventTitle(event), telegramEscape, Math.min(1000, room));
  const details = escapedWithin(detailLines(event).join('\n'), telegramEscape, room - title.length);
  return {
    url: `${apiUrl.replace(/\/+$/, '')}/bot${token}/sendMessage`,
    body: {
      chat_id: chatId,
      text: `<b>${title}</b>\n${details}\n${links}`,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    },
  };
}

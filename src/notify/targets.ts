// Where deliveries may go: the one rule for a webhook, Slack or Discord URL, checked when a subscription is created
// and again before every delivery, and which receiver hosts are shared by many subscribers (their own lane each).
import { isIP } from 'node:net';
import type { Channel } from '../domain.ts';
import type { UpstreamPolicy } from '../sources/addresses.ts';

/** Slack and Discord incoming webhooks live only on these hosts, under these paths. */
export const OFFICIAL_TARGETS: Partial<Record<Channel, { hosts: readonly string[]; path: RegExp; example: string }>> = {
  slack: {
    hosts: ['hooks.slack.com'],
    path: /^\/(services|workflows|triggers)\//,
    example: 'https://hooks.slack.com/services/…',
  },
  discord: {
    hosts: ['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com'],
    path: /^\/api\/(v\d+\/)?webhooks\//,
    example: 'https://discord.com/api/webhooks/…',
  },
};

/** Hosts many subscribers share (chat services): each subscription there gets its own lane, not one per host. */
const SHARED_HOSTS = [...Object.values(OFFICIAL_TARGETS).flatMap((t) => t.hosts)];
const SHARED_SUFFIXES = ['.webhook.office.com', '.logic.azure.com'];

export function isSharedHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  return SHARED_HOSTS.includes(host) || SHARED_SUFFIXES.some((s) => host.endsWith(s));
}

/** Why a URL cannot receive deliveries on `channel`, or null: the HTTP door's rules plus the chat services' hosts. */
export function targetProblem(channel: Channel, text: string, policy: UpstreamPolicy): string | null {
  const url = URL.parse(text);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'a valid https:// URL';
  if (url.protocol !== 'https:' && !policy.allowHttp) return 'an https:// URL (plain http is not allowed)';
  if (url.username || url.password) return 'a URL without a user name or password';
  if (url.port === '0') return 'a URL with a usable port (not 0)';
  // "localhost." is "localhost": trailing dots name the same host.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '');
  const ip = isIP(host) !== 0;
  if (ip && !policy.isAllowedAddress(host)) return 'a URL on a public address';
  if (!ip && (host === 'localhost' || host.endsWith('.localhost')) && !policy.allowHttp)
    return 'a URL on a public address';
  if (!ip && !host.includes('.') && !policy.allowHttp) return 'a URL with a public host name';
  const official = OFFICIAL_TARGETS[channel];
  if (official && !(official.hosts.includes(host) && official.path.test(url.pathname)))
    return `a ${channel === 'slack' ? 'Slack' : 'Discord'} incoming webhook URL (${official.example})`;
  return null;
}

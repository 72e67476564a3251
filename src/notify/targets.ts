// Where deliveries may go: the one rule for a webhook, chat service or ntfy URL, checked when a subscription is created
// and again before every delivery, and which receiver hosts are shared by many subscribers (their own lane each).
import { isIP } from 'node:net';
import type { Channel } from '../domain.ts';
import type { UpstreamPolicy } from '../sources/addresses.ts';
import { NTFY_TOPIC } from './channels/ntfy.ts';

type Official = {
  name: string;
  hosts: readonly string[];
  /** Hosts under these domains too (Teams' workflow hosts differ by region and environment). */
  suffixes?: readonly string[];
  path: RegExp;
  example: string;
};

/** The chat services' incoming webhooks live only on these hosts, under these paths. */
export const OFFICIAL_TARGETS: Partial<Record<Channel, Official>> = {
  slack: {
    name: 'Slack incoming webhook',
    hosts: ['hooks.slack.com'],
    path: /^\/(services|workflows|triggers)\//,
    example: 'https://hooks.slack.com/services/…',
  },
  discord: {
    name: 'Discord incoming webhook',
    hosts: ['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com'],
    path: /^\/api\/(v\d+\/)?webhooks\//,
    example: 'https://discord.com/api/webhooks/…',
  },
  teams: {
    name: 'Teams Workflows webhook',
    hosts: [],
    suffixes: ['.logic.azure.com', '.powerplatform.com', '.webhook.office.com'],
    path: /\/(workflows|webhookb2)\//,
    example: 'https://…logic.azure.com/workflows/…/triggers/manual/paths/invoke?…',
  },
  google_chat: {
    name: 'Google Chat incoming webhook',
    hosts: ['chat.googleapis.com'],
    path: /^\/v1\/spaces\/[^/]+\/messages$/,
    example: 'https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…',
  },
};

/** Hosts many subscribers share (chat services): each subscription there gets its own lane, not one per host. */
const SHARED_HOSTS = [
  ...Object.values(OFFICIAL_TARGETS).flatMap((t) => t.hosts),
  'ntfy.sh',
  'events.pagerduty.com',
  'api.opsgenie.com',
  'api.eu.opsgenie.com',
  'api.telegram.org',
];
const SHARED_SUFFIXES = ['.webhook.office.com', '.logic.azure.com', '.powerplatform.com'];

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
  const onHost = (o: Official) => o.hosts.includes(host) || (o.suffixes ?? []).some((s) => host.endsWith(s));
  if (official && !(onHost(official) && official.path.test(url.pathname)))
    return `a ${official.name} URL (${official.example})`;
  if (channel === 'ntfy' && !NTFY_TOPIC.test(url.pathname.split('/').pop() ?? ''))
    return 'an ntfy topic URL (https://ntfy.sh/<topic>: letters, digits, - and _, up to 64)';
  return null;
}

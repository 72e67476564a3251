// What a visitor may send to subscribe, as zod schemas (JSON and the no-JavaScript form), and the checks against
// the catalog and the address policy that name the field at fault.
import { domainToASCII } from 'node:url';
import * as z from 'zod';
import type { Catalog } from '../../catalog/load.ts';
import { CHANNELS, LEVELS, type Channel, type Level } from '../../domain.ts';
import { OPSGENIE_API_KEY } from '../../notify/channels/opsgenie.ts';
import { PAGERDUTY_ROUTING_KEY } from '../../notify/channels/pagerduty.ts';
import { TELEGRAM_TARGET } from '../../notify/channels/telegram.ts';
import { targetProblem } from '../../notify/targets.ts';
import type { UpstreamPolicy } from '../../sources/addresses.ts';
import { BadRequest } from '../http/problems.ts';

export const SUBSCRIPTION_BODY_LIMIT_BYTES = 16 * 1024;
const MIN_LEVELS = LEVELS.filter((l): l is Exclude<Level, 'unknown'> => l !== 'unknown');

const Channel = z.enum(CHANNELS, { error: `one of ${CHANNELS.join(', ')}` });
const Target = z
  .string({ error: "the channel's target: a URL, an e-mail address or a key" })
  .trim()
  .min(1, { error: "the channel's target: a URL, an e-mail address or a key" })
  .max(2048, { error: 'at most 2048 characters' })
  // Each channel checks its own target's form after (https and a public host, the chat services' hosts, a key).
  .describe(
    'webhook: an https URL; slack: https://hooks.slack.com/services/…; discord: https://discord.com/api/webhooks/…; ' +
      'teams and google_chat: their incoming webhook URL; ntfy: a topic URL; pagerduty: an Events v2 routing key; ' +
      'opsgenie: an API key; telegram: <bot token>/<chat id>; email: an address (when the site has SMTP).',
  );
const Names = (what: string) =>
  z
    .array(
      z.string({ error: what }).trim().min(1, { error: what }).max(200, { error: what }).regex(/\S/, { error: what }),
      {
        error: `a list of ${what}s`,
      },
    )
    .max(100, { error: `at most 100 ${what}s` });
const MinLevel = z.enum(MIN_LEVELS, { error: `one of ${MIN_LEVELS.join(', ')}` });

/** A list of names the catalog knows: an unknown one is refused by name. */
const Known = (names: readonly string[], what: string, described: string) =>
  z
    .array(z.enum(names as [string, ...string[]], { error: (issue) => `unknown ${what} "${String(issue.input)}"` }), {
      error: `a list of ${what}s`,
    })
    .max(100, { error: `at most 100 ${what}s` })
    .nullable()
    .optional()
    .describe(`${described}; absent, null or empty: any.`);

/** The JSON body of a new subscription: channels on offer here, providers and error types of the catalog. */
export function subscriptionInput(options: { catalog: Catalog; emailOffered: boolean }) {
  const offered = CHANNELS.filter((c) => c !== 'email' || options.emailOffered);
  return z.strictObject({
    channel: z.enum(offered, {
      error: (issue) =>
        issue.input === 'email'
          ? 'e-mail is not offered here: this site has no mail server configured'
          : `one of ${offered.join(', ')}`,
    }),
    target: Target,
    providers: Known(
      options.catalog.providers.map((p) => p.slug),
      'provider',
      'Provider slugs',
    ),
    components: Names('component name').nullable().optional().describe('Component names; absent, null or empty: any.'),
    errors: Known(
      options.catalog.errorTypes.map((e) => e.slug),
      'error type',
      'Error type slugs (events their verdict would count)',
    ),
    minLevel: MinLevel.nullable()
      .optional()
      .describe('Only events at or above this level (the worse of the level before, after, and the incident impact).'),
  });
}
export type SubscriptionJson = {
  channel: Channel;
  target: string;
  providers?: string[] | null;
  components?: string[] | null;
  errors?: string[] | null;
  minLevel?: z.infer<typeof MinLevel> | null;
};

/** A form field sent once arrives as a string, several times as an array; empty means not given. */
const formList = z.preprocess(
  (value) => {
    const items = (Array.isArray(value) ? value : value === undefined ? [] : [value])
      .flatMap((v) => (typeof v === 'string' ? v.split(/[\n,]/) : [v]))
      .map((v) => (typeof v === 'string' ? v.trim() : v))
      .filter((v) => v !== '' && v !== 'all');
    return items.length === 0 ? undefined : items;
  },
  z.array(z.string().max(200)).max(100).optional(),
);

export const SubscriptionForm = z.strictObject({
  channel: Channel,
  target: Target,
  providers: formList,
  components: formList,
  errors: formList,
  minLevel: z.preprocess((v) => (v === '' ? undefined : v), MinLevel.optional()),
});

export type { SubscriptionRequest } from '../../notify/subscriptions.ts';
import type { SubscriptionRequest } from '../../notify/subscriptions.ts';

/** Control, format (zero-width space, direction marks) and space characters: never in an address we accept. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}]/u;
/** An ASCII dot-atom local part (RFC 5322), as mail servers take it without SMTPUTF8. */
const LOCAL_PART = /^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$/;
/** A dotted ASCII domain whose top level is letters or an IDN's punycode (xn--). */
const ASCII_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * The one spelling of an e-mail address we store and count: its local part as given and its domain in lower-case
 * ASCII (an internationalised domain as punycode); null when the address is not one we accept.
 */
export function normaliseAddress(text: string): string | null {
  const at = text.lastIndexOf('@');
  if (INVISIBLE.test(text) || at < 1) return null;
  const local = text.slice(0, at);
  const domain = domainToASCII(text.slice(at + 1).normalize('NFC'));
  if (local.length > 64 || !LOCAL_PART.test(local) || domain.length > 253 || !ASCII_DOMAIN.test(domain)) return null;
  const address = `${local}@${domain}`;
  return address.length <= 254 ? address : null;
}

/** Checks a parsed request against the catalog, the address policy and the channels on offer. */
export async function checkSubscription(
  input: SubscriptionJson,
  deps: {
    catalog: Catalog;
    policy: UpstreamPolicy;
    emailOffered: boolean;
    componentNames: (slugs: string[]) => Promise<Set<string>>;
  },
): Promise<SubscriptionRequest> {
  const fail = (field: string, message: string): never => {
    throw new BadRequest(`Invalid subscription: ${field}: ${message}.`);
  };
  const { catalog } = deps;
  let target = input.target;
  if (input.channel === 'email') {
    if (!deps.emailOffered) fail('channel', 'e-mail is not offered here: this site has no mail server configured');
    const address = normaliseAddress(input.target);
    if (address === null) fail('target', 'a valid e-mail address (no spaces, control or invisible characters)');
    else target = address;
  } else if (input.channel === 'pagerduty') {
    if (!PAGERDUTY_ROUTING_KEY.test(input.target))
      fail('target', 'a PagerDuty routing key (32 letters and digits, from an Events API v2 integration)');
  } else if (input.channel === 'telegram') {
    if (!TELEGRAM_TARGET.test(input.target))
      fail('target', 'a Telegram bot token and chat id as <bot token>/<chat id> (123456:ABC…/-100123456789)');
  } else if (input.channel === 'opsgenie') {
    if (!OPSGENIE_API_KEY.test(input.target))
      fail('target', 'an Opsgenie API integration key (a UUID such as 0123abcd-…)');
  } else {
    const problem = targetProblem(input.channel, input.target, deps.policy);
    if (problem) fail('target', problem);
  }
  const providers = input.providers && input.providers.length > 0 ? [...new Set(input.providers)] : null;
  for (const slug of providers ?? []) {
    if (!catalog.providerBySlug.has(slug)) fail('providers', `unknown provider "${slug}"`);
  }
  const errors = input.errors && input.errors.length > 0 ? [...new Set(input.errors)] : null;
  for (const slug of errors ?? []) {
    if (!catalog.errorTypeBySlug.has(slug)) fail('errors', `unknown error type "${slug}"`);
  }
  const components = input.components && input.components.length > 0 ? [...new Set(input.components)] : null;
  if (components) {
    const known = await deps.componentNames(providers ?? catalog.providers.map((p) => p.slug));
    for (const name of components) {
      if (!known.has(name.toLowerCase())) fail('components', `unknown component "${name}"`);
    }
  }
  return {
    channel: input.channel,
    target,
    providers,
    components,
    errors,
    minLevel: input.minLevel ?? null,
  };
}

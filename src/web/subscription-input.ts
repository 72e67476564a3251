// What a visitor may send to subscribe, as zod schemas (JSON and the no-JavaScript form), and the checks against
// the catalog and the address policy that name the field at fault.
import { z } from 'zod';
import type { Catalog } from '../catalog/load.ts';
import { CHANNELS, LEVELS, type Channel, type Level } from '../domain.ts';
import type { SubscriptionFilter } from '../notify/filter.ts';
import { targetProblem } from '../notify/targets.ts';
import type { UpstreamPolicy } from '../sources/addresses.ts';
import { BadRequest } from './problems.ts';

export const SUBSCRIPTION_BODY_LIMIT_BYTES = 16 * 1024;
const MIN_LEVELS = LEVELS.filter((l): l is Exclude<Level, 'unknown'> => l !== 'unknown');

const Channel = z.enum(CHANNELS, { error: `one of ${CHANNELS.join(', ')}` });
const Target = z
  .string({ error: 'a webhook URL or an e-mail address' })
  .trim()
  .min(1, { error: 'a webhook URL or an e-mail address' })
  .max(2048, { error: 'at most 2048 characters' });
const Names = (what: string) =>
  z
    .array(z.string({ error: what }).trim().min(1, { error: what }).max(200, { error: what }), {
      error: `a list of ${what}s`,
    })
    .max(100, { error: `at most 100 ${what}s` });
const MinLevel = z.enum(MIN_LEVELS, { error: `one of ${MIN_LEVELS.join(', ')}` });

export const SubscriptionJson = z.strictObject({
  channel: Channel,
  target: Target,
  providers: Names('provider').nullable().optional(),
  components: Names('component name').nullable().optional(),
  errors: Names('error type').nullable().optional(),
  minLevel: MinLevel.nullable().optional(),
});
export type SubscriptionJson = z.infer<typeof SubscriptionJson>;

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

export type SubscriptionRequest = SubscriptionFilter & { channel: Channel; target: string };

/** A simple, strict address: one @, no spaces or angle brackets, a dotted domain. */
const ADDRESS = /^[^\s@<>()",;:\\[\]]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

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
  if (input.channel === 'email') {
    if (!deps.emailOffered) fail('channel', 'e-mail is not offered here: this site has no mail server configured');
    if (!ADDRESS.test(input.target) || input.target.length > 254) fail('target', 'a valid e-mail address');
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
    target: input.target,
    providers,
    components,
    errors,
    minLevel: input.minLevel ?? null,
  };
}

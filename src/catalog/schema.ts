// Zod schemas of the catalog files (data/providers.json, data/errors.json) and their types.
import * as z from 'zod';
import { COMPONENT_SCOPES, REPORT_CATEGORIES, STATUS_FORMATS } from '../domain.ts';

export const Slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by "-"');

/** Links shown to visitors must be https. */
export const HttpsUrl = z.url({ protocol: /^https$/, error: 'an https:// URL' });

/** Upstream addresses may be http in tests and demos; the HTTP door enforces the runtime rule. */
export const UpstreamUrl = z.url({ protocol: /^https?$/, error: 'an http(s):// URL' });

/** Placeholders that catalog texts may use; view models replace them per provider. */
export const PLACEHOLDERS = ['name', 'apiKeyEnv', 'keysUrl', 'authHeader', 'keyPrefix', 'apiBase'] as const;

const placeholderPattern = /\{([A-Za-z]+)\}/g;
/** A catalog text: placeholders must be known; `code` spans are written in backticks. */
export const Text = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    for (const match of text.matchAll(placeholderPattern)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(match[1] ?? '')) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${match[1]}}; known: ${PLACEHOLDERS.join(', ')}`,
        });
      }
    }
  });

/**
 * What a provider may lack, and a catalog text may depend on: an official status page, our probe, official SDKs, and
 * text generation (prompts metered in tokens, `max_tokens`, context windows, streamed answers).
 */
export const CAPABILITIES = ['statusPage', 'probe', 'sdk', 'generation'] as const;
export type Capability = (typeof CAPABILITIES)[number];

const Conditions = {
  /** The text applies only to providers that have all of these... */
  needs: z.array(z.enum(CAPABILITIES)).default([]),
  /** ...and none of these. */
  lacks: z.array(z.enum(CAPABILITIES)).default([]),
};

/** A catalog text for some providers only: a plain text fits every provider. */
export const Fitted = z
  .union([Text, z.strictObject({ text: Text, ...Conditions })])
  .transform((value) => (typeof value === 'string' ? { text: value, needs: [], lacks: [] } : value));
export type Fitted = z.infer<typeof Fitted>;

/** One text in variants: the first that fits the provider is used, so the last must fit every provider. */
export const Variants = z
  .union([Fitted, z.array(Fitted).min(1)])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .refine((list) => list.at(-1)!.needs.length === 0 && list.at(-1)!.lacks.length === 0, {
    message: 'the last variant must fit every provider (no needs or lacks)',
  });

export const StatusPage = z.strictObject({
  format: z.enum(STATUS_FORMATS),
  /** Base URL of the page; for `feed`, `gcp` and `awshealth` the document's own URL (the adapter's `url` says). */
  url: UpstreamUrl,
  /** Human page to link to, when it differs from `url`. */
  pageUrl: HttpsUrl.optional(),
  /** What of a shared page concerns this provider: `gcp` product ids, `awshealth` service ids, `feed` item words. */
  products: z.array(z.string().min(1)).optional(),
});
export type StatusPage = z.infer<typeof StatusPage>;

/** How to recognise the provider's normal rejection of a fake key. */
export const ProbeExpectation = z.strictObject({
  statuses: z.array(z.number().int().min(100).max(599)).min(1),
  /**
   * Dot path into the JSON body (`error.code`; `*` steps into every array element: `error.details.*.reason`) and the
   * value it must hold...
   */
  path: z.string().min(1).optional(),
  equals: z.union([z.string(), z.number()]).optional(),
  /** ...or a substring the raw body must contain. */
  contains: z.string().min(1).optional(),
});

export const Probe = z.strictObject({
  method: z.enum(['GET', 'POST']),
  url: UpstreamUrl,
  /** Headers carrying an obviously fake key; never a real secret. */
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expect: ProbeExpectation.refine((e) => e.path !== undefined || e.contains !== undefined, {
    message: 'needs a body signature: "path" (with "equals") or "contains"',
  }),
});
export type Probe = z.infer<typeof Probe>;

/** A component of the provider's status page, by its name there, and whether it serves the API or a product. */
export const CatalogComponent = z.strictObject({
  name: z.string().min(1),
  scope: z.enum(COMPONENT_SCOPES),
});
export type CatalogComponent = z.infer<typeof CatalogComponent>;

export const Resource = z.strictObject({ label: z.string().min(1), url: HttpsUrl });

/** Where a provider's source or probe was verified: a public page or document, and the day it was seen so. */
export const Evidence = z.strictObject({ url: HttpsUrl, seen: z.iso.date({ error: 'a date as YYYY-MM-DD' }) });
export type Evidence = z.infer<typeof Evidence>;

/** One way an error shows itself: an HTTP status, a code or type, an exact body, an SDK exception. */
export const Signature = z.strictObject({
  label: z.string().min(1),
  status: z.number().int().min(100).max(599).optional(),
  code: z.string().optional(),
  type: z.string().optional(),
  /** The provider's exact response body, shown verbatim in a code block. */
  body: z.string().optional(),
  /** SDK exception class names, e.g. `openai.AuthenticationError`. */
  exceptions: z.array(z.string()).optional(),
  note: z.string().optional(),
});
export type Signature = z.infer<typeof Signature>;

export const Faq = z.strictObject({ q: Text, a: Text });
/** An error type's FAQ entry, which may fit some providers only. */
export const FittedFaq = z.strictObject({ q: Text, a: Text, ...Conditions });

/** A text of the cross-provider guides, which name no provider: placeholders are not allowed. */
export const PlainText = z
  .string()
  .min(1)
  .refine((text) => !/\{[A-Za-z]+\}/.test(text), { message: 'a text without {placeholders} (it names no provider)' });

/** A response header worth reading for this error, and what it tells. */
export const Header = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'),
  meaning: Text,
});
export type Header = z.infer<typeof Header>;

/** Provider-specific additions to an error type; `applies: false` hides the type for this provider. */
export const ErrorOverride = z.strictObject({
  applies: z.boolean().default(true),
  signatures: z.array(Signature).default([]),
  causes: z.array(Text).default([]),
  fixes: z.array(Text).default([]),
  faq: z.array(Faq).default([]),
  /** Response headers this provider sends with the error (rate-limit headers on a 429). */
  headers: z.array(Header).default([]),
  note: Text.optional(),
});
export type ErrorOverride = z.infer<typeof ErrorOverride>;

export const Auth = z.strictObject({
  /** The header a request carries, as a developer would write it: `Authorization: Bearer $OPENAI_API_KEY`. */
  header: z.string().min(1),
  /** How keys of this provider start (`sk-`, `sk-ant-`, `AIza`), when they have a fixed prefix. */
  keyPrefix: z.string().optional(),
});

/** Top-level paths of the site itself, which a provider slug must not shadow. */
export const RESERVED_SLUGS = [
  'api',
  'assets',
  'healthz',
  'readyz',
  'errors',
  'diagnose',
  'methodology',
  'accountability',
  'feed',
  'about',
  'search',
  'subscribe',
  'subscriptions',
];

export const Provider = z.strictObject({
  slug: Slug.refine((slug) => !RESERVED_SLUGS.includes(slug), {
    message: 'a slug that is not a reserved path of the site',
  }),
  name: z.string().min(1),
  /** Other names people search for (`Claude`, `Kimi`). */
  aliases: z.array(z.string().min(1)).default([]),
  description: z.string().min(1),
  apiBase: HttpsUrl.nullable(),
  auth: Auth,
  apiKeyEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name in upper case'),
  /** Whether the provider publishes official SDKs that read `apiKeyEnv` and retry transient errors by themselves. */
  officialSdks: z.boolean(),
  /** Whether the API generates text from prompts; speech, image, video and embedding APIs do not. */
  generatesText: z.boolean().default(true),
  keysUrl: HttpsUrl,
  statusPage: StatusPage.nullable(),
  probe: Probe.nullable(),
  /**
   * The status page's components by name, each marked `api` or `product`; shown before the first successful poll
   * and used to place the components the page lists (unnamed ones follow the rules in status/scope.ts).
   */
  components: z
    .array(CatalogComponent)
    .min(1)
    .refine((list) => list.some((c) => c.scope === 'api'), { message: 'at least one component serving the API' }),
  resources: z.array(Resource).default([]),
  errors: z.record(Slug, ErrorOverride).default({}),
  /**
   * Where the status source and the probe were verified. An operator's own file may leave it out (an empty list);
   * the shipped catalog gives it for every entry (test/catalog/load.test.ts).
   */
  evidence: z.array(Evidence).default([]),
});
export type Provider = z.infer<typeof Provider>;

export const ProviderList = z.array(Provider).min(1);

export const ErrorType = z.strictObject({
  slug: Slug,
  title: z.string().min(1),
  /** Short name for lists and links: "Authentication error". */
  shortTitle: z.string().min(1),
  category: z.enum(REPORT_CATEGORIES),
  httpStatuses: z.array(z.number().int().min(100).max(599)),
  /** One-sentence summary used as the page's meta description. */
  summary: Text,
  explanation: z.array(Fitted).min(1),
  signatures: z.array(Signature).min(1),
  /** Most likely first; each provider sees at most 7 causes and 8 fixes with its own (checked by the tests). */
  causes: z.array(Fitted).min(1),
  fixes: z.array(Fitted).min(1),
  faq: z.array(FittedFaq).min(1),
  /** When waiting for the provider helps, and when it will not. */
  waiting: z.strictObject({ helps: Variants, wontHelp: Variants }),
  /** Words that mark an official incident as relevant to this error (`login`, `api key`). */
  incidentKeywords: z.array(z.string().min(1)).min(1),
  /** Where this error usually comes from, before any live evidence. */
  usualSide: z.enum(['yours', 'provider', 'either']),
  /** Whether a healthy live probe puts this error on the visitor's side (authentication, connection errors). */
  probeProves: z.boolean(),
  /** Whether a failing or slow live probe is evidence of this error on the provider's side. */
  probeTroubleCounts: z.boolean(),
  /** What a healthy probe says about this error, before "the problem is most likely …" (needed when probeProves). */
  probeHealthy: Text.optional(),
  /** Ends "the problem is most likely …" when the verdict is on the visitor's side. */
  yourSide: Text,
  /** The verdict text when fresh evidence shows no related trouble but this error can come from either side. */
  quietVerdict: Text,
  /** Response headers worth reading for this error, whatever the provider. */
  headers: z.array(Header).default([]),
  /** The cross-provider guide at /errors/:error, in words that fit every provider. */
  guide: z.strictObject({
    summary: PlainText,
    explanation: z.array(PlainText).min(1),
    causes: z.array(PlainText).min(1),
    fixes: z.array(PlainText).min(1),
    faq: z.array(z.strictObject({ q: PlainText, a: PlainText })).min(1),
  }),
});
export type ErrorType = z.infer<typeof ErrorType>;

export const ErrorTypeList = z
  .array(
    ErrorType.refine((e) => !e.probeProves || e.probeHealthy !== undefined, {
      message: 'probeHealthy is required when probeProves is true',
      path: ['probeHealthy'],
    }),
  )
  .min(1);

// The documented operations, one entry each (method, path, zod schemas, answers): the OpenAPI document is generated
// from this table, routes validate with its schemas, and tests call every entry. A new route is one more entry.
import * as z from 'zod';
import type { Catalog } from '../../catalog/load.ts';
import { MAX_PASTE_CHARS } from '../../diagnose/match.ts';
import { HISTORY_DAYS } from '../../status/history.ts';
import { ACCOUNTABILITY_WINDOW_MS } from '../../status/accountability.ts';
import { DAY_MS } from '../../time.ts';
import {
  Accountability,
  Diagnosis,
  ErrorAssessment,
  IsItDown,
  McpAnswer,
  McpRequest,
  ProviderDetail,
  ProviderHistory,
  ProviderList,
  ReportReceived,
  Subscription,
  SubscriptionCreated,
  TestEventResult,
  Unsubscribed,
} from './schemas.ts';
import { REPORT_BODY_LIMIT_BYTES, ReportJson } from '../blocks/report-input.ts';
import { ShieldsEndpoint } from '../machine/shields.ts';
import {
  StatuspageComponentsDocument,
  StatuspageIncidentsDocument,
  StatuspageMaintenancesDocument,
  StatuspageStatusDocument,
  StatuspageSummary,
} from './statuspage-bodies.ts';
import { SUBSCRIPTION_BODY_LIMIT_BYTES, subscriptionInput } from './subscription-input.ts';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

/** One answer: a JSON body (a zod schema named in api-schemas.ts), another media type, or none. */
export type Answer = {
  description: string;
  schema?: z.ZodType;
  /** Default application/json (application/problem+json for 4xx and 5xx). */
  contentType?: string;
  headers?: Record<string, string>;
};

export type Operation = {
  method: HttpMethod;
  /** OpenAPI style: `/api/v1/providers/{provider}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Status' | 'Reports' | 'Subscriptions' | 'Diagnose' | 'Feeds and badges' | 'Statuspage-compatible' | 'MCP';
  /** Path parameters, each with an example value. */
  params?: Record<string, { schema: z.ZodType; description: string; example: string }>;
  query?: Record<string, { schema: z.ZodType; description: string; example?: unknown }>;
  body?: { name: string; schema: z.ZodType; example: unknown; limitBytes: number };
  /** The answers particular to this operation; the generator adds 400, 413, 415, 414 and 503 where they apply. */
  responses: Record<number, Answer>;
};

/** Fastify refuses a path parameter longer than this with 414 (its maxParamLength). */
export const MAX_PARAM_CHARS = 100;
export const APP_BODY_LIMIT_BYTES = 64 * 1024;
export const DIAGNOSE_BODY_LIMIT_BYTES = APP_BODY_LIMIT_BYTES;

export const HistoryQuery = z.object({
  days: z.coerce
    .number({ error: 'a whole number of days' })
    .int('a whole number of days')
    .min(1, `from 1 to ${HISTORY_DAYS}`)
    .max(HISTORY_DAYS, `from 1 to ${HISTORY_DAYS}`)
    .default(HISTORY_DAYS),
});

/** What /api/v1/diagnose (and the form) take: the provider, when given, is one we track. */
export function diagnoseInput(providerSlugs: readonly string[]) {
  return z.strictObject({
    text: z
      .string()
      .trim()
      .min(1, 'paste an error message, status, body or exception')
      .max(MAX_PASTE_CHARS, `at most ${MAX_PASTE_CHARS} characters`)
      .regex(/\S/, 'paste an error message, status, body or exception'),
    provider: z
      .enum(['', ...providerSlugs], {
        error: (issue) => `We do not track a provider called "${String(issue.input)}"`,
      })
      .optional()
      .default('')
      .describe('A provider slug to favour, or empty for any.'),
  });
}

const slug = (values: readonly string[]) => z.enum(values as [string, ...string[]]);
const pathName = z
  .string()
  .min(1)
  .max(MAX_PARAM_CHARS)
  .regex(/^[A-Za-z0-9_-]+$/);

const cached = 'Served from a render cache with an `ETag` (send `If-None-Match` for a `304`).';
const json = (description: string, schema: z.ZodType): Answer => ({ description, schema });
const problem = (description: string): Answer => ({ description });
const notFound = problem('No such provider.');
const noSubscription = problem('No subscription has this token (or it was deleted).');
const crossSite = problem('Sent from another site (Origin or Sec-Fetch-Site says so).');

/** Every documented operation, for this catalog (provider and error slugs are enums of it) and this site. */
export function apiOperations(catalog: Catalog, site: { emailOffered: boolean }): Operation[] {
  const providers = catalog.providers.map((p) => p.slug);
  const provider = {
    schema: slug(providers),
    description: 'The provider slug, as in the site URL.',
    example: providers.includes('anthropic') ? 'anthropic' : providers[0]!,
  };
  const errorParam = {
    schema: slug(catalog.errorTypes.map((e) => e.slug)),
    description: 'The error type slug, as in the page URL.',
    example: 'auth-error',
  };
  const token = {
    schema: pathName,
    description: 'The token returned when the subscription was created.',
    example: 'example-manage-token',
  };
  return [
    {
      method: 'GET',
      path: '/api/v1/providers',
      operationId: 'listProviders',
      summary: 'Every provider with its status',
      description: cached,
      tag: 'Status',
      responses: { 200: json('All providers.', ProviderList) },
    },
    {
      method: 'GET',
      path: '/api/v1/providers/{provider}',
      operationId: 'getProvider',
      summary: "One provider's status, components, incidents, reports and probes",
      description: cached,
      tag: 'Status',
      params: { provider },
      responses: { 200: json('The provider.', ProviderDetail), 404: notFound },
    },
    {
      method: 'GET',
      path: '/api/v1/providers/{provider}/is-it-down',
      operationId: 'isItDown',
      summary: 'Is this provider down? Yes, partly, no, or unknown, with the evidence',
      description: cached,
      tag: 'Status',
      params: { provider },
      responses: { 200: json('The answer.', IsItDown), 404: notFound },
    },
    {
      method: 'GET',
      path: '/api/v1/providers/{provider}/history',
      operationId: 'getHistory',
      summary: "A provider's daily history: the API's level and minutes per level each day, probes, incidents",
      description: `Days oldest first, ending today (UTC). Uptime covers the last 30 and 90 days. ${cached}`,
      tag: 'Status',
      params: { provider },
      query: {
        days: {
          schema: HistoryQuery.shape.days,
          description: `How many days, 1 to ${HISTORY_DAYS} (default ${HISTORY_DAYS}).`,
          example: 30,
        },
      },
      responses: { 200: json('The history.', ProviderHistory), 404: notFound },
    },
    {
      method: 'GET',
      path: '/api/v1/providers/{provider}/errors/{error}',
      operationId: 'getErrorAssessment',
      summary: 'Is this error on my side or the provider’s? The JSON twin of an error page',
      description:
        "The API's level, the verdict for this error with its reasons, and each signal's last good reading. " + cached,
      tag: 'Status',
      params: {
        provider,
        error: errorParam,
      },
      responses: {
        200: json('The assessment.', ErrorAssessment),
        404: problem('No such provider, or no page for this error at this provider.'),
      },
    },
    {
      method: 'POST',
      path: '/api/v1/providers/{provider}/reports',
      operationId: 'reportProblem',
      summary: 'Report a problem with this provider',
      description:
        'Rate-limited per client network; one report per client, provider and category counts per window. ' +
        'The answer never says whether it counted.',
      tag: 'Reports',
      params: { provider },
      body: {
        name: 'ReportInput',
        schema: ReportJson,
        example: { category: 'auth', httpStatus: 401 },
        limitBytes: REPORT_BODY_LIMIT_BYTES,
      },
      responses: {
        202: json('Received.', ReportReceived),
        403: crossSite,
        404: notFound,
        429: problem('Too many reports from this network; Retry-After says when.'),
      },
    },
    {
      method: 'GET',
      path: '/api/v1/accountability',
      operationId: 'getAccountability',
      summary: 'Providers ranked by how late they acknowledge trouble we detected first, with API uptime',
      description: `Over the last ${ACCOUNTABILITY_WINDOW_MS / DAY_MS} days; the method is on /methodology. ${cached}`,
      tag: 'Status',
      responses: { 200: json('Every provider’s figures, ranked.', Accountability) },
    },
    {
      method: 'POST',
      path: '/api/v1/subscriptions',
      operationId: 'subscribe',
      summary: 'Subscribe a webhook, Slack, Discord or e-mail address to status events',
      description:
        'Rate-limited per client (an IPv4 address or an IPv6 /48), with site-wide caps on subscriptions and ' +
        'on confirmations waiting. Webhooks are signed: X-Status-Signature is sha256=<hex HMAC-SHA256 of ' +
        'X-Status-Timestamp + "." + the raw body, keyed with the secret>. An e-mail address receives only a ' +
        "confirmation mail until the button on its link's page is pressed; it confirms that one subscription. " +
        'Provider, component and error names must be ones we track (400 names the unknown one).',
      tag: 'Subscriptions',
      body: {
        name: 'SubscriptionInput',
        schema: subscriptionInput({ catalog, emailOffered: site.emailOffered }),
        example: { channel: 'webhook', target: 'https://hooks.example.com/status', providers: ['anthropic'] },
        limitBytes: SUBSCRIPTION_BODY_LIMIT_BYTES,
      },
      responses: {
        201: json('Created.', SubscriptionCreated),
        403: crossSite,
        429: problem(
          'Too many subscriptions from this network, for this address, or on the site; Retry-After says when.',
        ),
      },
    },
    {
      method: 'POST',
      path: '/api/v1/subscriptions/{manageToken}/test',
      operationId: 'sendTestEvent',
      summary: 'Send one signed test event (marked "test": true) to an active subscription now',
      description:
        "Sent through the same code as real events; the receiver's answer is returned, nothing is stored. " +
        'A few an hour per subscription.',
      tag: 'Subscriptions',
      params: { manageToken: token },
      responses: {
        200: json('What the receiver answered.', TestEventResult),
        404: noSubscription,
        409: problem('The subscription is not active (waiting for confirmation, or paused).'),
        429: problem('Too many test events for this subscription; Retry-After says when.'),
      },
    },
    {
      method: 'GET',
      path: '/api/v1/subscriptions/{manageToken}',
      operationId: 'getSubscription',
      summary: 'A subscription with its recent deliveries and pause state',
      tag: 'Subscriptions',
      params: { manageToken: token },
      responses: { 200: json('The subscription.', Subscription), 404: noSubscription },
    },
    {
      method: 'DELETE',
      path: '/api/v1/subscriptions/{manageToken}',
      operationId: 'unsubscribe',
      summary: 'Delete a subscription: nothing more is sent from the next event on',
      tag: 'Subscriptions',
      params: { manageToken: token },
      responses: { 200: json('Deleted.', Unsubscribed), 404: noSubscription },
    },
    {
      method: 'POST',
      path: '/api/v1/diagnose',
      operationId: 'diagnose',
      summary: 'Which error is this, and whose side is it on?',
      description: 'Secrets are redacted before matching; nothing sent is stored or logged; the answer is not cached.',
      tag: 'Diagnose',
      body: {
        name: 'DiagnoseInput',
        schema: diagnoseInput(providers),
        example: { text: 'anthropic.AuthenticationError: 401 invalid x-api-key' },
        limitBytes: DIAGNOSE_BODY_LIMIT_BYTES,
      },
      responses: { 200: json('Ranked matches.', Diagnosis) },
    },
    {
      method: 'POST',
      path: '/mcp',
      operationId: 'mcp',
      summary: 'MCP server (Streamable HTTP, stateless, read-only)',
      description:
        'JSON-RPC 2.0 messages of the Model Context Protocol; tools get_status, get_error_verdict, diagnose and ' +
        'list_incidents. Answers are JSON, never a stream; other methods answer 405 (no sessions).',
      tag: 'MCP',
      body: {
        name: 'McpRequest',
        schema: McpRequest,
        example: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        limitBytes: APP_BODY_LIMIT_BYTES,
      },
      responses: {
        200: json('The JSON-RPC answer (a tool error is a result with isError: true).', McpAnswer),
        202: { description: 'A notification or response was accepted.' },
        400: json('Not a JSON-RPC 2.0 message: a JSON-RPC error (or a problem for a bad request).', McpAnswer),
        406: json('The Accept header admits neither application/json nor any type: a JSON-RPC error.', McpAnswer),
        429: problem('Too many requests from this client in the last minute.'),
      },
    },
    {
      method: 'GET',
      path: '/feed.atom',
      operationId: 'allFeed',
      summary: 'Atom feed of every provider’s incidents and their updates',
      tag: 'Feeds and badges',
      responses: { 200: { description: 'An Atom 1.0 feed.', contentType: 'application/atom+xml' } },
    },
    {
      method: 'GET',
      path: '/{provider}/feed.atom',
      operationId: 'providerFeed',
      summary: "Atom feed of a provider's incidents and their updates",
      tag: 'Feeds and badges',
      params: { provider },
      responses: { 200: { description: 'An Atom 1.0 feed.', contentType: 'application/atom+xml' }, 404: notFound },
    },
    {
      method: 'GET',
      path: '/{provider}/badge.svg',
      operationId: 'providerBadge',
      summary: "SVG badge of a provider's status",
      tag: 'Feeds and badges',
      params: { provider },
      responses: { 200: { description: 'A badge, cacheable for 60 s.', contentType: 'image/svg+xml' }, 404: notFound },
    },
    {
      method: 'GET',
      path: '/{provider}/components/{component}/badge.svg',
      operationId: 'componentBadge',
      summary: "SVG badge of one of a provider's components",
      tag: 'Feeds and badges',
      params: {
        provider,
        component: {
          schema: pathName,
          description: 'The component name in lower case, words joined by "-".',
          example: 'claude-api-api-anthropic-com',
        },
      },
      responses: {
        200: { description: 'A badge, cacheable for 60 s.', contentType: 'image/svg+xml' },
        404: problem('No such provider, or no such component at it.'),
      },
    },
    ...STATUSPAGE_DOCUMENTS.map(([document, schema, summary]): Operation => ({
      method: 'GET',
      path: `/{provider}/api/v2/${document}`,
      operationId: `statuspage_${document.replace(/\.json$/, '').replace(/[^a-z]+/g, '_')}`,
      summary: `Statuspage-compatible: ${summary}`,
      description: `${cached} Readable from any origin (CORS).`,
      tag: 'Statuspage-compatible',
      params: { provider },
      responses: { 200: json('In the shape of Statuspage v2.', schema), 404: notFound },
    })),
    {
      method: 'GET',
      path: '/{provider}/shields.json',
      operationId: 'providerShields',
      summary: "Shields.io endpoint JSON of a provider's status",
      tag: 'Feeds and badges',
      params: { provider },
      responses: { 200: json('A Shields endpoint badge, schemaVersion 1.', ShieldsEndpoint), 404: notFound },
    },
    {
      method: 'GET',
      path: '/{provider}/error/{error}/shields.json',
      operationId: 'errorShields',
      summary: "Shields.io endpoint JSON of one error's verdict",
      tag: 'Feeds and badges',
      params: { provider, error: errorParam },
      responses: {
        200: json('A Shields endpoint badge, schemaVersion 1.', ShieldsEndpoint),
        404: problem('No such provider, or no page for this error at this provider.'),
      },
    },
  ];
}

/** The Statuspage-compatible documents under /{provider}/api/v2/, the schema each answers with, and what it holds. */
const STATUSPAGE_DOCUMENTS: [string, z.ZodType, string][] = [
  [
    'summary.json',
    StatuspageSummary,
    'page, status, components, unresolved incidents, upcoming or active maintenances',
  ],
  ['status.json', StatuspageStatusDocument, 'page and status indicator'],
  ['components.json', StatuspageComponentsDocument, 'page and components ("API", "Live probe", the official ones)'],
  ['incidents.json', StatuspageIncidentsDocument, 'the 50 newest incidents of the last 30 days, official and detected'],
  ['incidents/unresolved.json', StatuspageIncidentsDocument, 'unresolved incidents'],
  ['scheduled-maintenances.json', StatuspageMaintenancesDocument, 'the 50 newest maintenances of the last 30 days'],
  ['scheduled-maintenances/upcoming.json', StatuspageMaintenancesDocument, 'maintenances not begun'],
  ['scheduled-maintenances/active.json', StatuspageMaintenancesDocument, 'maintenances under way'],
];

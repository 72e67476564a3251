// The OpenAPI 3.1 description of /api/v1 (plus feeds and badges), served at /api/v1/openapi.json; tests hold the API to it.
import { LEVELS, PROBE_OUTCOMES, REPORT_CATEGORIES, SIGNALS } from '../domain.ts';

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const time = { type: 'string', format: 'date-time' } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const level = { $ref: '#/components/schemas/Level' } as const;

/** An object schema whose every property is required and nothing else is allowed, so drift fails the tests. */
const closed = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

const reason = closed({ signal: { enum: [...SIGNALS, null] }, level: { anyOf: [level, { type: 'null' }] }, text, at: nullableTime });

const signalReading = closed({
  state: { enum: ['fresh', 'stale', 'never', 'absent', 'quiet', 'suspended'] },
  level,
  summary: text,
  checkedAt: nullableTime,
  okAt: nullableTime,
  reasons: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
});

const component = closed({
  name: text,
  group: nullableText,
  level,
  label: text,
  rawStatus: nullableText,
  since: nullableTime,
  onlyShowIfDegraded: { type: 'boolean' },
  source: { enum: ['official', 'catalog'], description: '`catalog`: not read from the official page yet; level is unknown.' },
}, ['onlyShowIfDegraded']);

const incident = closed({
  title: text,
  kind: { enum: ['incident', 'maintenance'] },
  origin: { enum: ['official', 'detected'], description: '`detected`: found by our own probes, not announced by the provider.' },
  state: text,
  rawState: nullableText,
  impact: { enum: ['none', 'minor', 'major', 'critical', 'maintenance', 'unknown'] },
  open: { type: 'boolean' },
  startedAt: time,
  resolvedAt: nullableTime,
  scheduledFor: nullableTime,
  scheduledUntil: nullableTime,
  durationMs: { type: ['integer', 'null'], minimum: 0 },
  url: nullableText,
  components: { type: 'array', items: text },
  updates: { type: 'array', items: closed({ state: text, body: text, at: time }) },
});

const provider = closed({
  slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
  name: text,
  level,
  label: text,
  summary: text,
  reasons: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
  checkedAt: nullableTime,
  signals: closed(Object.fromEntries(SIGNALS.map((s) => [s, { $ref: '#/components/schemas/SignalReading' }]))),
  official: closed({
    configured: { type: 'boolean' },
    format: { type: ['string', 'null'] },
    url: nullableText,
    lastOkAt: nullableTime,
    lastAttemptAt: nullableTime,
    failingSince: nullableTime,
  }),
  components: { type: 'array', items: { $ref: '#/components/schemas/Component' } },
  incidents: { type: 'array', items: { $ref: '#/components/schemas/Incident' } },
  reports: closed({
    windowMinutes: count,
    recent: count,
    usual: { type: 'number', minimum: 0 },
    spike: { type: 'boolean' },
    sentence: text,
    byCategory: { type: 'object', propertyNames: { enum: [...REPORT_CATEGORIES] }, additionalProperties: count },
    lastReportAt: nullableTime,
  }),
  probes: closed({
    configured: { type: 'boolean' },
    description: text,
    last: {
      anyOf: [
        { type: 'null' },
        closed({ at: time, outcome: { enum: [...PROBE_OUTCOMES] }, httpStatus: { type: ['integer', 'null'] }, latencyMs: { type: ['number', 'null'] } }),
      ],
    },
    count24h: count,
    successRate24h: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    usualLatencyMs: { type: ['number', 'null'] },
  }),
  links: closed({
    html: { type: 'string', format: 'uri' },
    errors: { type: 'array', items: closed({ slug: text, title: text, html: { type: 'string', format: 'uri' } }) },
  }),
});

const problem = closed({ error: closed({ status: { type: 'integer' }, message: text }) });
const slugParameter = {
  name: 'provider',
  in: 'path',
  required: true,
  description: 'The provider slug, as in the site URL.',
  schema: { type: 'string' },
  example: 'anthropic',
};
const notFound = { description: 'No such provider.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const cached = 'Served from a render cache with an `ETag` (send `If-None-Match` for a `304`).';

export function openApiDocument(siteUrl: string, siteName: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: `${siteName} API`,
      version: '1.0.0',
      summary: 'Live status of AI API providers, with the evidence behind each status.',
      description: 'Each status is the worst level that a fresh signal supports (official status page, live probe, community reports); every level carries its reasons with their times. Times are ISO 8601 in UTC.',
    },
    servers: [{ url: siteUrl }],
    paths: {
      '/api/v1/providers': {
        get: {
          operationId: 'listProviders',
          summary: 'Every provider with its status',
          description: cached,
          responses: {
            200: { description: 'All providers.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ProviderList' } } } },
          },
        },
      },
      '/api/v1/providers/{provider}': {
        get: {
          operationId: 'getProvider',
          summary: "One provider's status, components, incidents, reports and probes",
          description: cached,
          parameters: [slugParameter],
          responses: {
            200: { description: 'The provider.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ProviderDetail' } } } },
            404: notFound,
          },
        },
      },
      '/{provider}/feed.atom': {
        get: {
          operationId: 'providerFeed',
          summary: "Atom feed of a provider's incidents and their updates",
          parameters: [slugParameter],
          responses: { 200: { description: 'An Atom 1.0 feed.', content: { 'application/atom+xml': { schema: text } } }, 404: notFound },
        },
      },
      '/feed.atom': {
        get: {
          operationId: 'allFeed',
          summary: 'Atom feed of every provider’s incidents and their updates',
          responses: { 200: { description: 'An Atom 1.0 feed.', content: { 'application/atom+xml': { schema: text } } } },
        },
      },
      '/{provider}/badge.svg': {
        get: {
          operationId: 'providerBadge',
          summary: "SVG badge of a provider's status",
          parameters: [slugParameter],
          responses: { 200: { description: 'A badge, cacheable for 60 s.', content: { 'image/svg+xml': { schema: text } } }, 404: notFound },
        },
      },
      '/{provider}/components/{component}/badge.svg': {
        get: {
          operationId: 'componentBadge',
          summary: "SVG badge of one of a provider's components",
          parameters: [
            slugParameter,
            { name: 'component', in: 'path', required: true, description: 'The component name in lower case, words joined by "-".', schema: { type: 'string' }, example: 'claude-api-api-anthropic-com' },
          ],
          responses: { 200: { description: 'A badge, cacheable for 60 s.', content: { 'image/svg+xml': { schema: text } } }, 404: notFound },
        },
      },
    },
    components: {
      schemas: {
        Level: { enum: [...LEVELS], description: 'operational, maintenance, degraded, partial_outage, major_outage, or unknown (no fresh data).' },
        Reason: reason,
        SignalReading: signalReading,
        Component: component,
        Incident: incident,
        Provider: provider,
        ProviderDetail: { ...provider, required: [...provider.required, 'generatedAt'], properties: { generatedAt: time, ...provider.properties } },
        ProviderList: closed({ generatedAt: time, providers: { type: 'array', items: { $ref: '#/components/schemas/Provider' } } }),
        Problem: problem,
      },
    },
  };
}

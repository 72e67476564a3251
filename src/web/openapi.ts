// The OpenAPI 3.1 description of /api/v1 (plus feeds and badges), served at /api/v1/openapi.json; tests hold the API
// to it.
import {
  CHANNELS,
  COMPONENT_SCOPES,
  EVENT_TYPES,
  HISTORY_LEVELS,
  IMPACTS,
  LEVELS,
  PROBE_OUTCOMES,
  REPORT_CATEGORIES,
  SIGNALS,
  VERDICTS,
} from '../domain.ts';
import { ACCOUNTABILITY_WINDOW_MS } from '../status/accountability.ts';
import { COMMUNITY_BASELINE_DAYS } from '../status/community.ts';
import { DETECTION_CAUSES } from '../status/detection.ts';
import { CORRELATION_MIN_PROVIDERS, CORRELATION_WINDOW_MS } from '../status/correlation.ts';
import { MODEL_MIN_ALLOCATIONS, MODEL_TOP } from '../status/models.ts';
import { IGNORED_REASONS } from '../store/reports.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';

const uptimeShare = {
  type: ['number', 'null'],
  minimum: 0,
  maximum: 1,
  description:
    'Share of measured time the API was not down (Partial or Major Outage, or an official API incident of major ' +
    'or critical impact or a probe outage we detected); maintenance and unmeasured time left out; null when ' +
    'nothing was measured.',
} as const;
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
const uptimeCoverage = {
  ...closed({
    days: { type: 'integer', minimum: 0, description: 'Days in the window.' },
    daysWithData: { type: 'integer', minimum: 0, description: 'Days of the window with measured time.' },
    measuredMinutes: { type: 'number', minimum: 0, description: 'Measured minutes the figure is over.' },
  }),
  description: 'What the uptime figure is over.',
};

/** Providers in trouble together, and our own probes' fault (during which no group is drawn). */
const correlation = {
  correlated: {
    type: 'array',
    description:
      `Groups of ${CORRELATION_MIN_PROVIDERS} or more providers that turned degraded or worse within ` +
      `${CORRELATION_WINDOW_MS / MINUTE_MS} minutes of one another (see /methodology); empty when none.`,
    items: closed({
      since: { ...time, description: 'The earliest start of trouble in the group.' },
      providers: { type: 'array', minItems: CORRELATION_MIN_PROVIDERS, items: text, description: 'Slugs, by start.' },
    }),
  },
  localFault: {
    description: 'Set while most probed providers fail the same network way at once: our fault, not theirs.',
    anyOf: [
      { type: 'null' },
      closed({ since: time, outcome: { enum: [...PROBE_OUTCOMES] }, affected: count, probed: count }),
    ],
  },
};

const reason = closed({
  signal: { enum: [...SIGNALS, null] },
  level: { anyOf: [level, { type: 'null' }] },
  text,
  at: nullableTime,
});

const signalReading = closed({
  state: { enum: ['fresh', 'stale', 'never', 'absent', 'quiet', 'suspended', 'suspect'] },
  level,
  summary: text,
  checkedAt: nullableTime,
  okAt: nullableTime,
  lastGoodAt: { ...nullableTime, description: 'The last good reading (the same as okAt).' },
  failing: {
    description: 'Set when the attempts since the last good reading fail: since when, and how.',
    anyOf: [{ type: 'null' }, closed({ since: time, how: text })],
  },
  reasons: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
});

const scopeStatus = closed({
  level,
  label: text,
  summary: text,
  reasons: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
});

const component = closed(
  {
    name: text,
    group: nullableText,
    scope: {
      enum: [...COMPONENT_SCOPES],
      description: '`api`: an API call depends on it; `product`: apps, web chat, console, login.',
    },
    scopeBasis: {
      enum: ['catalog', 'rule', 'default'],
      description: 'How the scope was decided: named in the catalog, placed by a word rule, or by default (api).',
    },
    level,
    label: text,
    rawStatus: nullableText,
    since: {
      ...nullableTime,
      description: 'When the state began: given by the source, or a change we saw. Null when we only know firstSeenAt.',
    },
    sinceBasis: { enum: ['source', 'observed', 'first_seen', null] },
    firstSeenAt: { ...nullableTime, description: 'Our first sighting in this state, when the source gives no start.' },
    onlyShowIfDegraded: { type: 'boolean' },
    source: {
      enum: ['official', 'catalog'],
      description: '`catalog`: not read from the official page yet; level is unknown.',
    },
  },
  ['onlyShowIfDegraded', 'scopeBasis'],
);

const ackLagSeconds = {
  type: ['integer', 'null'],
  minimum: 0,
  description:
    'Official incidents: seconds from the start of our overlapping detected incident to the provider’s first ' +
    'post, when we saw it first; otherwise null. See /methodology.',
} as const;
const incidentSource = {
  enum: ['official', 'detected'],
  description: '`detected`: opened by our own signals (live probes, a report spike), not announced by the provider.',
} as const;

const incident = closed({
  title: text,
  kind: { enum: ['incident', 'maintenance'] },
  origin: { enum: ['official', 'detected'], description: 'Same as `source` (kept for existing clients).' },
  source: incidentSource,
  ackLagSeconds,
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
  rawImpact: nullableText,
  unlistedAt: {
    ...nullableTime,
    description: 'When the source stopped listing this incident as open without giving an end time.',
  },
  updates: { type: 'array', items: closed({ state: text, rawState: nullableText, body: text, at: time }) },
});

const nullableMs = { type: ['integer', 'null'], minimum: 0 } as const;

/** Each probe region's state (empty when this site probes from one place only). */
const regions = {
  type: 'array',
  description: 'Each probe region: its state, last good answer, failing run and latency over 24 hours.',
  items: closed({
    region: text,
    state: { enum: ['operational', 'slow', 'failing', 'suspended', 'stale', 'unknown'] },
    lastGood: nullableTime,
    failingSince: nullableTime,
    p50Ms: nullableMs,
    p95Ms: nullableMs,
    p99Ms: nullableMs,
  }),
} as const;

const provider = closed({
  slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
  name: text,
  level,
  label: text,
  summary: text,
  reasons: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
  checkedAt: { ...nullableTime, description: 'The latest attempt to read any signal, successful or not.' },
  lastGoodAt: { ...nullableTime, description: 'The latest good reading of the official page or the probe.' },
  regions,
  api: {
    $ref: '#/components/schemas/ScopeStatus',
    description: 'The API: what an API call depends on (the same as the top-level level, label and reasons).',
  },
  products: {
    description:
      'The products (apps, web chat, console, login), from the official page alone; null when there are none.',
    anyOf: [{ type: 'null' }, { $ref: '#/components/schemas/ScopeStatus' }],
  },
  signals: closed(Object.fromEntries(SIGNALS.map((s) => [s, { $ref: '#/components/schemas/SignalReading' }]))),
  official: closed({
    configured: { type: 'boolean' },
    format: { type: ['string', 'null'] },
    url: nullableText,
    lastOkAt: nullableTime,
    lastAttemptAt: nullableTime,
    failingSince: nullableTime,
    state: { enum: ['fresh', 'stale', 'never', 'absent'] },
    lastFailure: {
      anyOf: [
        { type: 'null' },
        closed({
          at: time,
          outcome: text,
          httpStatus: { type: ['integer', 'null'] },
          detail: nullableText,
          consecutive: count,
        }),
      ],
    },
  }),
  evidence: {
    type: 'array',
    minItems: 1,
    description: 'Where the official source and the probe were verified: a public page or document and the day seen.',
    items: closed({ url: { type: 'string', format: 'uri' }, seen: { type: 'string', format: 'date' } }),
  },
  components: { type: 'array', items: { $ref: '#/components/schemas/Component' } },
  incidents: { type: 'array', items: { $ref: '#/components/schemas/Incident' } },
  reports: closed(
    {
      windowMinutes: count,
      recent: count,
      usual: { type: 'number', minimum: 0 },
      baseline: { type: 'number', minimum: 0, description: 'The usual level, never below the floor.' },
      ratio: { type: 'number', minimum: 0 },
      spike: { type: 'boolean' },
      sentence: text,
      byCategory: { type: 'object', propertyNames: { enum: [...REPORT_CATEGORIES] }, additionalProperties: count },
      lastReportAt: nullableTime,
      rules: closed({
        baselineDays: count,
        baselineFloor: count,
        spikeMultiple: { type: 'number' },
        spikeMinReports: count,
        spikeMinAllocations: count,
        dedupeMinutes: count,
      }),
      models: {
        type: 'array',
        maxItems: MODEL_TOP,
        description:
          `The models reports name (lower-cased), most named first: distinct networks (allocations) whose counted ` +
          `reports named each in the last hour and 24 hours, and the median of the same hours on the previous ` +
          `${COMMUNITY_BASELINE_DAYS} days. A model shows once ${MODEL_MIN_ALLOCATIONS} networks named it in 24 hours.`,
        items: closed({
          model: text,
          lastHour: count,
          last24h: count,
          usualHour: { type: 'number', minimum: 0 },
          usual24h: { type: 'number', minimum: 0 },
        }),
      },
      last24h: closed({
        bucketMinutes: count,
        buckets: {
          type: 'array',
          items: closed({ at: time, count, usualLow: { type: 'number' }, usualHigh: { type: 'number' } }),
        },
      }),
    },
    ['last24h', 'models'],
  ),
  probes: closed(
    {
      configured: { type: 'boolean' },
      description: text,
      state: { enum: ['fresh', 'stale', 'never', 'absent', 'suspended', 'suspect'] },
      stateLabel: text,
      summary: text,
      last: {
        anyOf: [
          { type: 'null' },
          closed({
            at: time,
            outcome: { enum: [...PROBE_OUTCOMES] },
            httpStatus: { type: ['integer', 'null'] },
            latencyMs: { type: ['number', 'null'] },
            phases: closed({
              dnsMs: { type: ['number', 'null'] },
              connectMs: { type: ['number', 'null'] },
              tlsMs: { type: ['number', 'null'] },
              ttfbMs: { type: ['number', 'null'] },
            }),
            text,
            detail: nullableText,
          }),
        ],
      },
      count24h: count,
      answered24h: count,
      successRate24h: { type: ['number', 'null'], minimum: 0, maximum: 1 },
      usualLatencyMs: { type: ['number', 'null'] },
      baseline: closed({
        samples: count,
        medianMs: { type: ['number', 'null'] },
        madMs: { type: ['number', 'null'] },
        trusted: { type: 'boolean' },
        slowAboveMs: { type: 'number' },
      }),
      latencyText: nullableText,
      summary24h: nullableText,
      results24h: {
        type: 'array',
        items: closed({
          at: time,
          outcome: { enum: [...PROBE_OUTCOMES] },
          httpStatus: { type: ['integer', 'null'] },
          latencyMs: { type: ['number', 'null'] },
        }),
      },
    },
    ['results24h'],
  ),
  links: closed({
    html: { type: 'string', format: 'uri' },
    errors: { type: 'array', items: closed({ slug: text, title: text, html: { type: 'string', format: 'uri' } }) },
  }),
});

const errorAssessment = closed({
  generatedAt: time,
  provider: text,
  error: text,
  title: text,
  level: { ...level, description: "The API's level." },
  label: text,
  verdict: { enum: [...VERDICTS] },
  verdictLabel: text,
  verdictText: text,
  waiting: {
    enum: ['helps', 'wontHelp', null],
    description: 'Whether waiting for the provider is likely to help; null when the evidence does not say.',
  },
  reasons: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
  isItDown: closed({ answer: { enum: ['yes', 'partly', 'no', 'unknown'] }, label: text }),
  checkedAt: nullableTime,
  lastGoodAt: nullableTime,
  signals: closed(Object.fromEntries(SIGNALS.map((s) => [s, { $ref: '#/components/schemas/SignalReading' }]))),
  links: closed({ html: { type: 'string', format: 'uri' }, provider: { type: 'string', format: 'uri' } }),
});

const problem = closed({ error: closed({ status: { type: 'integer' }, message: text }) });

const isItDown = closed({
  generatedAt: time,
  provider: text,
  answer: { enum: ['yes', 'partly', 'no', 'unknown'] },
  label: text,
  sentence: text,
  evidence: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
  level,
  affectedComponents: { type: 'array', items: closed({ name: text, level }) },
  alternatives: { type: 'array', items: text, description: 'Slugs of providers that read Operational right now.' },
  html: { type: 'string', format: 'uri' },
});

const reportInput = closed(
  {
    category: { enum: [...REPORT_CATEGORIES] },
    httpStatus: { type: ['integer', 'null'], minimum: 100, maximum: 599 },
    model: nullableText,
    sdk: nullableText,
    region: nullableText,
  },
  ['httpStatus', 'model', 'sdk', 'region'],
);

const reportReceived = closed({
  received: { const: true },
  counted: { type: 'boolean', description: 'Whether the report counts in the community numbers.' },
  notCountedBecause: {
    enum: [...IGNORED_REASONS, null],
    description: 'Why it does not count: duplicate (already counted from this network in the window), or null.',
  },
  provider: text,
  category: { enum: [...REPORT_CATEGORIES] },
  message: text,
});

const diagnosis = closed({
  generatedAt: time,
  redacted: {
    ...text,
    description: 'The pasted text with everything that looks like a secret replaced by [redacted].',
  },
  redactions: { type: 'array', items: closed({ kind: text, count }) },
  providerKnown: { type: 'boolean' },
  matches: {
    type: 'array',
    items: closed(
      {
        provider: text,
        error: text,
        score: { type: 'number' },
        reasons: { type: 'array', items: text },
        html: { type: 'string', format: 'uri' },
        level,
        verdict: { enum: ['your_side', 'provider_side', 'inconclusive'] },
        verdictText: text,
      },
      ['level', 'verdict', 'verdictText'],
    ),
  },
});

const names = (what: string) => ({
  type: ['array', 'null'],
  items: { type: 'string' },
  maxItems: 100,
  description: `${what}; absent, null or empty: any.`,
});
const minLevel = {
  enum: [...LEVELS.filter((l) => l !== 'unknown'), null],
  description: 'Only events at or above this level (the worse of the level before, after, and the incident impact).',
};

const subscriptionInput = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'target'],
  properties: {
    channel: { enum: [...CHANNELS] },
    target: {
      type: 'string',
      maxLength: 2048,
      description:
        'An https URL (webhook; slack: https://hooks.slack.com/services/…; discord: https://discord.com/api/webhooks/…) or an e-mail address (email, when the site has SMTP).',
    },
    providers: names('Provider slugs'),
    components: names('Component names'),
    errors: names('Error type slugs (events their verdict would count)'),
    minLevel,
  },
};

const subscriptionCreated = closed(
  {
    id: text,
    status: { enum: ['active', 'pending_confirmation'] },
    manageToken: { type: 'string', description: 'Keep it: the only way to see or delete the subscription.' },
    manageUrl: text,
    secret: { type: 'string', description: 'Webhooks only, shown once: the key of X-Status-Signature.' },
    confirmation: {
      enum: ['pending'],
      description: 'E-mail only: the confirmation mail is queued; GET the subscription to see when it was sent.',
    },
  },
  ['secret', 'confirmation'],
);

const subscription = closed({
  id: text,
  channel: { enum: [...CHANNELS] },
  target: text,
  status: { enum: ['active', 'pending_confirmation', 'paused'] },
  confirmation: {
    enum: ['pending', 'sent', 'refused', 'expired', 'confirmed', null],
    description:
      'E-mail only (else null): the confirmation mail is queued (pending), accepted by the mail server (sent), ' +
      'refused by it after retries, expired unfollowed, or followed (confirmed).',
  },
  providers: names('Provider slugs'),
  components: names('Component names'),
  errors: names('Error type slugs'),
  minLevel,
  createdAt: time,
  pausedAt: nullableTime,
  pauseReason: nullableText,
  dropped: { ...count, description: 'Events given up after a day of failed deliveries.' },
  deliveries: {
    type: 'array',
    items: closed({
      eventId: text,
      type: { enum: [...EVENT_TYPES] },
      previousLevel: { enum: [...LEVELS], description: "The API's level before the event." },
      level: { enum: [...LEVELS], description: "The API's level after the event." },
      state: { enum: ['pending', 'delivered', 'dropped'] },
      attempts: count,
      createdAt: time,
      doneAt: nullableTime,
      lastStatus: { type: ['integer', 'null'] },
      lastError: nullableText,
    }),
  },
});

const nullableSeconds = { type: ['integer', 'null'], minimum: 0 } as const;
const accountability = closed({
  generatedAt: time,
  windowDays: count,
  providers: {
    type: 'array',
    description:
      'Providers with a measured lag ranked first (shortest median acknowledgement lag, then highest 90-day ' +
      'uptime), then the others by name with `rank` null.',
    items: closed({
      slug: text,
      name: text,
      rank: { type: ['integer', 'null'], minimum: 1 },
      uptime30d: uptimeShare,
      uptime90d: uptimeShare,
      coverage30d: uptimeCoverage,
      coverage90d: uptimeCoverage,
      medianAckLagSeconds: nullableSeconds,
      worstAckLagSeconds: nullableSeconds,
      seenFirst: { ...count, description: 'Official incidents we detected before the provider posted them.' },
      unacknowledged: { ...count, description: 'Detected incidents that no official incident overlaps.' },
      missed: { ...count, description: 'Official incidents that no detected incident overlaps.' },
      incidents: { ...text, format: 'uri', description: 'Where the incidents behind the figures are listed.' },
    }),
  },
});

const statusEvent = closed({
  id: { type: 'string', format: 'uuid' },
  type: { enum: [...EVENT_TYPES] },
  at: time,
  provider: closed({ slug: text, name: text }),
  level,
  previousLevel: level,
  incident: {
    anyOf: [
      closed({
        id: text,
        title: text,
        source: { enum: ['official', 'detected'] },
        kind: { enum: ['incident', 'maintenance'] },
        state: text,
        impact: { enum: [...IMPACTS] },
        link: nullableText,
      }),
      { type: 'null' },
    ],
  },
  components: { type: 'array', items: text },
  url: text,
});

const tokenParameter = {
  name: 'manageToken',
  in: 'path',
  required: true,
  description: 'The token returned when the subscription was created.',
  schema: { type: 'string' },
  example: 'example-manage-token',
};
const noSubscription = {
  description: 'No subscription has this token (or it was deleted).',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const json = (ref: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

const slugParameter = {
  name: 'provider',
  in: 'path',
  required: true,
  description: 'The provider slug, as in the site URL.',
  schema: { type: 'string' },
  example: 'anthropic',
};
const notFound = {
  description: 'No such provider.',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const cached = 'Served from a render cache with an `ETag` (send `If-None-Match` for a `304`).';

const historyDayBase = {
  date: { type: 'string', format: 'date' },
  level: {
    enum: [...HISTORY_LEVELS],
    description: 'The worst level the day spent time in; `no_data` when nothing was recorded (never operational).',
  },
  minutes: {
    type: 'object',
    propertyNames: { enum: [...LEVELS] },
    additionalProperties: { type: 'number', minimum: 0 },
    description:
      "Minutes spent in each level that day (UTC), with the API's outage incidents folded in; time without data " +
      'is in none.',
  },
  uptime: { ...uptimeShare, description: "The day's uptime over its measured minutes; null when none." },
};
const providerHistory = closed({
  provider: text,
  uptime30d: uptimeShare,
  uptime90d: uptimeShare,
  coverage30d: uptimeCoverage,
  coverage90d: uptimeCoverage,
  days: {
    type: 'array',
    items: closed({
      ...historyDayBase,
      probeAttempts: count,
      probeSuccessRate: { type: ['number', 'null'], minimum: 0, maximum: 1 },
      probeMedianMs: { type: ['integer', 'null'], minimum: 0 },
      incidents: { type: 'array', items: { type: 'integer' }, description: 'Ids of the incidents under way that day.' },
    }),
  },
  incidents: {
    type: 'array',
    items: closed({
      id: { type: 'integer' },
      title: text,
      origin: { enum: ['official', 'detected'], description: 'Same as `source`.' },
      source: incidentSource,
      cause: { enum: [...DETECTION_CAUSES, null], description: 'What made us open a detected incident.' },
      kind: { enum: ['incident', 'maintenance'] },
      impact: { enum: [...IMPACTS] },
      startedAt: time,
      endedAt: nullableTime,
      url: nullableText,
      ackLagSeconds,
    }),
  },
  components: {
    type: 'array',
    items: closed({
      key: text,
      name: text,
      uptime30d: uptimeShare,
      uptime90d: uptimeShare,
      days: { type: 'array', items: closed(historyDayBase) },
    }),
  },
  generatedAt: time,
});

export function openApiDocument(siteUrl: string, siteName: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: `${siteName} API`,
      version: '1.0.0',
      summary: 'Live status of AI API providers, with the evidence behind each status.',
      description:
        'Each status is the worst level that a fresh signal supports (official status page, live probe, community ' +
        'reports); every level carries its reasons with their times. Times are ISO 8601 in UTC.',
    },
    servers: [{ url: siteUrl }],
    paths: {
      '/api/v1/providers': {
        get: {
          operationId: 'listProviders',
          summary: 'Every provider with its status',
          description: cached,
          responses: {
            200: {
              description: 'All providers.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ProviderList' } } },
            },
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
            200: {
              description: 'The provider.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ProviderDetail' } } },
            },
            404: notFound,
          },
        },
      },
      '/api/v1/providers/{provider}/is-it-down': {
        get: {
          operationId: 'isItDown',
          summary: 'Is this provider down? Yes, partly, no, or unknown, with the evidence',
          description: cached,
          parameters: [slugParameter],
          responses: {
            200: {
              description: 'The answer.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/IsItDown' } } },
            },
            404: notFound,
          },
        },
      },
      '/api/v1/providers/{provider}/history': {
        get: {
          operationId: 'getHistory',
          summary: "A provider's daily history: the API's level and minutes per level each day, probes, incidents",
          description: `Days oldest first, ending today (UTC). Uptime covers the last 30 and 90 days. ${cached}`,
          parameters: [
            slugParameter,
            {
              name: 'days',
              in: 'query',
              required: false,
              description: 'How many days, 1 to 90 (default 90).',
              schema: { type: 'integer', minimum: 1, maximum: 90, default: 90 },
              example: 30,
            },
          ],
          responses: {
            200: {
              description: 'The history.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ProviderHistory' } } },
            },
            400: json('Problem', '`days` is not a whole number from 1 to 90.'),
            404: notFound,
          },
        },
      },
      '/api/v1/providers/{provider}/errors/{error}': {
        get: {
          operationId: 'getErrorAssessment',
          summary: 'Is this error on my side or the provider’s? The JSON twin of an error page',
          description:
            "The API's level, the verdict for this error with its reasons, and each signal's last good reading. " +
            cached,
          parameters: [
            slugParameter,
            {
              name: 'error',
              in: 'path',
              required: true,
              description: 'The error type slug, as in the page URL.',
              schema: { type: 'string' },
              example: 'auth-error',
            },
          ],
          responses: {
            200: {
              description: 'The assessment.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorAssessment' } } },
            },
            404: {
              description: 'No such provider, or no page for this error at this provider.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
          },
        },
      },
      '/api/v1/providers/{provider}/reports': {
        post: {
          operationId: 'reportProblem',
          summary: 'Report a problem with this provider',
          description:
            'Rate-limited per client network; one report per client, provider and category counts per window. ' +
            'The answer never says whether it counted.',
          parameters: [slugParameter],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ReportInput' },
                example: { category: 'auth', httpStatus: 401 },
              },
            },
          },
          responses: {
            202: {
              description: 'Received.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportReceived' } } },
            },
            400: {
              description: 'A field is missing, unknown or invalid.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
            403: {
              description: 'Sent from another site.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
            404: notFound,
            429: {
              description: 'Too many reports from this network; retry later.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
          },
        },
      },
      '/api/v1/accountability': {
        get: {
          operationId: 'getAccountability',
          summary: 'Providers ranked by how late they acknowledge trouble we detected first, with API uptime',
          description: `Over the last ${ACCOUNTABILITY_WINDOW_MS / DAY_MS} days; the method is on /methodology. ${cached}`,
          responses: { 200: json('Accountability', 'Every provider’s figures, ranked.') },
        },
      },
      '/api/v1/subscriptions': {
        post: {
          operationId: 'subscribe',
          summary: 'Subscribe a webhook, Slack, Discord or e-mail address to status events',
          description:
            'Rate-limited per client (an IPv4 address or an IPv6 /48), with site-wide caps on subscriptions and ' +
            'on confirmations waiting. Webhooks are signed: X-Status-Signature is sha256=<hex HMAC-SHA256 of ' +
            'X-Status-Timestamp + "." + the raw body, keyed with the secret>. An e-mail address receives only a ' +
            "confirmation mail until the button on its link's page is pressed; it confirms that one subscription.",
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/SubscriptionInput' },
                example: { channel: 'webhook', target: 'https://hooks.example.com/status', providers: ['anthropic'] },
              },
            },
          },
          responses: {
            201: json('SubscriptionCreated', 'Created.'),
            400: json('Problem', 'A field is missing, unknown or invalid (the message names it).'),
            429: json(
              'Problem',
              'Too many subscriptions from this network, for this address, or on the site; Retry-After says when.',
            ),
          },
        },
      },
      '/api/v1/subscriptions/{manageToken}/test': {
        post: {
          operationId: 'sendTestEvent',
          summary: 'Send one signed test event (marked "test": true) to an active subscription now',
          description:
            "Sent through the same code as real events; the receiver's answer is returned, nothing is stored. " +
            'A few an hour per subscription.',
          parameters: [tokenParameter],
          responses: {
            200: {
              description: 'What the receiver answered.',
              content: {
                'application/json': {
                  schema: closed({
                    delivered: { type: 'boolean' },
                    status: { type: ['integer', 'null'] },
                    message: text,
                  }),
                },
              },
            },
            404: noSubscription,
            409: json('Problem', 'The subscription is not active (waiting for confirmation, or paused).'),
            429: json('Problem', 'Too many test events for this subscription; Retry-After says when.'),
          },
        },
      },
      '/api/v1/subscriptions/{manageToken}': {
        get: {
          operationId: 'getSubscription',
          summary: 'A subscription with its recent deliveries and pause state',
          parameters: [tokenParameter],
          responses: { 200: json('Subscription', 'The subscription.'), 404: noSubscription },
        },
        delete: {
          operationId: 'unsubscribe',
          summary: 'Delete a subscription: nothing more is sent from the next event on',
          parameters: [tokenParameter],
          responses: {
            200: {
              description: 'Deleted.',
              content: {
                'application/json': { schema: closed({ id: text, status: { enum: ['unsubscribed'] } }) },
              },
            },
            404: noSubscription,
          },
        },
      },
      '/api/v1/diagnose': {
        post: {
          operationId: 'diagnose',
          summary: 'Which error is this, and whose side is it on?',
          description:
            'Secrets are redacted before matching; nothing sent is stored or logged; the answer is not cached.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: closed({ text: { type: 'string', maxLength: 20000 }, provider: text }, ['provider']),
                example: { text: 'anthropic.AuthenticationError: 401 invalid x-api-key' },
              },
            },
          },
          responses: {
            200: {
              description: 'Ranked matches.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Diagnosis' } } },
            },
            400: {
              description: 'The body is not valid.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
          },
        },
      },
      '/mcp': {
        post: {
          operationId: 'mcp',
          summary: 'MCP server (Streamable HTTP, stateless, read-only)',
          description:
            'JSON-RPC 2.0 messages of the Model Context Protocol; tools get_status, get_error_verdict, diagnose and ' +
            'list_incidents. Answers are JSON, never a stream; GET and DELETE answer 405 (no sessions).',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['jsonrpc', 'method'] },
                example: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
              },
            },
          },
          responses: {
            200: {
              description: 'The JSON-RPC answer (a tool error is a result with isError: true).',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['jsonrpc'],
                    properties: { jsonrpc: { const: '2.0' }, result: { type: 'object' }, error: { type: 'object' } },
                  },
                },
              },
            },
            202: { description: 'A notification or response was accepted.' },
            429: { description: 'Too many requests from this client in the last minute.' },
          },
        },
      },
      '/{provider}/feed.atom': {
        get: {
          operationId: 'providerFeed',
          summary: "Atom feed of a provider's incidents and their updates",
          parameters: [slugParameter],
          responses: {
            200: { description: 'An Atom 1.0 feed.', content: { 'application/atom+xml': { schema: text } } },
            404: notFound,
          },
        },
      },
      '/feed.atom': {
        get: {
          operationId: 'allFeed',
          summary: 'Atom feed of every provider’s incidents and their updates',
          responses: {
            200: { description: 'An Atom 1.0 feed.', content: { 'application/atom+xml': { schema: text } } },
          },
        },
      },
      '/{provider}/badge.svg': {
        get: {
          operationId: 'providerBadge',
          summary: "SVG badge of a provider's status",
          parameters: [slugParameter],
          responses: {
            200: { description: 'A badge, cacheable for 60 s.', content: { 'image/svg+xml': { schema: text } } },
            404: notFound,
          },
        },
      },
      '/{provider}/components/{component}/badge.svg': {
        get: {
          operationId: 'componentBadge',
          summary: "SVG badge of one of a provider's components",
          parameters: [
            slugParameter,
            {
              name: 'component',
              in: 'path',
              required: true,
              description: 'The component name in lower case, words joined by "-".',
              schema: { type: 'string' },
              example: 'claude-api-api-anthropic-com',
            },
          ],
          responses: {
            200: { description: 'A badge, cacheable for 60 s.', content: { 'image/svg+xml': { schema: text } } },
            404: notFound,
          },
        },
      },
    },
    components: {
      schemas: {
        Level: {
          enum: [...LEVELS],
          description: 'operational, maintenance, degraded, partial_outage, major_outage, or unknown (no fresh data).',
        },
        Reason: reason,
        SignalReading: signalReading,
        ScopeStatus: scopeStatus,
        ErrorAssessment: errorAssessment,
        Component: component,
        Incident: incident,
        Provider: provider,
        ProviderDetail: {
          ...provider,
          required: [...provider.required, 'generatedAt'],
          properties: { generatedAt: time, ...provider.properties },
        },
        ProviderList: closed({
          generatedAt: time,
          providers: { type: 'array', items: { $ref: '#/components/schemas/Provider' } },
          ...correlation,
        }),
        Problem: problem,
        IsItDown: isItDown,
        ProviderHistory: providerHistory,
        ReportInput: reportInput,
        ReportReceived: reportReceived,
        Diagnosis: diagnosis,
        SubscriptionInput: subscriptionInput,
        SubscriptionCreated: subscriptionCreated,
        Subscription: subscription,
        StatusEvent: statusEvent,
        Accountability: accountability,
      },
    },
    webhooks: {
      statusEvent: {
        post: {
          summary: 'What a webhook subscription receives: one event per request, in order per subscription',
          parameters: [
            { name: 'X-Status-Event-Id', in: 'header', required: true, schema: text },
            { name: 'X-Status-Timestamp', in: 'header', required: true, schema: text },
            { name: 'X-Status-Signature', in: 'header', required: true, schema: text },
          ],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/StatusEvent' } } } },
          responses: { 200: { description: 'Any 2xx acknowledges; anything else is retried for 24 h.' } },
        },
      },
    },
  };
}

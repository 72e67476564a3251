// The JSON API's answers as zod schemas, each registered under its OpenAPI component name: the document is generated
// from them, and tests validate live answers against them, so the two cannot drift.
import { ShieldsEndpoint } from '../machine/shields.ts';
import {
  StatuspageComponentsDocument,
  StatuspageIncidentsDocument,
  StatuspageMaintenancesDocument,
  StatuspageStatusDocument,
  StatuspageSummary,
} from './statuspage-bodies.ts';
import { REGION_STATES } from '../../status/regions.ts';
import * as z from 'zod';
import {
  CHANNELS,
  COMPONENT_SCOPES,
  EVENT_TYPES,
  HISTORY_LEVELS,
  IMPACTS,
  INCIDENT_KINDS,
  LEVELS,
  PROBE_OUTCOMES,
  REPORT_CATEGORIES,
  SIGNALS,
  SUBSCRIPTION_STATES,
  VERDICTS,
} from '../../domain.ts';
import { COMMUNITY_BASELINE_DAYS } from '../../status/community.ts';
import { CORRELATION_MIN_PROVIDERS, CORRELATION_WINDOW_MS } from '../../status/correlation.ts';
import { DETECTION_CAUSES } from '../../status/detection.ts';
import { DOWN_ANSWERS } from '../../status/down-answer.ts';
import { MODEL_MIN_ALLOCATIONS, MODEL_TOP } from '../../status/models.ts';
import { DELIVERY_STATES } from '../../store/deliveries.ts';
import { IGNORED_REASONS } from '../../store/reports.ts';
import { MINUTE_MS } from '../../time.ts';

/** Every named answer schema of the document (components/schemas), by name; the document refers to each by `$ref`. */
export const NAMED_SCHEMAS: [string, z.ZodType][] = [];
const named = <T extends z.ZodType>(id: string, schema: T): T => {
  NAMED_SCHEMAS.push([id, schema]);
  return schema;
};

const text = z.string();
const nullableText = z.string().nullable();
const time = z.iso.datetime();
const nullableTime = z.iso.datetime().nullable();
const count = z.int().min(0);
const nullableInt = z.int().nullable();
const nullableNumber = z.number().nullable();
const share = z.number().min(0).max(1).nullable();
const uri = z.url();

export const Level = named(
  'Level',
  z
    .enum(LEVELS)
    .describe('operational, maintenance, degraded, partial_outage, major_outage, or unknown (no fresh data).'),
);

export const Problem = named(
  'Problem',
  z
    .strictObject({
      type: z.literal('about:blank'),
      title: text.describe("The HTTP status's reason phrase."),
      status: z.int().min(400).max(599),
      detail: text.describe('What was wrong, in words a person understands; names the field at fault.'),
      error: z
        .strictObject({ status: z.int(), message: text })
        .describe('The same status and detail, in the shape earlier clients read.'),
    })
    .describe('An RFC 9457 problem (application/problem+json).'),
);

const uptimeShare = share.describe(
  'Share of measured time the API was not down (Partial or Major Outage, or an official API incident of major or ' +
    'critical impact or a probe outage we detected); maintenance and unmeasured time left out; null when nothing ' +
    'was measured.',
);
const uptimeCoverage = z
  .strictObject({
    days: count.describe('Days in the window.'),
    daysWithData: count.describe('Days of the window with measured time.'),
    measuredMinutes: z.number().min(0).describe('Measured minutes the figure is over.'),
  })
  .describe('What the uptime figure is over.');

export const Reason = named(
  'Reason',
  z.strictObject({ signal: z.enum(SIGNALS).nullable(), level: Level.nullable(), text, at: nullableTime }),
);

export const SignalReading = named(
  'SignalReading',
  z.strictObject({
    state: z.enum(['fresh', 'stale', 'never', 'absent', 'quiet', 'suspended', 'suspect']),
    level: Level,
    summary: text,
    checkedAt: nullableTime,
    okAt: nullableTime,
    lastGoodAt: nullableTime.describe('The last good reading (the same as okAt).'),
    failing: z
      .strictObject({ since: time, how: text })
      .nullable()
      .describe('Set when the attempts since the last good reading fail: since when, and how.'),
    reasons: z.array(Reason),
  }),
);
const signalReadings = z.strictObject(
  Object.fromEntries(SIGNALS.map((signal) => [signal, SignalReading])) as Record<
    (typeof SIGNALS)[number],
    typeof SignalReading
  >,
);

export const ScopeStatus = named(
  'ScopeStatus',
  z.strictObject({ level: Level, label: text, summary: text, reasons: z.array(Reason) }),
);

export const Component = named(
  'Component',
  z.strictObject({
    name: text,
    group: nullableText,
    scope: z
      .enum(COMPONENT_SCOPES)
      .describe('`api`: an API call depends on it; `product`: apps, web chat, console, login.'),
    scopeBasis: z
      .enum(['catalog', 'rule', 'default'])
      .optional()
      .describe('How the scope was decided: named in the catalog, placed by a word rule, or by default (api).'),
    level: Level,
    label: text,
    rawStatus: nullableText,
    since: nullableTime.describe(
      'When the state began: given by the source, or a change we saw. Null when we only know firstSeenAt.',
    ),
    sinceBasis: z.enum(['source', 'observed', 'first_seen']).nullable(),
    firstSeenAt: nullableTime.describe('Our first sighting in this state, when the source gives no start.'),
    onlyShowIfDegraded: z.boolean().optional(),
    source: z
      .enum(['official', 'catalog'])
      .describe('`catalog`: not read from the official page yet; level is unknown.'),
  }),
);

const incidentSource = z
  .enum(['official', 'detected'])
  .describe('`detected`: opened by our own signals (live probes, a report spike), not announced by the provider.');
const ackLagSeconds = z
  .int()
  .min(0)
  .nullable()
  .describe(
    'Official incidents: seconds from the start of our overlapping detected incident to the provider’s first ' +
      'post, when we saw it first; otherwise null. See /methodology.',
  );

export const Incident = named(
  'Incident',
  z.strictObject({
    title: text,
    kind: z.enum(INCIDENT_KINDS),
    origin: z.enum(['official', 'detected']).describe('Same as `source` (kept for existing clients).'),
    source: incidentSource,
    ackLagSeconds,
    state: text,
    rawState: nullableText,
    impact: z.enum(IMPACTS),
    open: z.boolean(),
    startedAt: time,
    resolvedAt: nullableTime,
    scheduledFor: nullableTime,
    scheduledUntil: nullableTime,
    durationMs: z.int().min(0).nullable(),
    url: nullableText,
    components: z.array(text),
    rawImpact: nullableText,
    unlistedAt: nullableTime.describe(
      'When the source stopped listing this incident as open without giving an end time.',
    ),
    updates: z.array(z.strictObject({ state: text, rawState: nullableText, body: text, at: time })),
  }),
);

const probeResult = {
  at: time,
  outcome: z.enum(PROBE_OUTCOMES),
  httpStatus: nullableInt,
  latencyMs: nullableNumber,
};

/** Each probe region's state (empty when this site probes from one place only). */
const Regions = z
  .array(
    z.strictObject({
      region: text,
      state: z.enum(REGION_STATES),
      lastGood: nullableTime,
      failingSince: nullableTime,
      p50Ms: z.int().min(0).nullable(),
      p95Ms: z.int().min(0).nullable(),
      p99Ms: z.int().min(0).nullable(),
    }),
  )
  .describe('Each probe region: its state, last good answer, failing run and latency over 24 hours.');

const providerShape = {
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  name: text,
  level: Level,
  label: text,
  summary: text,
  reasons: z.array(Reason),
  checkedAt: nullableTime.describe('The latest attempt to read any signal, successful or not.'),
  lastGoodAt: nullableTime.describe('The latest good reading of the official page or the probe.'),
  regions: Regions,
  api: ScopeStatus,
  products: ScopeStatus.nullable().describe(
    'The products (apps, web chat, console, login), from the official page alone; null when there are none.',
  ),
  signals: signalReadings,
  official: z.strictObject({
    configured: z.boolean(),
    format: nullableText,
    url: nullableText,
    lastOkAt: nullableTime,
    lastAttemptAt: nullableTime,
    failingSince: nullableTime,
    state: z.enum(['fresh', 'stale', 'never', 'absent']),
    lastFailure: z
      .strictObject({ at: time, outcome: text, httpStatus: nullableInt, detail: nullableText, consecutive: count })
      .nullable(),
  }),
  evidence: z
    .array(z.strictObject({ url: uri, seen: z.iso.date() }))
    .min(1)
    .describe('Where the official source and the probe were verified: a public page or document and the day seen.'),
  components: z.array(Component),
  incidents: z.array(Incident),
  reports: z.strictObject({
    windowMinutes: count,
    recent: count,
    usual: z.number().min(0),
    baseline: z.number().min(0).describe('The usual level, never below the floor.'),
    ratio: z.number().min(0),
    spike: z.boolean(),
    sentence: text,
    byCategory: z.partialRecord(z.enum(REPORT_CATEGORIES), count),
    lastReportAt: nullableTime,
    rules: z.strictObject({
      baselineDays: count,
      baselineFloor: count,
      spikeMultiple: z.number(),
      spikeMinReports: count,
      spikeMinAllocations: count,
      dedupeMinutes: count,
    }),
    models: z
      .array(
        z.strictObject({
          model: text,
          lastHour: count,
          last24h: count,
          usualHour: z.number().min(0),
          usual24h: z.number().min(0),
        }),
      )
      .max(MODEL_TOP)
      .optional()
      .describe(
        `The models reports name (lower-cased), most named first: distinct networks (allocations) whose counted ` +
          `reports named each in the last hour and 24 hours, and the median of the same hours on the previous ` +
          `${COMMUNITY_BASELINE_DAYS} days. A model shows once ${MODEL_MIN_ALLOCATIONS} networks named it in 24 hours.`,
      ),
    last24h: z
      .strictObject({
        bucketMinutes: count,
        buckets: z.array(z.strictObject({ at: time, count, usualLow: z.number(), usualHigh: z.number() })),
      })
      .optional(),
  }),
  probes: z.strictObject({
    configured: z.boolean(),
    description: text,
    state: z.enum(['fresh', 'stale', 'never', 'absent', 'suspended', 'suspect']),
    stateLabel: text,
    summary: text,
    last: z
      .strictObject({
        ...probeResult,
        phases: z.strictObject({
          dnsMs: nullableNumber,
          connectMs: nullableNumber,
          tlsMs: nullableNumber,
          ttfbMs: nullableNumber,
        }),
        text,
        detail: nullableText,
      })
      .nullable(),
    count24h: count,
    answered24h: count,
    successRate24h: share,
    usualLatencyMs: nullableNumber,
    baseline: z.strictObject({
      samples: count,
      medianMs: nullableNumber,
      madMs: nullableNumber,
      trusted: z.boolean(),
      slowAboveMs: z.number(),
    }),
    latencyText: nullableText,
    summary24h: nullableText,
    results24h: z.array(z.strictObject(probeResult)).optional(),
  }),
  links: z.strictObject({
    html: uri,
    errors: z.array(z.strictObject({ slug: text, title: text, html: uri })),
  }),
};

export const Provider = named('Provider', z.strictObject(providerShape));
export const ProviderDetail = named('ProviderDetail', z.strictObject({ generatedAt: time, ...providerShape }));

export const ProviderList = named(
  'ProviderList',
  z.strictObject({
    generatedAt: time,
    providers: z.array(Provider),
    correlated: z
      .array(
        z.strictObject({
          since: time.describe('The earliest start of trouble in the group.'),
          providers: z.array(text).min(CORRELATION_MIN_PROVIDERS).describe('Slugs, by start.'),
        }),
      )
      .describe(
        `Groups of ${CORRELATION_MIN_PROVIDERS} or more providers that turned degraded or worse within ` +
          `${CORRELATION_WINDOW_MS / MINUTE_MS} minutes of one another (see /methodology); empty when none.`,
      ),
    localFault: z
      .strictObject({ since: time, outcome: z.enum(PROBE_OUTCOMES), affected: count, probed: count })
      .nullable()
      .describe('Set while most probed providers fail the same network way at once: our fault, not theirs.'),
  }),
);

export const ErrorAssessment = named(
  'ErrorAssessment',
  z.strictObject({
    generatedAt: time,
    provider: text,
    error: text,
    title: text,
    level: Level.describe("The API's level."),
    label: text,
    verdict: z.enum(VERDICTS),
    verdictLabel: text,
    verdictText: text,
    waiting: z
      .enum(['helps', 'wontHelp'])
      .nullable()
      .describe('Whether waiting for the provider is likely to help; null when the evidence does not say.'),
    reasons: z.array(Reason),
    isItDown: z.strictObject({ answer: z.enum(DOWN_ANSWERS), label: text }),
    checkedAt: nullableTime,
    lastGoodAt: nullableTime,
    regions: Regions,
    signals: signalReadings,
    links: z.strictObject({ html: uri, provider: uri }),
  }),
);

export const IsItDown = named(
  'IsItDown',
  z.strictObject({
    generatedAt: time,
    provider: text,
    answer: z.enum(DOWN_ANSWERS),
    label: text,
    sentence: text,
    evidence: z.array(Reason),
    level: Level,
    affectedComponents: z.array(z.strictObject({ name: text, level: Level })),
    regions: Regions,
    alternatives: z.array(text).describe('Slugs of providers that read Operational right now.'),
    html: uri,
  }),
);

const historyDay = {
  date: z.iso.date(),
  level: z
    .enum(HISTORY_LEVELS)
    .describe('The worst level the day spent time in; `no_data` when nothing was recorded (never operational).'),
  minutes: z
    .partialRecord(z.enum(LEVELS), z.number().min(0))
    .describe(
      "Minutes spent in each level that day (UTC), with the API's outage incidents folded in; time without data " +
        'is in none.',
    ),
  uptime: share.describe("The day's uptime over its measured minutes; null when none."),
};

export const ProviderHistory = named(
  'ProviderHistory',
  z.strictObject({
    provider: text,
    uptime30d: uptimeShare,
    uptime90d: uptimeShare,
    coverage30d: uptimeCoverage,
    coverage90d: uptimeCoverage,
    days: z.array(
      z.strictObject({
        ...historyDay,
        probeAttempts: count,
        probeSuccessRate: share,
        probeMedianMs: z.int().min(0).nullable(),
        incidents: z.array(z.int()).describe('Ids of the incidents under way that day.'),
      }),
    ),
    incidents: z.array(
      z.strictObject({
        id: z.int(),
        title: text,
        origin: z.enum(['official', 'detected']).describe('Same as `source`.'),
        source: incidentSource,
        cause: z.enum(DETECTION_CAUSES).nullable().describe('What made us open a detected incident.'),
        kind: z.enum(INCIDENT_KINDS),
        impact: z.enum(IMPACTS),
        startedAt: time,
        endedAt: nullableTime,
        url: nullableText,
        ackLagSeconds,
      }),
    ),
    components: z.array(
      z.strictObject({
        key: text,
        name: text,
        uptime30d: uptimeShare,
        uptime90d: uptimeShare,
        days: z.array(z.strictObject(historyDay)),
      }),
    ),
    generatedAt: time,
  }),
);

export const ReportReceived = named(
  'ReportReceived',
  z.strictObject({
    received: z.literal(true),
    counted: z.boolean().describe('Whether the report counts in the community numbers.'),
    notCountedBecause: z
      .enum(IGNORED_REASONS)
      .nullable()
      .describe('Why it does not count: duplicate (already counted from this network in the window), or null.'),
    provider: text,
    category: z.enum(REPORT_CATEGORIES),
    message: text,
  }),
);

export const Diagnosis = named(
  'Diagnosis',
  z.strictObject({
    generatedAt: time,
    redacted: text.describe('The pasted text with everything that looks like a secret replaced by [redacted].'),
    redactions: z.array(z.strictObject({ kind: text, count })),
    providerKnown: z.boolean(),
    matches: z.array(
      z.strictObject({
        provider: text,
        error: text,
        score: z.number(),
        reasons: z.array(text),
        html: uri,
        level: Level.optional(),
        verdict: z.enum(VERDICTS).optional(),
        verdictText: text.optional(),
      }),
    ),
  }),
);

const names = (what: string) => z.array(text).max(100).nullable().describe(`${what}; null: any.`);
const minLevel = z
  .enum(LEVELS.filter((l) => l !== 'unknown') as [string, ...string[]])
  .nullable()
  .describe('Only events at or above this level (the worse of the level before, after, and the incident impact).');

export const SubscriptionCreated = named(
  'SubscriptionCreated',
  z.strictObject({
    id: text,
    status: z.enum(['active', 'pending_confirmation']),
    manageToken: text.describe('Keep it: the only way to see or delete the subscription.'),
    manageUrl: text,
    secret: text.optional().describe('Webhooks only, shown once: the `whsec_` Standard Webhooks signing secret.'),
    confirmation: z
      .literal('pending')
      .optional()
      .describe('E-mail only: the confirmation mail is queued; GET the subscription to see when it was sent.'),
  }),
);

export const Subscription = named(
  'Subscription',
  z.strictObject({
    id: text,
    channel: z.enum(CHANNELS),
    target: text,
    status: z.enum(SUBSCRIPTION_STATES),
    confirmation: z
      .enum(['pending', 'sent', 'refused', 'expired', 'confirmed'])
      .nullable()
      .describe(
        'E-mail only (else null): the confirmation mail is queued (pending), accepted by the mail server (sent), ' +
          'refused by it after retries, expired unfollowed, or followed (confirmed).',
      ),
    providers: names('Provider slugs'),
    components: names('Component names'),
    errors: names('Error type slugs'),
    minLevel,
    createdAt: time,
    pausedAt: nullableTime,
    pauseReason: nullableText,
    dropped: count.describe('Events given up after a day of failed deliveries.'),
    deliveries: z.array(
      z.strictObject({
        eventId: text,
        type: z.enum(EVENT_TYPES),
        previousLevel: Level.describe("The API's level before the event."),
        level: Level.describe("The API's level after the event."),
        state: z.enum(DELIVERY_STATES),
        attempts: count,
        createdAt: time,
        doneAt: nullableTime,
        lastStatus: nullableInt,
        lastError: nullableText,
      }),
    ),
  }),
);

export const TestEventResult = named(
  'TestEventResult',
  z.strictObject({ delivered: z.boolean(), status: nullableInt, message: text }),
);

export const Unsubscribed = named('Unsubscribed', z.strictObject({ id: text, status: z.literal('unsubscribed') }));

const nullableSeconds = z.int().min(0).nullable();
export const Accountability = named(
  'Accountability',
  z.strictObject({
    generatedAt: time,
    windowDays: count,
    providers: z
      .array(
        z.strictObject({
          slug: text,
          name: text,
          rank: z.int().min(1).nullable(),
          uptime30d: uptimeShare,
          uptime90d: uptimeShare,
          coverage30d: uptimeCoverage,
          coverage90d: uptimeCoverage,
          medianAckLagSeconds: nullableSeconds,
          worstAckLagSeconds: nullableSeconds,
          seenFirst: count.describe('Official incidents we detected before the provider posted them.'),
          unacknowledged: count.describe('Detected incidents that no official incident overlaps.'),
          missed: count.describe('Official incidents that no detected incident overlaps.'),
          incidents: uri.describe('Where the incidents behind the figures are listed.'),
        }),
      )
      .describe(
        'Providers with a measured lag ranked first (shortest median acknowledgement lag, then highest 90-day ' +
          'uptime), then the others by name with `rank` null.',
      ),
  }),
);

export const StatusEvent = named(
  'StatusEvent',
  z.strictObject({
    id: z.uuid(),
    type: z.enum(EVENT_TYPES),
    at: time,
    provider: z.strictObject({ slug: text, name: text }),
    level: Level,
    previousLevel: Level,
    incident: z
      .strictObject({
        id: text,
        title: text,
        source: z.enum(['official', 'detected']),
        kind: z.enum(INCIDENT_KINDS),
        state: text,
        impact: z.enum(IMPACTS),
        link: nullableText,
      })
      .nullable(),
    components: z.array(text),
    url: text,
  }),
);

/** A JSON-RPC 2.0 request (with an id) or notification (without) of the Model Context Protocol. */
export const McpRequest = named(
  'McpRequest',
  z.strictObject({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.int()]).optional(),
    method: text,
    params: z.looseObject({}).optional(),
  }),
);
export const McpAnswer = named(
  'McpAnswer',
  z.looseObject({
    jsonrpc: z.literal('2.0'),
    result: z.looseObject({}).optional(),
    error: z.looseObject({}).optional(),
  }),
);

/** The Statuspage-compatible documents and the Shields endpoint JSON, built in their view models, named here. */
named('StatuspageSummary', StatuspageSummary);
named('StatuspageStatus', StatuspageStatusDocument);
named('StatuspageComponents', StatuspageComponentsDocument);
named('StatuspageIncidents', StatuspageIncidentsDocument);
named('StatuspageMaintenances', StatuspageMaintenancesDocument);
named('ShieldsEndpoint', ShieldsEndpoint);

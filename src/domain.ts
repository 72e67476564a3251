// The shared vocabulary: levels, signals, states and outcomes, as const lists with their derived types.
import { MINUTE_MS } from './time.ts';

/** Provider and component levels, best first; `unknown` means we cannot tell. */
export const LEVELS = ['operational', 'maintenance', 'degraded', 'partial_outage', 'major_outage', 'unknown'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_LABELS: Record<Level, string> = {
  operational: 'Operational',
  maintenance: 'Under Maintenance',
  degraded: 'Degraded',
  partial_outage: 'Partial Outage',
  major_outage: 'Major Outage',
  unknown: 'Unknown',
};

/** A day of history: the worst level it spent time in, or `no_data` when nothing was recorded (never green). */
export const HISTORY_LEVELS = [...LEVELS, 'no_data'] as const;
export type HistoryLevel = (typeof HISTORY_LEVELS)[number];

/** How bad a known level is; `unknown` is not on this scale. */
export const LEVEL_SEVERITY: Record<Exclude<Level, 'unknown'>, number> = {
  operational: 0,
  maintenance: 1,
  degraded: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** The three independent sources of evidence behind a headline. */
export const SIGNALS = ['official', 'probe', 'community'] as const;
export type Signal = (typeof SIGNALS)[number];

export const SIGNAL_LABELS: Record<Signal, string> = {
  official: 'Official status page',
  probe: 'Live probe',
  community: 'Community reports',
};

/**
 * What a provider's status-page component serves: its developer `api` (what an API call depends on), or a
 * `product` built on it (apps, web chat, console, login), which a failing API call does not depend on.
 */
export const COMPONENT_SCOPES = ['api', 'product'] as const;
export type ComponentScope = (typeof COMPONENT_SCOPES)[number];

/** Status page formats the poller understands (catalog `statusPage.format`). */
export const STATUS_FORMATS = [
  'statuspage',
  'incidentio',
  'instatus',
  'betterstack',
  'feed',
  'gcp',
  'flashduty',
  'datadog',
  'awshealth',
] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

export const INCIDENT_STATES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'postmortem',
  'unknown',
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const MAINTENANCE_STATES = ['scheduled', 'in_progress', 'verifying', 'completed', 'unknown'] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

/** States in which an incident or maintenance is over. */
export const CLOSED_STATES: readonly (IncidentState | MaintenanceState)[] = ['resolved', 'postmortem', 'completed'];
/** States in which a maintenance is under way. */
export const ACTIVE_MAINTENANCE_STATES: readonly MaintenanceState[] = ['in_progress', 'verifying'];

/** Incident impact as the provider declared it. */
export const IMPACTS = ['none', 'minor', 'major', 'critical', 'maintenance', 'unknown'] as const;
export type Impact = (typeof IMPACTS)[number];

export const INCIDENT_KINDS = ['incident', 'maintenance'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** What a community report is about; also the `category` of an error type. */
/** Counted reports are kept as counts per bucket of this length: the store's buckets, the community signal's unit. */
export const COMMUNITY_BUCKET_MS = 15 * MINUTE_MS;
/** The start of the bucket holding `at`. */
export const bucketOf = (at: number): number => Math.floor(at / COMMUNITY_BUCKET_MS) * COMMUNITY_BUCKET_MS;

export const REPORT_CATEGORIES = [
  'auth',
  'rate_limit',
  'quota',
  'server_error',
  'timeout',
  'overloaded',
  'web_login',
  'other',
] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** One allocation (the salted hash of an IPv6 /48 or an IPv4 address) that sent a counted report of `category`. */
export type ReporterAllocation = { category: ReportCategory; allocation: string };

export const REPORT_CATEGORY_LABELS: Record<ReportCategory, string> = {
  auth: 'Authentication / API key',
  rate_limit: 'Rate limit',
  quota: 'Quota or billing',
  server_error: 'Server errors',
  timeout: 'Timeouts',
  overloaded: 'Overloaded',
  web_login: 'Web app login',
  other: 'Other',
};

/** Optional detail of a report: the SDK or language the failing call came from. */
export const REPORT_SDKS = [
  'python',
  'javascript',
  'go',
  'java',
  'dotnet',
  'ruby',
  'php',
  'rust',
  'swift',
  'http',
  'other',
] as const;
export type ReportSdk = (typeof REPORT_SDKS)[number];

export const REPORT_SDK_LABELS: Record<ReportSdk, string> = {
  python: 'Python',
  javascript: 'JavaScript / TypeScript',
  go: 'Go',
  java: 'Java / Kotlin',
  dotnet: 'C# / .NET',
  ruby: 'Ruby',
  php: 'PHP',
  rust: 'Rust',
  swift: 'Swift',
  http: 'curl / plain HTTP',
  other: 'Other',
};

/** Optional detail of a report: roughly where the failing call came from. */
export const REPORT_REGIONS = [
  'north_america',
  'south_america',
  'europe',
  'middle_east',
  'africa',
  'asia',
  'oceania',
] as const;
export type ReportRegion = (typeof REPORT_REGIONS)[number];

export const REPORT_REGION_LABELS: Record<ReportRegion, string> = {
  north_america: 'North America',
  south_america: 'South America',
  europe: 'Europe',
  middle_east: 'Middle East',
  africa: 'Africa',
  asia: 'Asia',
  oceania: 'Oceania',
};

/** Classified result of one live probe attempt. */
export const PROBE_OUTCOMES = [
  'rejected_as_expected',
  'slow',
  'unexpected_status',
  'unexpected_body',
  'timeout',
  'connection_error',
  'tls_error',
  'dns_error',
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

/** Why a fetch of an upstream document failed. */
export const FETCH_FAILURES = [
  'timeout',
  'network',
  'dns',
  'tls',
  'http',
  'parse',
  'schema',
  'too_large',
  'content_type',
  'blocked',
  'redirect',
  /** Cancelled by us (shutdown): never recorded as a fact about the source. */
  'aborted',
] as const;
export type FetchFailure = (typeof FETCH_FAILURES)[number];

/** Names of the documents a poll reads; the main one decides the official signal's freshness. */
export const MAIN_DOCUMENT = 'main';

/** Outcome of one attempt to fetch a source document: success, unchanged, or a typed failure. */
export type CheckOutcome = 'ok' | 'not_modified' | FetchFailure;

/** Verdict on an error page: whose side the problem is most likely on. */
export const VERDICTS = ['your_side', 'provider_side', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_LABELS: Record<Verdict, string> = {
  your_side: 'Likely on your side',
  provider_side: "Likely on the provider's side",
  inconclusive: 'Inconclusive',
};

/** A published level with the change that waits for confirmation, if any (see status/damping.ts). */
export type DampedLevel = {
  level: Level;
  pendingLevel: Level | null;
  pendingCount: number;
  /** The first poll that saw the pending level. */
  pendingSince: number | null;
  /** When the published level began: the first poll that saw it. */
  changedAt: number;
};

/** The damping rule the store applies to each new reading; decided in status/, passed in by the caller. */
export type ConfirmLevel = (current: DampedLevel, observed: Level, now: number) => DampedLevel & { changed: boolean };

/** A component as an official status page lists it, normalised. */
export type SnapshotComponent = {
  /** The upstream's stable id (never the name, which vendors change). */
  key: string;
  name: string;
  groupName: string | null;
  position: number;
  level: Level;
  rawStatus: string | null;
  onlyShowIfDegraded: boolean;
};

export type SnapshotUpdate = {
  key: string;
  state: IncidentState | MaintenanceState;
  rawState: string | null;
  body: string;
  at: number;
};

/** An incident or maintenance as an official status page tells it, normalised. */
export type SnapshotIncident = {
  key: string;
  kind: IncidentKind;
  title: string;
  state: IncidentState | MaintenanceState;
  rawState: string | null;
  impact: Impact;
  rawImpact: string | null;
  url: string | null;
  startedAt: number;
  resolvedAt: number | null;
  scheduledFor: number | null;
  scheduledUntil: number | null;
  updates: SnapshotUpdate[];
  components: { key: string; name: string }[];
  /**
   * Set when the source no longer presents the incident as current without giving an end (a feed entry past its
   * window): the time of the poll that saw it so. Never an end time.
   */
  unlistedAt?: number | null;
};

/** Everything one poll learned from a provider's official page. Absent parts were not in the documents read. */
export type OfficialSnapshot = {
  components?: SnapshotComponent[];
  incidents: SnapshotIncident[];
  /** The page's own overall verdict, when it gives one. */
  pageLevel?: Level;
  pageRaw?: string | null;
  /**
   * True when the document lists every open incident and maintenance, so an open one missing from it is no longer
   * current (Statuspage summary.json, feeds of the newest entries); false for documents that hold only part of them.
   */
  listsAllOpen?: boolean;
};

/** What a notification announces. `level_changed` is about the API's level only (products apart). */
export const EVENT_TYPES = [
  'level_changed',
  'incident_opened',
  'incident_updated',
  'incident_resolved',
  'maintenance_started',
  'maintenance_ended',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Where a subscription's notifications go. */
export const CHANNELS = [
  'webhook',
  'slack',
  'discord',
  'teams',
  'google_chat',
  'ntfy',
  'pagerduty',
  'opsgenie',
  'telegram',
  'email',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = {
  webhook: 'Webhook (signed JSON POST)',
  slack: 'Slack incoming webhook',
  discord: 'Discord webhook',
  teams: 'Microsoft Teams (Workflows webhook)',
  google_chat: 'Google Chat incoming webhook',
  ntfy: 'ntfy topic (ntfy.sh or your own server)',
  pagerduty: 'PagerDuty (Events API v2 routing key)',
  opsgenie: 'Opsgenie (API integration key)',
  telegram: 'Telegram (bot token/chat id)',
  email: 'E-mail',
};

/** A subscription's state: waiting for its address to confirm, receiving, or stopped after failing for days. */
export const SUBSCRIPTION_STATES = ['pending_confirmation', 'active', 'paused'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** A notification as recorded once and sent as is to webhooks (the other channels format it). */
export type StatusEvent = {
  id: string;
  type: EventType;
  at: string;
  provider: { slug: string; name: string };
  /** The API's level after the event, and before it. */
  level: Level;
  previousLevel: Level;
  incident: {
    id: string;
    title: string;
    source: 'official' | 'detected';
    kind: IncidentKind;
    state: string;
    impact: Impact;
    link: string | null;
  } | null;
  /** Components the event concerns (an incident's, or those not operational for a level change). */
  components: string[];
  /** The page to open. */
  url: string;
  /** Present only on a test event a subscriber asked for: nothing happened. */
  test?: true;
};

/** The middle value (the mean of the middle two for an even count), exact; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

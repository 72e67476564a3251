// Every table and column of the database, as the store's queries see them (Kysely<Database>): times are epoch
// milliseconds, flags are 0/1 integers, lists and payloads are JSON text. Written with migrations.ts, in step.
import type { Generated } from 'kysely';
import type {
  Channel,
  CheckOutcome,
  Impact,
  IncidentKind,
  IncidentState,
  Level,
  MaintenanceState,
  ProbeOutcome,
  ReportCategory,
  ReportRegion,
  ReportSdk,
  SubscriptionState,
} from '../domain.ts';

/** A column with a default: optional on insert. Row ids are Generated too. */
type Defaulted<T> = Generated<T>;
/** A 0/1 flag with a default. */
type Flag = Defaulted<number>;

export interface ProvidersTable {
  slug: string;
  name: string;
  position: number;
  hidden: Flag;
  added_at: number;
  updated_at: number;
}

export interface ComponentsTable {
  id: Generated<number>;
  provider_slug: string;
  source_key: string;
  name: string;
  group_name: string | null;
  position: Defaulted<number>;
  level: Level;
  raw_status: string | null;
  pending_level: Level | null;
  pending_count: Defaulted<number>;
  only_show_if_degraded: Flag;
  changed_at: number;
  seen_at: number;
  retired_at: number | null;
  first_seen: Flag;
  pending_since: number | null;
}

export interface PageLevelsTable {
  provider_slug: string;
  level: Level;
  raw: string | null;
  changed_at: number;
  pending_level: Level | null;
  pending_count: Defaulted<number>;
}

export interface ComponentChangesTable {
  id: Generated<number>;
  component_id: number;
  level: Level;
  raw_status: string | null;
  at: number;
}

export interface IncidentsTable {
  id: Generated<number>;
  provider_slug: string;
  origin: 'official' | 'detected';
  kind: IncidentKind;
  source_key: string;
  title: string;
  state: IncidentState | MaintenanceState;
  raw_state: string | null;
  impact: Impact;
  raw_impact: string | null;
  url: string | null;
  started_at: number;
  resolved_at: number | null;
  scheduled_for: number | null;
  scheduled_until: number | null;
  updated_at: number;
  unlisted_at: number | null;
}

export interface IncidentUpdatesTable {
  id: Generated<number>;
  incident_id: number;
  source_key: string;
  state: IncidentState | MaintenanceState;
  raw_state: string | null;
  body: string;
  at: number;
}

export interface IncidentComponentsTable {
  incident_id: number;
  component_key: string;
  name: string;
}

export interface SourceChecksTable {
  id: Generated<number>;
  provider_slug: string;
  document: string;
  started_at: number;
  duration_ms: number;
  outcome: CheckOutcome;
  http_status: number | null;
  detail: string | null;
}

export interface SourceValidatorsTable {
  provider_slug: string;
  document: string;
  etag: string | null;
  last_modified: string | null;
}

export interface ProbeResultsTable {
  id: Generated<number>;
  provider_slug: string;
  at: number;
  outcome: ProbeOutcome;
  http_status: number | null;
  latency_ms: number | null;
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  ttfb_ms: number | null;
  detail: string | null;
  region: Defaulted<string>;
  result_id: string | null;
}

export interface ReportsTable {
  id: Generated<number>;
  provider_slug: string;
  category: ReportCategory;
  http_status: number | null;
  model: string | null;
  sdk: ReportSdk | null;
  region: ReportRegion | null;
  client_hash: string;
  counted: number;
  ignored_reason: string | null;
  at: number;
  allocation_hash: string | null;
}

export interface ReportBucketsTable {
  provider_slug: string;
  category: ReportCategory;
  bucket_at: number;
  count: number;
  last_at: number | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface ReportClaimsTable {
  client_hash: string;
  provider_slug: string;
  category: ReportCategory;
  counted_at: number;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  provider_slug: string;
  level: Level;
  previous_level: Level;
  /** JSON text. */
  components: string;
  /** JSON text. */
  errors: string;
  /** JSON text: the whole StatusEvent. */
  payload: string;
  at: number;
  fanned_out: Flag;
}

export interface EventLevelsTable {
  provider_slug: string;
  level: Level;
  at: number;
}

export interface EventIncidentsTable {
  incident_id: number;
  state: string;
  active: number;
  updates: number;
}

export interface SubscriptionsTable {
  id: string;
  channel: Channel;
  target: string;
  receiver: string;
  address_hash: string | null;
  secret: string | null;
  manage_hash: string;
  unsubscribe_token: string;
  /** JSON lists, null for every one. */
  providers: string | null;
  components: string | null;
  errors: string | null;
  min_level: Exclude<Level, 'unknown'> | null;
  status: SubscriptionState;
  created_at: number;
  active_since: number | null;
  failing_since: number | null;
  paused_at: number | null;
  pause_reason: string | null;
  dropped: Defaulted<number>;
  legacy_secret: string | null;
  legacy_until: number | null;
  secret_unseen: Flag;
}

export interface DeliveriesTable {
  id: Generated<number>;
  subscription_id: string;
  event_seq: number;
  state: 'pending' | 'delivered' | 'dropped';
  attempts: Defaulted<number>;
  next_at: number;
  created_at: number;
  done_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

export interface EmailConfirmationsTable {
  id: Generated<number>;
  address_hash: string;
  subscription_id: string | null;
  token: string | null;
  token_hash: string;
  created_at: number;
  expires_at: number;
  sent_at: number | null;
  confirmed_at: number | null;
  attempts: Defaulted<number>;
  next_at: Defaulted<number>;
  refused_at: number | null;
}

export interface RollupLevelsTable {
  provider_slug: string;
  subject: string;
  day: number;
  level: Level;
  ms: number;
}

export interface RollupMarksTable {
  provider_slug: string;
  sampled_at: number;
  /** JSON text: level by subject. */
  levels: string;
}

export interface RollupProbesTable {
  provider_slug: string;
  /** The region the totals were probed from (this node's own is `local`). */
  region: string;
  day: number;
  attempts: number;
  successes: number;
  median_ms: number | null;
}

export interface NodeChecksTable {
  name: string;
  value: string;
}

/** PostgreSQL only: the migrations applied (SQLite keeps the number in PRAGMA user_version). */
export interface SchemaVersionTable {
  version: number;
}

export interface Database {
  providers: ProvidersTable;
  components: ComponentsTable;
  page_levels: PageLevelsTable;
  component_changes: ComponentChangesTable;
  incidents: IncidentsTable;
  incident_updates: IncidentUpdatesTable;
  incident_components: IncidentComponentsTable;
  source_checks: SourceChecksTable;
  source_validators: SourceValidatorsTable;
  probe_results: ProbeResultsTable;
  reports: ReportsTable;
  report_buckets: ReportBucketsTable;
  rate_limits: RateLimitsTable;
  report_claims: ReportClaimsTable;
  events: EventsTable;
  event_levels: EventLevelsTable;
  event_incidents: EventIncidentsTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  email_confirmations: EmailConfirmationsTable;
  rollup_levels: RollupLevelsTable;
  rollup_marks: RollupMarksTable;
  rollup_probes: RollupProbesTable;
  node_checks: NodeChecksTable;
  schema_version: SchemaVersionTable;
}

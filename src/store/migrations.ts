// Forward-only schema migrations, numbered once for both engines: entry N brings a database to version N+1 (SQLite's
// PRAGMA user_version, PostgreSQL's schema_version row). Each is written once (see ddl.ts); a raw entry giving each
// engine's SQL text by hand is accepted too. Never edit a shipped one.
import { notNull, primaryKey, same, unique, written, type Migration } from './ddl.ts';

export type { Migration } from './ddl.ts';

export const MIGRATIONS: readonly Migration[] = [
  /* 1: the whole schema of the three signals. Times are epoch milliseconds (`…_at`). */
  written(({ schema, table, id, text, int, big }) => [
    table('providers')
      .addColumn('slug', text, (c) => c.primaryKey())
      .addColumn('name', text, notNull)
      .addColumn('position', int, notNull)
      .addColumn('hidden', int, (c) => c.notNull().defaultTo(0))
      .addColumn('added_at', big, notNull)
      .addColumn('updated_at', big, notNull),

    table('components')
      .addColumn('id', big, id)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('source_key', text, notNull)
      .addColumn('name', text, notNull)
      .addColumn('group_name', text)
      .addColumn('position', int, (c) => c.notNull().defaultTo(0))
      .addColumn('level', text, notNull)
      .addColumn('raw_status', text)
      .addColumn('pending_level', text)
      .addColumn('pending_count', int, (c) => c.notNull().defaultTo(0))
      .addColumn('only_show_if_degraded', int, (c) => c.notNull().defaultTo(0))
      .addColumn('changed_at', big, notNull)
      .addColumn('seen_at', big, notNull)
      .addColumn('retired_at', big)
      .$call(unique('provider_slug', 'source_key')),

    table('page_levels')
      .addColumn('provider_slug', text, (c) => c.primaryKey().references('providers.slug'))
      .addColumn('level', text, notNull)
      .addColumn('raw', text)
      .addColumn('changed_at', big, notNull),

    table('component_changes')
      .addColumn('id', big, id)
      .addColumn('component_id', big, (c) => c.notNull().references('components.id'))
      .addColumn('level', text, notNull)
      .addColumn('raw_status', text)
      .addColumn('at', big, notNull),
    schema.createIndex('component_changes_by_component').on('component_changes').columns(['component_id', 'at']),

    table('incidents')
      .addColumn('id', big, id)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('origin', text, notNull)
      .addColumn('kind', text, notNull)
      .addColumn('source_key', text, notNull)
      .addColumn('title', text, notNull)
      .addColumn('state', text, notNull)
      .addColumn('raw_state', text)
      .addColumn('impact', text, notNull)
      .addColumn('raw_impact', text)
      .addColumn('url', text)
      .addColumn('started_at', big, notNull)
      .addColumn('resolved_at', big)
      .addColumn('scheduled_for', big)
      .addColumn('scheduled_until', big)
      .addColumn('updated_at', big, notNull)
      .$call(unique('provider_slug', 'origin', 'source_key')),
    schema.createIndex('incidents_by_provider').on('incidents').columns(['provider_slug', 'started_at']),

    table('incident_updates')
      .addColumn('id', big, id)
      .addColumn('incident_id', big, (c) => c.notNull().references('incidents.id').onDelete('cascade'))
      .addColumn('source_key', text, notNull)
      .addColumn('state', text, notNull)
      .addColumn('raw_state', text)
      .addColumn('body', text, notNull)
      .addColumn('at', big, notNull)
      .$call(unique('incident_id', 'source_key')),

    table('incident_components')
      .addColumn('incident_id', big, (c) => c.notNull().references('incidents.id').onDelete('cascade'))
      .addColumn('component_key', text, notNull)
      .addColumn('name', text, notNull)
      .$call(primaryKey('incident_id', 'component_key')),

    table('source_checks')
      .addColumn('id', big, id)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('document', text, notNull)
      .addColumn('started_at', big, notNull)
      .addColumn('duration_ms', int, notNull)
      .addColumn('outcome', text, notNull)
      .addColumn('http_status', int)
      .addColumn('detail', text),
    schema
      .createIndex('source_checks_by_document')
      .on('source_checks')
      .columns(['provider_slug', 'document', 'started_at']),

    table('source_validators')
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('document', text, notNull)
      .addColumn('etag', text)
      .addColumn('last_modified', text)
      .$call(primaryKey('provider_slug', 'document')),

    table('probe_results')
      .addColumn('id', big, id)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('at', big, notNull)
      .addColumn('outcome', text, notNull)
      .addColumn('http_status', int)
      .addColumn('latency_ms', int)
      .addColumn('dns_ms', int)
      .addColumn('connect_ms', int)
      .addColumn('tls_ms', int)
      .addColumn('ttfb_ms', int)
      .addColumn('detail', text),
    schema.createIndex('probe_results_by_provider').on('probe_results').columns(['provider_slug', 'at']),

    table('reports')
      .addColumn('id', big, id)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('category', text, notNull)
      .addColumn('http_status', int)
      .addColumn('model', text)
      .addColumn('sdk', text)
      .addColumn('region', text)
      .addColumn('client_hash', text, notNull)
      .addColumn('counted', int, notNull)
      .addColumn('ignored_reason', text)
      .addColumn('at', big, notNull),
    schema.createIndex('reports_by_provider').on('reports').columns(['provider_slug', 'at']),
    schema.createIndex('reports_by_client').on('reports').columns(['client_hash', 'provider_slug', 'category', 'at']),

    table('report_buckets', { withoutRowid: true })
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('category', text, notNull)
      .addColumn('bucket_at', big, notNull)
      .addColumn('count', int, notNull)
      .$call(primaryKey('provider_slug', 'bucket_at', 'category')),
  ]),

  /* 2: the time of the latest counted report in each bucket, so "last report" is exact, not the bucket's start. */
  written(({ schema, big }) => [schema.alterTable('report_buckets').addColumn('last_at', big)]),

  /* 3: incidents that left the source's list of open ones without an end time; damping of the page's own level. */
  written(({ schema, text, int, big }) => [
    schema.alterTable('incidents').addColumn('unlisted_at', big),
    schema.alterTable('page_levels').addColumn('pending_level', text),
    schema.alterTable('page_levels').addColumn('pending_count', int, (c) => c.notNull().defaultTo(0)),
  ]),

  /* 4: whether a component's changed_at is a change we saw or only our first sighting; when a pending level was
     first seen, so a confirmed change dates from then. Rows with a change after their first sighting were seen. */
  written(({ schema, int, big }) => [
    schema.alterTable('components').addColumn('first_seen', int, (c) => c.notNull().defaultTo(0)),
    schema.alterTable('components').addColumn('pending_since', big),
    same(`UPDATE components SET first_seen = CASE
      WHEN changed_at > (SELECT MIN(at) FROM component_changes WHERE component_id = components.id) THEN 0 ELSE 1 END`),
  ]),

  /* 5: the salted hash of each report's allocation (an IPv6 /48), so a spike counts distinct reporters by it too. */
  written(({ schema, text }) => [schema.alterTable('reports').addColumn('allocation_hash', text)]),

  /* 6: rate-limit windows shared by every node (a client cannot get a budget per node); keys are salted hashes. */
  written(({ schema, table, text, int, big }) => [
    table('rate_limits')
      .addColumn('key', text, (c) => c.primaryKey())
      .addColumn('count', int, notNull)
      .addColumn('reset_at', big, notNull),
    schema.createIndex('rate_limits_by_reset').on('rate_limits').column('reset_at'),
  ]),

  /* 7: each client's latest counted report per provider and category, so one upsert decides a duplicate. */
  written(({ schema, table, text, big }) => [
    table('report_claims', { withoutRowid: true })
      .addColumn('client_hash', text, notNull)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('category', text, notNull)
      .addColumn('counted_at', big, notNull)
      .$call(primaryKey('client_hash', 'provider_slug', 'category')),
    schema.createIndex('report_claims_by_time').on('report_claims').column('counted_at'),
    same(`INSERT INTO report_claims (client_hash, provider_slug, category, counted_at)
      SELECT client_hash, provider_slug, category, MAX(at) FROM reports WHERE counted = 1
      GROUP BY client_hash, provider_slug, category`),
  ]),

  /* 8: notifications: events recorded once (an outbox), what was last announced per provider and incident,
     subscriptions, their deliveries, and e-mail confirmations (tokens kept in plain text only until mailed). */
  written(({ schema, table, id, text, int, big }) => [
    table('events')
      .addColumn('seq', big, id)
      .addColumn('id', text, (c) => c.notNull().unique())
      .addColumn('type', text, notNull)
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('level', text, notNull)
      .addColumn('previous_level', text, notNull)
      .addColumn('components', text, notNull)
      .addColumn('errors', text, notNull)
      .addColumn('payload', text, notNull)
      .addColumn('at', big, notNull)
      .addColumn('fanned_out', int, (c) => c.notNull().defaultTo(0)),
    schema.createIndex('events_to_fan_out').on('events').columns(['fanned_out', 'seq']),

    table('event_levels')
      .addColumn('provider_slug', text, (c) => c.primaryKey().references('providers.slug'))
      .addColumn('level', text, notNull)
      .addColumn('at', big, notNull),

    table('event_incidents')
      .addColumn('incident_id', big, (c) => c.primaryKey().references('incidents.id').onDelete('cascade'))
      .addColumn('state', text, notNull)
      .addColumn('active', int, notNull)
      .addColumn('updates', int, notNull),

    table('subscriptions')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('channel', text, notNull)
      .addColumn('target', text, notNull)
      .addColumn('receiver', text, notNull)
      .addColumn('address_hash', text)
      .addColumn('secret', text)
      .addColumn('manage_hash', text, (c) => c.notNull().unique())
      .addColumn('unsubscribe_token', text, (c) => c.notNull().unique())
      .addColumn('providers', text)
      .addColumn('components', text)
      .addColumn('errors', text)
      .addColumn('min_level', text)
      .addColumn('status', text, notNull)
      .addColumn('created_at', big, notNull)
      .addColumn('active_since', big)
      .addColumn('failing_since', big)
      .addColumn('paused_at', big)
      .addColumn('pause_reason', text)
      .addColumn('dropped', int, (c) => c.notNull().defaultTo(0)),
    schema.createIndex('subscriptions_by_status').on('subscriptions').column('status'),
    schema.createIndex('subscriptions_by_address').on('subscriptions').columns(['address_hash', 'status']),

    table('deliveries')
      .addColumn('id', big, id)
      .addColumn('subscription_id', text, (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
      .addColumn('event_seq', big, (c) => c.notNull().references('events.seq'))
      .addColumn('state', text, notNull)
      .addColumn('attempts', int, (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', big, notNull)
      .addColumn('created_at', big, notNull)
      .addColumn('done_at', big)
      .addColumn('last_status', int)
      .addColumn('last_error', text)
      .$call(unique('subscription_id', 'event_seq')),
    schema.createIndex('deliveries_pending').on('deliveries').columns(['state', 'subscription_id', 'id']),

    table('email_confirmations')
      .addColumn('id', big, id)
      .addColumn('address_hash', text, notNull)
      .addColumn('subscription_id', text, (c) => c.references('subscriptions.id').onDelete('set null'))
      .addColumn('token', text)
      .addColumn('token_hash', text, (c) => c.notNull().unique())
      .addColumn('created_at', big, notNull)
      .addColumn('expires_at', big, notNull)
      .addColumn('sent_at', big)
      .addColumn('confirmed_at', big),
    schema
      .createIndex('email_confirmations_by_address')
      .on('email_confirmations')
      .columns(['address_hash', 'created_at']),
  ]),

  /* 9: the daily history: time spent in each level per UTC day (the API's and each official component's), each
     provider's latest sample of those levels, and each day's probe totals. `day` counts UTC days since 1970. */
  written(({ table, text, int, big }) => [
    table('rollup_levels', { withoutRowid: true })
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('subject', text, notNull)
      .addColumn('day', int, notNull)
      .addColumn('level', text, notNull)
      .addColumn('ms', big, notNull)
      .$call(primaryKey('provider_slug', 'day', 'subject', 'level')),

    table('rollup_marks')
      .addColumn('provider_slug', text, (c) => c.primaryKey().references('providers.slug'))
      .addColumn('sampled_at', big, notNull)
      .addColumn('levels', text, notNull),

    table('rollup_probes', { withoutRowid: true })
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('day', int, notNull)
      .addColumn('attempts', int, notNull)
      .addColumn('successes', int, notNull)
      .addColumn('median_ms', int)
      .$call(primaryKey('provider_slug', 'day')),
  ]),

  /* 10: a confirmation mail's tries (the mail job retries a refused one a few times, then marks it refused). */
  written(({ schema, int, big }) => [
    schema.alterTable('email_confirmations').addColumn('attempts', int, (c) => c.notNull().defaultTo(0)),
    schema.alterTable('email_confirmations').addColumn('next_at', big, (c) => c.notNull().defaultTo(0)),
    schema.alterTable('email_confirmations').addColumn('refused_at', big),
    schema.createIndex('email_confirmations_to_send').on('email_confirmations').columns(['sent_at', 'next_at']),
  ]),

  /* 11: values every node must share, such as the SECRET's check value (a node with another SECRET is refused). */
  written(({ table, text }) => [
    table('node_checks', { withoutRowid: true })
      .addColumn('name', text, (c) => c.primaryKey())
      .addColumn('value', text, notNull),
  ]),

  /* 12: Standard Webhooks secrets: a webhook's pre-standard secret is kept (its old signature header goes on beside
     the new ones until legacy_until); the new secret is shown once on the subscription's page. */
  written(({ schema, text, int, big }) => [
    schema.alterTable('subscriptions').addColumn('legacy_secret', text),
    schema.alterTable('subscriptions').addColumn('legacy_until', big),
    schema.alterTable('subscriptions').addColumn('secret_unseen', int, (c) => c.notNull().defaultTo(0)),
    same(`UPDATE subscriptions SET legacy_secret = secret WHERE channel = 'webhook' AND secret IS NOT NULL`),
  ]),

  /* 13: probe regions: which region each result was probed from (this node's own results were `local` until now),
     and an agent's id for each of its results, so a batch sent twice counts once. */
  written(({ schema, text }) => [
    schema.alterTable('probe_results').addColumn('region', text, (c) => c.notNull().defaultTo('local')),
    schema.alterTable('probe_results').addColumn('result_id', text),
    schema.createIndex('probe_results_by_result_id').unique().on('probe_results').columns(['region', 'result_id']),
    schema.createIndex('probe_results_by_region').on('probe_results').columns(['provider_slug', 'region', 'at']),
  ]),

  /* 14: regional history: each day's probe totals per region (the totals so far were this node's, `local`). The
     primary key changes, so the table is rebuilt on both engines. */
  written(({ schema, table, text, int }) => [
    table('rollup_probes_by_region', { withoutRowid: true })
      .addColumn('provider_slug', text, (c) => c.notNull().references('providers.slug'))
      .addColumn('region', text, notNull)
      .addColumn('day', int, notNull)
      .addColumn('attempts', int, notNull)
      .addColumn('successes', int, notNull)
      .addColumn('median_ms', int)
      .$call(primaryKey('provider_slug', 'region', 'day')),
    same(`INSERT INTO rollup_probes_by_region (provider_slug, region, day, attempts, successes, median_ms)
      SELECT provider_slug, 'local', day, attempts, successes, median_ms FROM rollup_probes`),
    schema.dropTable('rollup_probes'),
    schema.alterTable('rollup_probes_by_region').renameTo('rollup_probes'),
  ]),
];

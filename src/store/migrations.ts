// Forward-only schema migrations, numbered once for both engines: entry N brings a database to version N+1 (SQLite's
// PRAGMA user_version, PostgreSQL's schema_version row). Each says its SQL per engine only where the engines differ
// (SQLite's STRICT tables and INTEGER, PostgreSQL's BIGINT for epoch milliseconds). Never edit a shipped one.

export type Migration = { sqlite: string; postgres: string };

export const MIGRATIONS: readonly Migration[] = [
  /* 1: the whole schema of the three signals. Times are epoch milliseconds (`…_at`). */ {
    sqlite: `
  CREATE TABLE providers (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    hidden      INTEGER NOT NULL DEFAULT 0,
    added_at    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE components (
    id                    INTEGER PRIMARY KEY,
    provider_slug         TEXT NOT NULL REFERENCES providers(slug),
    source_key            TEXT NOT NULL,
    name                  TEXT NOT NULL,
    group_name            TEXT,
    position              INTEGER NOT NULL DEFAULT 0,
    level                 TEXT NOT NULL,
    raw_status            TEXT,
    pending_level         TEXT,
    pending_count         INTEGER NOT NULL DEFAULT 0,
    only_show_if_degraded INTEGER NOT NULL DEFAULT 0,
    changed_at            INTEGER NOT NULL,
    seen_at               INTEGER NOT NULL,
    retired_at            INTEGER,
    UNIQUE (provider_slug, source_key)
  ) STRICT;

  CREATE TABLE page_levels (
    provider_slug  TEXT PRIMARY KEY REFERENCES providers(slug),
    level          TEXT NOT NULL,
    raw            TEXT,
    changed_at     INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE component_changes (
    id            INTEGER PRIMARY KEY,
    component_id  INTEGER NOT NULL REFERENCES components(id),
    level         TEXT NOT NULL,
    raw_status    TEXT,
    at            INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX component_changes_by_component ON component_changes (component_id, at);

  CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    provider_slug   TEXT NOT NULL REFERENCES providers(slug),
    origin          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    source_key      TEXT NOT NULL,
    title           TEXT NOT NULL,
    state           TEXT NOT NULL,
    raw_state       TEXT,
    impact          TEXT NOT NULL,
    raw_impact      TEXT,
    url             TEXT,
    started_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    scheduled_for   INTEGER,
    scheduled_until INTEGER,
    updated_at      INTEGER NOT NULL,
    UNIQUE (provider_slug, origin, source_key)
  ) STRICT;
  CREATE INDEX incidents_by_provider ON incidents (provider_slug, started_at);

  CREATE TABLE incident_updates (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    source_key   TEXT NOT NULL,
    state        TEXT NOT NULL,
    raw_state    TEXT,
    body         TEXT NOT NULL,
    at           INTEGER NOT NULL,
    UNIQUE (incident_id, source_key)
  ) STRICT;

  CREATE TABLE incident_components (
    incident_id    INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    component_key  TEXT NOT NULL,
    name           TEXT NOT NULL,
    PRIMARY KEY (incident_id, component_key)
  ) STRICT;

  CREATE TABLE source_checks (
    id             INTEGER PRIMARY KEY,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    document       TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    duration_ms    INTEGER NOT NULL,
    outcome        TEXT NOT NULL,
    http_status    INTEGER,
    detail         TEXT
  ) STRICT;
  CREATE INDEX source_checks_by_document ON source_checks (provider_slug, document, started_at);

  CREATE TABLE source_validators (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    document       TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    PRIMARY KEY (provider_slug, document)
  ) STRICT;

  CREATE TABLE probe_results (
    id             INTEGER PRIMARY KEY,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    at             INTEGER NOT NULL,
    outcome        TEXT NOT NULL,
    http_status    INTEGER,
    latency_ms     INTEGER,
    dns_ms         INTEGER,
    connect_ms     INTEGER,
    tls_ms         INTEGER,
    ttfb_ms        INTEGER,
    detail         TEXT
  ) STRICT;
  CREATE INDEX probe_results_by_provider ON probe_results (provider_slug, at);

  CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    category       TEXT NOT NULL,
    http_status    INTEGER,
    model          TEXT,
    sdk            TEXT,
    region         TEXT,
    client_hash    TEXT NOT NULL,
    counted        INTEGER NOT NULL,
    ignored_reason TEXT,
    at             INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX reports_by_provider ON reports (provider_slug, at);
  CREATE INDEX reports_by_client ON reports (client_hash, provider_slug, category, at);

  CREATE TABLE report_buckets (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    category       TEXT NOT NULL,
    bucket_at      INTEGER NOT NULL,
    count          INTEGER NOT NULL,
    PRIMARY KEY (provider_slug, bucket_at, category)
  ) STRICT, WITHOUT ROWID;
  `,
    postgres: `
  CREATE TABLE providers (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    hidden      INTEGER NOT NULL DEFAULT 0,
    added_at    BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
  );

  CREATE TABLE components (
    id                    BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_slug         TEXT NOT NULL REFERENCES providers(slug),
    source_key            TEXT NOT NULL,
    name                  TEXT NOT NULL,
    group_name            TEXT,
    position              INTEGER NOT NULL DEFAULT 0,
    level                 TEXT NOT NULL,
    raw_status            TEXT,
    pending_level         TEXT,
    pending_count         INTEGER NOT NULL DEFAULT 0,
    only_show_if_degraded INTEGER NOT NULL DEFAULT 0,
    changed_at            BIGINT NOT NULL,
    seen_at               BIGINT NOT NULL,
    retired_at            BIGINT,
    UNIQUE (provider_slug, source_key)
  );

  CREATE TABLE page_levels (
    provider_slug  TEXT PRIMARY KEY REFERENCES providers(slug),
    level          TEXT NOT NULL,
    raw            TEXT,
    changed_at     BIGINT NOT NULL
  );

  CREATE TABLE component_changes (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    component_id  BIGINT NOT NULL REFERENCES components(id),
    level         TEXT NOT NULL,
    raw_status    TEXT,
    at            BIGINT NOT NULL
  );
  CREATE INDEX component_changes_by_component ON component_changes (component_id, at);

  CREATE TABLE incidents (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_slug   TEXT NOT NULL REFERENCES providers(slug),
    origin          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    source_key      TEXT NOT NULL,
    title           TEXT NOT NULL,
    state           TEXT NOT NULL,
    raw_state       TEXT,
    impact          TEXT NOT NULL,
    raw_impact      TEXT,
    url             TEXT,
    started_at      BIGINT NOT NULL,
    resolved_at     BIGINT,
    scheduled_for   BIGINT,
    scheduled_until BIGINT,
    updated_at      BIGINT NOT NULL,
    UNIQUE (provider_slug, origin, source_key)
  );
  CREATE INDEX incidents_by_provider ON incidents (provider_slug, started_at);

  CREATE TABLE incident_updates (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    incident_id  BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    source_key   TEXT NOT NULL,
    state        TEXT NOT NULL,
    raw_state    TEXT,
    body         TEXT NOT NULL,
    at           BIGINT NOT NULL,
    UNIQUE (incident_id, source_key)
  );

  CREATE TABLE incident_components (
    incident_id    BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    component_key  TEXT NOT NULL,
    name           TEXT NOT NULL,
    PRIMARY KEY (incident_id, component_key)
  );

  CREATE TABLE source_checks (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    document       TEXT NOT NULL,
    started_at     BIGINT NOT NULL,
    duration_ms    INTEGER NOT NULL,
    outcome        TEXT NOT NULL,
    http_status    INTEGER,
    detail         TEXT
  );
  CREATE INDEX source_checks_by_document ON source_checks (provider_slug, document, started_at);

  CREATE TABLE source_validators (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    document       TEXT NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    PRIMARY KEY (provider_slug, document)
  );

  CREATE TABLE probe_results (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    at             BIGINT NOT NULL,
    outcome        TEXT NOT NULL,
    http_status    INTEGER,
    latency_ms     INTEGER,
    dns_ms         INTEGER,
    connect_ms     INTEGER,
    tls_ms         INTEGER,
    ttfb_ms        INTEGER,
    detail         TEXT
  );
  CREATE INDEX probe_results_by_provider ON probe_results (provider_slug, at);

  CREATE TABLE reports (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    category       TEXT NOT NULL,
    http_status    INTEGER,
    model          TEXT,
    sdk            TEXT,
    region         TEXT,
    client_hash    TEXT NOT NULL,
    counted        INTEGER NOT NULL,
    ignored_reason TEXT,
    at             BIGINT NOT NULL
  );
  CREATE INDEX reports_by_provider ON reports (provider_slug, at);
  CREATE INDEX reports_by_client ON reports (client_hash, provider_slug, category, at);

  CREATE TABLE report_buckets (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    category       TEXT NOT NULL,
    bucket_at      BIGINT NOT NULL,
    count          INTEGER NOT NULL,
    PRIMARY KEY (provider_slug, bucket_at, category)
  );
  `,
  },
  /* 2: the time of the latest counted report in each bucket, so "last report" is exact, not the bucket's start. */ {
    sqlite: `
  ALTER TABLE report_buckets ADD COLUMN last_at INTEGER;
  `,
    postgres: `
  ALTER TABLE report_buckets ADD COLUMN last_at BIGINT;
  `,
  },
  /* 3: incidents that left the source's list of open ones without an end time; damping of the page's own level. */ {
    sqlite: `
  ALTER TABLE incidents ADD COLUMN unlisted_at INTEGER;
  ALTER TABLE page_levels ADD COLUMN pending_level TEXT;
  ALTER TABLE page_levels ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
  `,
    postgres: `
  ALTER TABLE incidents ADD COLUMN unlisted_at BIGINT;
  ALTER TABLE page_levels ADD COLUMN pending_level TEXT;
  ALTER TABLE page_levels ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
  `,
  },
  /* 4: whether a component's changed_at is a change we saw or only our first sighting; when a pending level was
     first seen, so a confirmed change dates from then. Rows with a change after their first sighting were seen. */ {
    sqlite: `
  ALTER TABLE components ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE components ADD COLUMN pending_since INTEGER;
  UPDATE components SET first_seen = CASE
    WHEN changed_at > (SELECT MIN(at) FROM component_changes WHERE component_id = components.id) THEN 0 ELSE 1 END;
  `,
    postgres: `
  ALTER TABLE components ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE components ADD COLUMN pending_since BIGINT;
  UPDATE components SET first_seen = CASE
    WHEN changed_at > (SELECT MIN(at) FROM component_changes WHERE component_id = components.id) THEN 0 ELSE 1 END;
  `,
  },
  /* 5: the salted hash of each report's allocation (an IPv6 /48), so a spike counts distinct reporters by it too. */
  {
    sqlite: `
  ALTER TABLE reports ADD COLUMN allocation_hash TEXT;
  `,
    postgres: `
  ALTER TABLE reports ADD COLUMN allocation_hash TEXT;
  `,
  },
  /* 6: rate-limit windows shared by every node (a client cannot get a budget per node); keys are salted hashes. */ {
    sqlite: `
  CREATE TABLE rate_limits (
    key       TEXT PRIMARY KEY,
    count     INTEGER NOT NULL,
    reset_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX rate_limits_by_reset ON rate_limits (reset_at);
  `,
    postgres: `
  CREATE TABLE rate_limits (
    key       TEXT PRIMARY KEY,
    count     INTEGER NOT NULL,
    reset_at  BIGINT NOT NULL
  );
  CREATE INDEX rate_limits_by_reset ON rate_limits (reset_at);
  `,
  },
  /* 7: each client's latest counted report per provider and category, so one upsert decides a duplicate. */ {
    sqlite: `
  CREATE TABLE report_claims (
    client_hash    TEXT NOT NULL,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    category       TEXT NOT NULL,
    counted_at     INTEGER NOT NULL,
    PRIMARY KEY (client_hash, provider_slug, category)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX report_claims_by_time ON report_claims (counted_at);
  INSERT INTO report_claims (client_hash, provider_slug, category, counted_at)
    SELECT client_hash, provider_slug, category, MAX(at) FROM reports WHERE counted = 1
    GROUP BY client_hash, provider_slug, category;
  `,
    postgres: `
  CREATE TABLE report_claims (
    client_hash    TEXT NOT NULL,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    category       TEXT NOT NULL,
    counted_at     BIGINT NOT NULL,
    PRIMARY KEY (client_hash, provider_slug, category)
  );
  CREATE INDEX report_claims_by_time ON report_claims (counted_at);
  INSERT INTO report_claims (client_hash, provider_slug, category, counted_at)
    SELECT client_hash, provider_slug, category, MAX(at) FROM reports WHERE counted = 1
    GROUP BY client_hash, provider_slug, category;
  `,
  },
  /* 8: notifications: events recorded once (an outbox), what was last announced per provider and incident,
     subscriptions, their deliveries, and e-mail confirmations (tokens kept in plain text only until mailed). */ {
    sqlite: `
  CREATE TABLE events (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    level          TEXT NOT NULL,
    previous_level TEXT NOT NULL,
    components     TEXT NOT NULL,
    errors         TEXT NOT NULL,
    payload        TEXT NOT NULL,
    at             INTEGER NOT NULL,
    fanned_out     INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX events_to_fan_out ON events (fanned_out, seq);

  CREATE TABLE event_levels (
    provider_slug  TEXT PRIMARY KEY REFERENCES providers(slug),
    level          TEXT NOT NULL,
    at             INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE event_incidents (
    incident_id  INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    state        TEXT NOT NULL,
    active       INTEGER NOT NULL,
    updates      INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE subscriptions (
    id                 TEXT PRIMARY KEY,
    channel            TEXT NOT NULL,
    target             TEXT NOT NULL,
    receiver           TEXT NOT NULL,
    address_hash       TEXT,
    secret             TEXT,
    manage_hash        TEXT NOT NULL UNIQUE,
    unsubscribe_token  TEXT NOT NULL UNIQUE,
    providers          TEXT,
    components         TEXT,
    errors             TEXT,
    min_level          TEXT,
    status             TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    active_since       INTEGER,
    failing_since      INTEGER,
    paused_at          INTEGER,
    pause_reason       TEXT,
    dropped            INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX subscriptions_by_status ON subscriptions (status);
  CREATE INDEX subscriptions_by_address ON subscriptions (address_hash, status);

  CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    event_seq        INTEGER NOT NULL REFERENCES events(seq),
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    done_at          INTEGER,
    last_status      INTEGER,
    last_error       TEXT,
    UNIQUE (subscription_id, event_seq)
  ) STRICT;
  CREATE INDEX deliveries_pending ON deliveries (state, subscription_id, id);

  CREATE TABLE email_confirmations (
    id               INTEGER PRIMARY KEY,
    address_hash     TEXT NOT NULL,
    subscription_id  TEXT REFERENCES subscriptions(id) ON DELETE SET NULL,
    token            TEXT,
    token_hash       TEXT NOT NULL UNIQUE,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    confirmed_at     INTEGER
  ) STRICT;
  CREATE INDEX email_confirmations_by_address ON email_confirmations (address_hash, created_at);
  `,
    postgres: `
  CREATE TABLE events (
    seq            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    level          TEXT NOT NULL,
    previous_level TEXT NOT NULL,
    components     TEXT NOT NULL,
    errors         TEXT NOT NULL,
    payload        TEXT NOT NULL,
    at             BIGINT NOT NULL,
    fanned_out     INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX events_to_fan_out ON events (fanned_out, seq);

  CREATE TABLE event_levels (
    provider_slug  TEXT PRIMARY KEY REFERENCES providers(slug),
    level          TEXT NOT NULL,
    at             BIGINT NOT NULL
  );

  CREATE TABLE event_incidents (
    incident_id  BIGINT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    state        TEXT NOT NULL,
    active       INTEGER NOT NULL,
    updates      INTEGER NOT NULL
  );

  CREATE TABLE subscriptions (
    id                 TEXT PRIMARY KEY,
    channel            TEXT NOT NULL,
    target             TEXT NOT NULL,
    receiver           TEXT NOT NULL,
    address_hash       TEXT,
    secret             TEXT,
    manage_hash        TEXT NOT NULL UNIQUE,
    unsubscribe_token  TEXT NOT NULL UNIQUE,
    providers          TEXT,
    components         TEXT,
    errors             TEXT,
    min_level          TEXT,
    status             TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    active_since       BIGINT,
    failing_since      BIGINT,
    paused_at          BIGINT,
    pause_reason       TEXT,
    dropped            INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX subscriptions_by_status ON subscriptions (status);
  CREATE INDEX subscriptions_by_address ON subscriptions (address_hash, status);

  CREATE TABLE deliveries (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    event_seq        BIGINT NOT NULL REFERENCES events(seq),
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    done_at          BIGINT,
    last_status      INTEGER,
    last_error       TEXT,
    UNIQUE (subscription_id, event_seq)
  );
  CREATE INDEX deliveries_pending ON deliveries (state, subscription_id, id);

  CREATE TABLE email_confirmations (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    address_hash     TEXT NOT NULL,
    subscription_id  TEXT REFERENCES subscriptions(id) ON DELETE SET NULL,
    token            TEXT,
    token_hash       TEXT NOT NULL UNIQUE,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    sent_at          BIGINT,
    confirmed_at     BIGINT
  );
  CREATE INDEX email_confirmations_by_address ON email_confirmations (address_hash, created_at);
  `,
  },
  /* 9: the daily history: time spent in each level per UTC day (the API's and each official component's), each
     provider's latest sample of those levels, and each day's probe totals. `day` counts UTC days since 1970. */ {
    sqlite: `
  CREATE TABLE rollup_levels (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    subject        TEXT NOT NULL,
    day            INTEGER NOT NULL,
    level          TEXT NOT NULL,
    ms             INTEGER NOT NULL,
    PRIMARY KEY (provider_slug, day, subject, level)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE rollup_marks (
    provider_slug  TEXT PRIMARY KEY REFERENCES providers(slug),
    sampled_at     INTEGER NOT NULL,
    levels         TEXT NOT NULL
  ) STRICT;

  CREATE TABLE rollup_probes (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    day            INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    successes      INTEGER NOT NULL,
    median_ms      INTEGER,
    PRIMARY KEY (provider_slug, day)
  ) STRICT, WITHOUT ROWID;
  `,
    postgres: `
  CREATE TABLE rollup_levels (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    subject        TEXT NOT NULL,
    day            INTEGER NOT NULL,
    level          TEXT NOT NULL,
    ms             BIGINT NOT NULL,
    PRIMARY KEY (provider_slug, day, subject, level)
  );

  CREATE TABLE rollup_marks (
    provider_slug  TEXT PRIMARY KEY REFERENCES providers(slug),
    sampled_at     BIGINT NOT NULL,
    levels         TEXT NOT NULL
  );

  CREATE TABLE rollup_probes (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    day            INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    successes      INTEGER NOT NULL,
    median_ms      INTEGER,
    PRIMARY KEY (provider_slug, day)
  );
  `,
  },
  /* 10: a confirmation mail's tries (the mail job retries a refused one a few times, then marks it refused). */ {
    sqlite: `
  ALTER TABLE email_confirmations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE email_confirmations ADD COLUMN next_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE email_confirmations ADD COLUMN refused_at INTEGER;
  CREATE INDEX email_confirmations_to_send ON email_confirmations (sent_at, next_at);
  `,
    postgres: `
  ALTER TABLE email_confirmations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE email_confirmations ADD COLUMN next_at BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE email_confirmations ADD COLUMN refused_at BIGINT;
  CREATE INDEX email_confirmations_to_send ON email_confirmations (sent_at, next_at);
  `,
  },
  /* 11: values every node must share, such as the SECRET's check value (a node with another SECRET is refused). */ {
    sqlite: `
  CREATE TABLE node_checks (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
    postgres: `
  CREATE TABLE node_checks (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  `,
  },
  /* 12: Standard Webhooks secrets: a webhook's pre-standard secret is kept (its old signature header goes on beside
     the new ones until legacy_until); the new secret is shown once on the subscription's page. */ {
    sqlite: `
  ALTER TABLE subscriptions ADD COLUMN legacy_secret TEXT;
  ALTER TABLE subscriptions ADD COLUMN legacy_until INTEGER;
  ALTER TABLE subscriptions ADD COLUMN secret_unseen INTEGER NOT NULL DEFAULT 0;
  UPDATE subscriptions SET legacy_secret = secret WHERE channel = 'webhook' AND secret IS NOT NULL;
  `,
    postgres: `
  ALTER TABLE subscriptions ADD COLUMN legacy_secret TEXT;
  ALTER TABLE subscriptions ADD COLUMN legacy_until BIGINT;
  ALTER TABLE subscriptions ADD COLUMN secret_unseen INTEGER NOT NULL DEFAULT 0;
  UPDATE subscriptions SET legacy_secret = secret WHERE channel = 'webhook' AND secret IS NOT NULL;
  `,
  },
  /* 13: probe regions: which region each result was probed from (this node's own results were `local` until now),
     and an agent's id for each of its results, so a batch sent twice counts once. */ {
    sqlite: `
  ALTER TABLE probe_results ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
  ALTER TABLE probe_results ADD COLUMN result_id TEXT;
  CREATE UNIQUE INDEX probe_results_by_result_id ON probe_results (region, result_id);
  CREATE INDEX probe_results_by_region ON probe_results (provider_slug, region, at);
  `,
    postgres: `
  ALTER TABLE probe_results ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
  ALTER TABLE probe_results ADD COLUMN result_id TEXT;
  CREATE UNIQUE INDEX probe_results_by_result_id ON probe_results (region, result_id);
  CREATE INDEX probe_results_by_region ON probe_results (provider_slug, region, at);
  `,
  },
  /* 14: regional history: each day's probe totals per region (the totals so far were this node's, `local`). */ {
    sqlite: `
  CREATE TABLE rollup_probes_by_region (
    provider_slug  TEXT NOT NULL REFERENCES providers(slug),
    region         TEXT NOT NULL,
    day            INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    successes      INTEGER NOT NULL,
    median_ms      INTEGER,
    PRIMARY KEY (provider_slug, region, day)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO rollup_probes_by_region (provider_slug, region, day, attempts, successes, median_ms)
    SELECT provider_slug, 'local', day, attempts, successes, median_ms FROM rollup_probes;
  DROP TABLE rollup_probes;
  ALTER TABLE rollup_probes_by_region RENAME TO rollup_probes;
  `,
    postgres: `
  ALTER TABLE rollup_probes ADD COLUMN region TEXT NOT NULL DEFAULT 'local';
  ALTER TABLE rollup_probes DROP CONSTRAINT rollup_probes_pkey;
  ALTER TABLE rollup_probes ADD PRIMARY KEY (provider_slug, region, day);
  `,
  },
];

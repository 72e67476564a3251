// Forward-only schema migrations; entry N brings the database to PRAGMA user_version N+1. Never edit a shipped one.

export const MIGRATIONS: readonly string[] = [
  /* 1: the whole schema of the three signals. Times are epoch milliseconds (`…_at`). */ `
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
  /* 2: the time of the latest counted report in each bucket, so "last report" is exact, not the bucket's start. */ `
  ALTER TABLE report_buckets ADD COLUMN last_at INTEGER;
  `,
  /* 3: incidents that left the source's list of open ones without an end time; damping of the page's own level. */ `
  ALTER TABLE incidents ADD COLUMN unlisted_at INTEGER;
  ALTER TABLE page_levels ADD COLUMN pending_level TEXT;
  ALTER TABLE page_levels ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
  `,
  /* 4: whether a component's changed_at is a change we saw or only our first sighting; when a pending level was
     first seen, so a confirmed change dates from then. Rows with a change after their first sighting were seen. */ `
  ALTER TABLE components ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE components ADD COLUMN pending_since INTEGER;
  UPDATE components SET first_seen = CASE
    WHEN changed_at > (SELECT MIN(at) FROM component_changes WHERE component_id = components.id) THEN 0 ELSE 1 END;
  `,
];

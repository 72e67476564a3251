// Source checks: one row per fetch attempt of each upstream document, plus the validators for conditional requests.
import type { CheckOutcome } from '../domain.ts';
import type { Db } from './db.ts';
import type { DataVersions } from './versions.ts';

export type CheckRecord = {
  providerSlug: string;
  document: string;
  startedAt: number;
  durationMs: number;
  outcome: CheckOutcome;
  httpStatus: number | null;
  detail: string | null;
};

/** What the store knows about a document's fetch history, for freshness and "unreachable since". */
export type CheckSummary = {
  lastAttemptAt: number | null;
  lastOkAt: number | null;
  /** The most recent failed attempt after the last success, if the latest attempt failed. */
  lastFailure: { at: number; outcome: CheckOutcome; httpStatus: number | null; detail: string | null } | null;
  /** The first failure after the last success (when the latest attempt failed). */
  failingSince: number | null;
  consecutiveFailures: number;
};

const OK = "('ok', 'not_modified')";

export function createChecksStore(db: Db, versions: DataVersions) {
  const insert = db.prepare<CheckRecord>(
    `INSERT INTO source_checks (provider_slug, document, started_at, duration_ms, outcome, http_status, detail)
     VALUES (@providerSlug, @document, @startedAt, @durationMs, @outcome, @httpStatus, @detail)`,
  );
  const latest = db.prepare<
    [string, string],
    { at: number; outcome: CheckOutcome; httpStatus: number | null; detail: string | null }
  >(
    `SELECT started_at AS at, outcome, http_status AS httpStatus, detail FROM source_checks
     WHERE provider_slug = ? AND document = ? ORDER BY started_at DESC, id DESC LIMIT 1`,
  );
  const lastOk = db.prepare<[string, string], { at: number }>(
    `SELECT started_at AS at FROM source_checks WHERE provider_slug = ? AND document = ? AND outcome IN ${OK}
     ORDER BY started_at DESC, id DESC LIMIT 1`,
  );
  const failuresSince = db.prepare<[string, string, number], { first: number | null; count: number }>(
    `SELECT MIN(started_at) AS first, COUNT(*) AS count FROM source_checks
     WHERE provider_slug = ? AND document = ? AND started_at > ? AND outcome NOT IN ${OK}`,
  );
  const documents = db.prepare<[], { providerSlug: string; document: string }>(
    'SELECT DISTINCT provider_slug AS providerSlug, document FROM source_checks',
  );
  // Never older than the document's latest success: summary() needs it and the failure run after it.
  const pruneDocument = db.prepare<{ slug: string; document: string; before: number }>(
    `DELETE FROM source_checks WHERE provider_slug = @slug AND document = @document AND started_at < MIN(@before, COALESCE(
       (SELECT MAX(started_at) FROM source_checks WHERE provider_slug = @slug AND document = @document AND outcome IN ${OK}), -1))`,
  );
  const getValidators = db.prepare<[string, string], { etag: string | null; lastModified: string | null }>(
    'SELECT etag, last_modified AS lastModified FROM source_validators WHERE provider_slug = ? AND document = ?',
  );
  const setValidators = db.prepare(
    `INSERT INTO source_validators (provider_slug, document, etag, last_modified) VALUES (?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified`,
  );

  return {
    record(check: CheckRecord): void {
      insert.run(check);
      versions.bump(check.providerSlug);
    },
    summary(providerSlug: string, document: string): CheckSummary {
      const last = latest.get(providerSlug, document);
      const ok = lastOk.get(providerSlug, document);
      const failing = last !== undefined && last.outcome !== 'ok' && last.outcome !== 'not_modified';
      const since = failing ? failuresSince.get(providerSlug, document, ok?.at ?? -1) : undefined;
      return {
        lastAttemptAt: last?.at ?? null,
        lastOkAt: ok?.at ?? null,
        lastFailure: failing && last ? last : null,
        failingSince: since?.first ?? null,
        consecutiveFailures: since?.count ?? 0,
      };
    },
    /** Deletes attempts older than `beforeAt` that precede the document's latest success; returns how many. */
    prune: (beforeAt: number): number =>
      documents
        .all()
        .reduce(
          (sum, d) => sum + pruneDocument.run({ slug: d.providerSlug, document: d.document, before: beforeAt }).changes,
          0,
        ),
    validators: (providerSlug: string, document: string) =>
      getValidators.get(providerSlug, document) ?? { etag: null, lastModified: null },
    saveValidators(providerSlug: string, document: string, etag: string | null, lastModified: string | null): void {
      setValidators.run(providerSlug, document, etag, lastModified);
    },
  };
}
export type ChecksStore = ReturnType<typeof createChecksStore>;

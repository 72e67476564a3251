// Source checks: one row per fetch attempt of each upstream document, plus the validators for conditional requests.
import { sql } from './kysely.ts';
import type { CheckOutcome } from '../domain.ts';
import { changes, type Db } from './db.ts';
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

type Attempt = { at: number; outcome: CheckOutcome; httpStatus: number | null; detail: string | null };

const OK = sql`('ok', 'not_modified')`;

export function createChecksStore(db: Db, versions: DataVersions) {
  async function latest(providerSlug: string, document: string): Promise<Attempt | undefined> {
    return (
      await sql<Attempt>`SELECT started_at AS "at", outcome, http_status AS "httpStatus", detail FROM source_checks
        WHERE provider_slug = ${providerSlug} AND document = ${document}
        ORDER BY started_at DESC, id DESC LIMIT 1`.execute(db)
    ).rows[0];
  }

  return {
    async record(check: CheckRecord): Promise<void> {
      await sql`
        INSERT INTO source_checks (provider_slug, document, started_at, duration_ms, outcome, http_status, detail)
        VALUES (${check.providerSlug}, ${check.document}, ${check.startedAt}, ${check.durationMs}, ${check.outcome},
          ${check.httpStatus}, ${check.detail})`.execute(db);
      versions.bump(check.providerSlug);
    },
    async summary(providerSlug: string, document: string): Promise<CheckSummary> {
      const last = await latest(providerSlug, document);
      const ok = (
        await sql<{ at: number }>`SELECT started_at AS "at" FROM source_checks
          WHERE provider_slug = ${providerSlug} AND document = ${document} AND outcome IN ${OK}
          ORDER BY started_at DESC, id DESC LIMIT 1`.execute(db)
      ).rows[0];
      const failing = last !== undefined && last.outcome !== 'ok' && last.outcome !== 'not_modified';
      const since = failing
        ? (
            await sql<{ first: number | null; count: number }>`
              SELECT MIN(started_at) AS "first", COUNT(*) AS "count" FROM source_checks
              WHERE provider_slug = ${providerSlug} AND document = ${document} AND started_at > ${ok?.at ?? -1}
                AND outcome NOT IN ${OK}`.execute(db)
          ).rows[0]
        : undefined;
      return {
        lastAttemptAt: last?.at ?? null,
        lastOkAt: ok?.at ?? null,
        lastFailure: failing && last ? last : null,
        failingSince: since?.first ?? null,
        consecutiveFailures: since?.count ?? 0,
      };
    },
    /** The latest attempt at a document, if any. */
    latest,
    /** The latest attempt at one document of every provider that has one, by provider slug. */
    async latestOfEach(document: string): Promise<Map<string, Attempt>> {
      const { rows } = await sql<Attempt & { providerSlug: string }>`
        SELECT provider_slug AS "providerSlug", started_at AS "at", outcome, http_status AS "httpStatus", detail
        FROM source_checks WHERE document = ${document} ORDER BY started_at, id`.execute(db);
      return new Map(rows.map(({ providerSlug, ...attempt }) => [providerSlug, attempt]));
    },
    /** Deletes attempts older than `beforeAt` that precede the document's latest success; returns how many. */
    async prune(beforeAt: number): Promise<number> {
      const { rows } = await sql<{ providerSlug: string; document: string }>`
        SELECT DISTINCT provider_slug AS "providerSlug", document FROM source_checks`.execute(db);
      let removed = 0;
      for (const d of rows) {
        // Never older than the document's latest success: summary() needs it and the failure run after it.
        const result = await sql`
          DELETE FROM source_checks WHERE provider_slug = ${d.providerSlug} AND document = ${d.document}
            AND started_at < ${beforeAt}
            AND started_at < COALESCE((SELECT MAX(started_at) FROM source_checks
              WHERE provider_slug = ${d.providerSlug} AND document = ${d.document} AND outcome IN ${OK}), -1)`.execute(
          db,
        );
        removed += changes(result);
      }
      return removed;
    },
    async validators(providerSlug: string, document: string) {
      const { rows } = await sql<{ etag: string | null; lastModified: string | null }>`
        SELECT etag, last_modified AS "lastModified" FROM source_validators
        WHERE provider_slug = ${providerSlug} AND document = ${document}`.execute(db);
      return rows[0] ?? { etag: null, lastModified: null };
    },
    async saveValidators(
      providerSlug: string,
      document: string,
      etag: string | null,
      lastModified: string | null,
    ): Promise<void> {
      await sql`
        INSERT INTO source_validators (provider_slug, document, etag, last_modified)
        VALUES (${providerSlug}, ${document}, ${etag}, ${lastModified})
        ON CONFLICT (provider_slug, document) DO UPDATE SET etag = excluded.etag,
          last_modified = excluded.last_modified`.execute(db);
    },
  };
}
export type ChecksStore = ReturnType<typeof createChecksStore>;

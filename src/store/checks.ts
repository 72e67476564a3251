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

const OK_OUTCOMES: CheckOutcome[] = ['ok', 'not_modified'];
const OK = sql`('ok', 'not_modified')`;
const ATTEMPT = ['started_at as at', 'outcome', 'http_status as httpStatus', 'detail'] as const;

export function createChecksStore(db: Db, versions: DataVersions) {
  const ofDocument = (providerSlug: string, document: string) =>
    db.selectFrom('source_checks').where('provider_slug', '=', providerSlug).where('document', '=', document);
  async function latest(providerSlug: string, document: string): Promise<Attempt | undefined> {
    return ofDocument(providerSlug, document)
      .select(ATTEMPT)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  return {
    async record(check: CheckRecord): Promise<void> {
      await db
        .insertInto('source_checks')
        .values({
          provider_slug: check.providerSlug,
          document: check.document,
          started_at: check.startedAt,
          duration_ms: check.durationMs,
          outcome: check.outcome,
          http_status: check.httpStatus,
          detail: check.detail,
        })
        .execute();
      versions.bump(check.providerSlug);
    },
    async summary(providerSlug: string, document: string): Promise<CheckSummary> {
      const last = await latest(providerSlug, document);
      const ok = await ofDocument(providerSlug, document)
        .select('started_at as at')
        .where('outcome', 'in', OK_OUTCOMES)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const failing = last !== undefined && last.outcome !== 'ok' && last.outcome !== 'not_modified';
      const since = failing
        ? await ofDocument(providerSlug, document)
            .select((eb) => [eb.fn.min('started_at').as('first'), eb.fn.countAll<number>().as('count')])
            .where('started_at', '>', ok?.at ?? -1)
            .where('outcome', 'not in', OK_OUTCOMES)
            .executeTakeFirst()
        : undefined;
      return {
        lastAttemptAt: last?.at ?? null,
        lastOkAt: ok?.at ?? null,
        lastFailure: failing && last ? last : null,
        failingSince: since?.first ?? null,
        consecutiveFailures: Number(since?.count ?? 0),
      };
    },
    /** The latest attempt at a document, if any. */
    latest,
    /** The latest attempt at one document of every provider that has one, by provider slug. */
    async latestOfEach(document: string): Promise<Map<string, Attempt>> {
      const rows = await db
        .selectFrom('source_checks')
        .select(['provider_slug as providerSlug', ...ATTEMPT])
        .where('document', '=', document)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      return new Map(rows.map(({ providerSlug, ...attempt }) => [providerSlug, attempt]));
    },
    /** Deletes attempts older than `beforeAt` that precede the document's latest success; returns how many. */
    async prune(beforeAt: number): Promise<number> {
      const rows = await db
        .selectFrom('source_checks')
        .select(['provider_slug as providerSlug', 'document'])
        .distinct()
        .execute();
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
      const found = await db
        .selectFrom('source_validators')
        .select(['etag', 'last_modified as lastModified'])
        .where('provider_slug', '=', providerSlug)
        .where('document', '=', document)
        .executeTakeFirst();
      return found ?? { etag: null, lastModified: null };
    },
    async saveValidators(
      providerSlug: string,
      document: string,
      etag: string | null,
      lastModified: string | null,
    ): Promise<void> {
      await db
        .insertInto('source_validators')
        .values({ provider_slug: providerSlug, document, etag, last_modified: lastModified })
        .onConflict((oc) =>
          oc
            .columns(['provider_slug', 'document'])
            .doUpdateSet((eb) => ({ etag: eb.ref('excluded.etag'), last_modified: eb.ref('excluded.last_modified') })),
        )
        .execute();
    },
  };
}
export type ChecksStore = ReturnType<typeof createChecksStore>;

// Community reports: raw rows (pruned later) and per-bucket counts of counted reports (COMMUNITY_BUCKET_MS), kept
// for baselines.
import {
  bucketOf,
  type ReportCategory,
  type ReportRegion,
  type ReporterAllocation,
  type ReportSdk,
} from '../domain.ts';
import { sql } from './kysely.ts';
import { DAY_MS } from '../time.ts';
import { atomically, changes, prunePerProvider, type Db, type Engine } from './db.ts';
import type { DataVersions } from './versions.ts';

/** Why a report was stored but not counted. */
export const IGNORED_REASONS = ['duplicate', 'honeypot', 'too_fast'] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];

export type ReportDetails = {
  httpStatus: number | null;
  model: string | null;
  sdk: ReportSdk | null;
  region: ReportRegion | null;
};

export type NewReport = ReportDetails & {
  providerSlug: string;
  category: ReportCategory;
  /** Salted hash of the client's network; never the address itself. */
  clientHash: string;
  /** Salted hash of the client's wider allocation (IPv6 /48); absent: counted as its own allocation. */
  allocationHash?: string | null;
  counted: boolean;
  ignoredReason: IgnoredReason | null;
  at: number;
};

/**
 * A report as received: counted unless `ignoredReason` is set or the client already has a counted one in the window.
 */
export type Submission = ReportDetails & {
  providerSlug: string;
  category: ReportCategory;
  /** The client's hash under the current salt, then under the previous one, so a salt rotation opens no gap. */
  clientHashes: readonly [string, ...string[]];
  /** The client's allocation hash under the current salt. */
  allocationHash: string;
  ignoredReason: Exclude<IgnoredReason, 'duplicate'> | null;
  at: number;
  dedupeMs: number;
};

/**
 * Counted reports of one category in one bucket; `lastAt` is the latest one's time (null before migration 2).
 */
export type BucketCount = { bucketAt: number; category: ReportCategory; count: number; lastAt: number | null };

/**
 * Claims the client's counted report for a provider and category: succeeds (returns a row) unless the client, under
 * its current or previous hash, has one within the window. One upsert, so concurrent submissions on any node agree.
 */
const claim = (s: Submission) => {
  const [current, previous = current] = s.clientHashes;
  return sql`
    INSERT INTO report_claims (client_hash, provider_slug, category, counted_at)
    SELECT ${current}, ${s.providerSlug}, ${s.category}, CAST(${s.at} AS BIGINT)
    WHERE NOT EXISTS (SELECT 1 FROM report_claims WHERE client_hash = ${previous} AND provider_slug = ${s.providerSlug}
                        AND category = ${s.category} AND counted_at > ${s.at - s.dedupeMs})
    ON CONFLICT (client_hash, provider_slug, category) DO UPDATE SET counted_at = excluded.counted_at
    WHERE report_claims.counted_at <= ${s.at - s.dedupeMs}
    RETURNING 1 AS claimed`;
};

/** Most submissions committed together: a surge's backlog goes in several commits, each acknowledging its own. */
const MAX_GROUP = 256;

const BUCKET_CONFLICT = sql`ON CONFLICT (provider_slug, bucket_at, category) DO UPDATE
  SET count = report_buckets.count + 1,
    last_at = CASE WHEN report_buckets.last_at IS NULL OR report_buckets.last_at < excluded.last_at
                   THEN excluded.last_at ELSE report_buckets.last_at END`;

export function createReportsStore(db: Db, versions: DataVersions, engine: Engine) {
  const bucketsOf = (providerSlug: string) =>
    db
      .selectFrom('report_buckets')
      .select(['bucket_at as bucketAt', 'category', 'count', 'last_at as lastAt'])
      .where('provider_slug', '=', providerSlug);
  async function write(x: Db, report: NewReport, claimed: boolean): Promise<void> {
    await x
      .insertInto('reports')
      .values({
        provider_slug: report.providerSlug,
        category: report.category,
        http_status: report.httpStatus,
        model: report.model,
        sdk: report.sdk,
        region: report.region,
        client_hash: report.clientHash,
        allocation_hash: report.allocationHash ?? null,
        counted: report.counted ? 1 : 0,
        ignored_reason: report.ignoredReason,
        at: report.at,
      })
      .execute();
    if (!report.counted) return;
    await sql`
      INSERT INTO report_buckets (provider_slug, category, bucket_at, count, last_at)
      VALUES (${report.providerSlug}, ${report.category}, ${bucketOf(report.at)}, 1, ${report.at})
      ${BUCKET_CONFLICT}`.execute(x);
    if (claimed) return;
    await sql`
      INSERT INTO report_claims (client_hash, provider_slug, category, counted_at)
      VALUES (${report.clientHash}, ${report.providerSlug}, ${report.category}, ${report.at})
      ON CONFLICT (client_hash, provider_slug, category) DO UPDATE SET counted_at = excluded.counted_at
      WHERE report_claims.counted_at < excluded.counted_at`.execute(x);
  }

  const reportOf = (s: Submission, ignoredReason: IgnoredReason | null): NewReport => ({
    providerSlug: s.providerSlug,
    category: s.category,
    httpStatus: s.httpStatus,
    model: s.model,
    sdk: s.sdk,
    region: s.region,
    clientHash: s.clientHashes[0],
    allocationHash: s.allocationHash,
    counted: ignoredReason === null,
    ignoredReason,
    at: s.at,
  });

  /** The claim and the writes, inside the caller's transaction. */
  const submitWithin = async (trx: Db, s: Submission): Promise<boolean> => {
    const claimed = s.ignoredReason === null && (await claim(s).execute(trx)).rows.length > 0;
    const ignoredReason = s.ignoredReason ?? (claimed ? null : 'duplicate');
    await write(trx, reportOf(s, ignoredReason), true);
    return claimed;
  };

  /** SQLite: the claim and the writes in one local transaction. */
  const submitLocally = (s: Submission): Promise<boolean> => atomically(db, (trx) => submitWithin(trx, s));

  /**
   * SQLite under a surge: the submissions received in one turn of the event loop share one transaction (a group
   * commit), in the order they came, so each claim sees the ones before it. A commit writes every page it changed to
   * the write-ahead log, and a report changes about six: one commit for many reports writes the shared pages once.
   * Each is acknowledged only once its transaction committed; when the database refuses one of them, each is tried
   * again alone, so one bad submission fails only itself.
   */
  const waiting: { submission: Submission; done: (claimed: boolean) => void; fail: (error: unknown) => void }[] = [];
  async function commitWaiting(): Promise<void> {
    const group = waiting.splice(0, MAX_GROUP);
    if (waiting.length > 0) setImmediate(() => void commitWaiting());
    try {
      const claimed = await atomically(db, async (trx) => {
        const results: boolean[] = [];
        for (const { submission } of group) results.push(await submitWithin(trx, submission));
        return results;
      });
      group.forEach(({ done }, i) => done(claimed[i]!));
    } catch (error) {
      // A row the database refused is one submission's fault: the others go again alone. A busy or failing database
      // is everyone's: each gets the error at once, not one busy wait after another.
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT'))
        for (const { fail } of group) fail(error);
      else for (const { submission, done, fail } of group) submitLocally(submission).then(done, fail);
    }
  }
  const submitGrouped = (submission: Submission): Promise<boolean> =>
    new Promise((done, fail) => {
      waiting.push({ submission, done, fail });
      if (waiting.length === 1) setImmediate(() => void commitWaiting());
    });

  /** PostgreSQL: the claim, the report and its bucket in one statement, so one round trip (the hot path of a surge). */
  const submitInOneStatement = async (s: Submission): Promise<boolean> => {
    const r = reportOf(s, s.ignoredReason);
    const claimed =
      s.ignoredReason === null ? sql`claim AS (${claim(s)})` : sql`claim AS (SELECT 1 AS claimed WHERE false)`;
    const { rows } = await sql<{ counted: number }>`
      WITH ${claimed},
      stored AS (
        INSERT INTO reports (provider_slug, category, http_status, model, sdk, region, client_hash, allocation_hash,
          counted, ignored_reason, at)
        SELECT ${r.providerSlug}, ${r.category}, CAST(${r.httpStatus} AS INTEGER), ${r.model}, ${r.sdk}, ${r.region},
          ${r.clientHash}, CAST(${r.allocationHash ?? null} AS TEXT),
          CASE WHEN EXISTS (SELECT 1 FROM claim) THEN 1 ELSE 0 END,
          CASE WHEN EXISTS (SELECT 1 FROM claim) THEN NULL
               ELSE COALESCE(CAST(${r.ignoredReason} AS TEXT), 'duplicate') END,
          CAST(${r.at} AS BIGINT)
        RETURNING counted
      ),
      bucket AS (
        INSERT INTO report_buckets (provider_slug, category, bucket_at, count, last_at)
        SELECT ${r.providerSlug}, ${r.category}, CAST(${bucketOf(r.at)} AS BIGINT), 1, CAST(${r.at} AS BIGINT)
        FROM stored WHERE counted = 1
        ${BUCKET_CONFLICT}
      )
      SELECT counted FROM stored`.execute(db);
    return rows[0]?.counted === 1;
  };

  const submit = (s: Submission) =>
    db.isTransaction ? submitLocally(s) : engine === 'postgres' ? submitInOneStatement(s) : submitGrouped(s);

  return {
    /** Stores a report exactly as given (seeding history, imports). */
    async add(report: NewReport): Promise<void> {
      await atomically(db, (trx) => write(trx, report, false));
      if (report.counted) versions.bump(report.providerSlug);
    },
    /** Stores a received report, counting it unless ignored or a duplicate; returns whether it was counted. */
    async submit(submission: Submission): Promise<boolean> {
      const counted = await submit(submission);
      if (counted) versions.bump(submission.providerSlug);
      return counted;
    },
    /**
     * The buckets that start at `starts` (every category), plus the bucket holding the latest counted report between
     * `sinceAt` and `untilAt`: what a community summary reads, without the days of buckets behind a chart.
     */
    async bucketsAtAndLatest(
      providerSlug: string,
      starts: readonly number[],
      sinceAt: number,
      untilAt: number,
    ): Promise<BucketCount[]> {
      const found =
        starts.length === 0
          ? []
          : await bucketsOf(providerSlug).where('bucket_at', 'in', starts).orderBy('bucket_at').execute();
      // A bucket's latest report falls inside the bucket, so the latest report is in the newest bucket that has one:
      // walking the key from the newest bucket finds it at once, where ordering by the report's time alone would
      // sort every bucket since `sinceAt` (a week of them, for each provider of a list).
      const reportedAt = sql<number>`COALESCE(last_at, bucket_at)`;
      const latest = await bucketsOf(providerSlug)
        .where('bucket_at', '>=', bucketOf(sinceAt))
        .where('bucket_at', '<=', untilAt)
        .where('count', '>', 0)
        .where(reportedAt, '<=', untilAt)
        .orderBy('bucket_at', 'desc')
        .orderBy(reportedAt, 'desc')
        .limit(1)
        .executeTakeFirst();
      const known = latest && found.some((b) => b.bucketAt === latest.bucketAt && b.category === latest.category);
      return latest && !known ? [...found, latest] : found;
    },
    /** The distinct allocations (with category) that sent counted reports from `sinceAt`. */
    allocations: async (providerSlug: string, sinceAt: number): Promise<ReporterAllocation[]> =>
      // Rows without an allocation hash (stored before it existed) count as allocations of their own.
      db
        .selectFrom('reports')
        .select((eb) => ['category', eb.fn.coalesce('allocation_hash', 'client_hash').as('allocation')])
        .distinct()
        .where('provider_slug', '=', providerSlug)
        .where('at', '>=', sinceAt)
        .where('counted', '=', 1)
        .execute(),
    /**
     * Distinct allocations naming each model in counted reports, per day back from `untilAt` (day 0: the last 24
     * hours) and in the last `recentMs` of each day, for the `top` models named from at least `minAllocations`
     * allocations on day 0. Models are grouped lower-cased; reads `days` days of the provider's raw reports.
     */
    async modelCounts(
      providerSlug: string,
      untilAt: number,
      options: { days: number; recentMs: number; top: number; minAllocations: number },
    ): Promise<{ model: string; day: number; allocations: number; recentAllocations: number }[]> {
      const { rows } = await sql<{ model: string; day: number; allocations: number; recentAllocations: number }>`
        WITH named AS (
          SELECT LOWER(model) AS model, COALESCE(allocation_hash, client_hash) AS allocation,
            CAST((${untilAt} - at) / ${DAY_MS} AS INTEGER) AS day,
            CASE WHEN (${untilAt} - at) % ${DAY_MS} < ${options.recentMs} THEN 1 ELSE 0 END AS recent
          FROM reports
          WHERE provider_slug = ${providerSlug} AND counted = 1 AND model IS NOT NULL
            AND at > ${untilAt - options.days * DAY_MS} AND at <= ${untilAt}
        ),
        top AS (
          SELECT model FROM named WHERE day = 0 GROUP BY model
          HAVING COUNT(DISTINCT allocation) >= ${options.minAllocations}
          ORDER BY COUNT(DISTINCT allocation) DESC, model LIMIT ${options.top}
        )
        SELECT named.model, named.day, COUNT(DISTINCT allocation) AS allocations,
          COUNT(DISTINCT CASE WHEN recent = 1 THEN allocation END) AS "recentAllocations"
        FROM named JOIN top ON top.model = named.model
        GROUP BY named.model, named.day`.execute(db);
      return rows;
    },
    /** Forgets clients' counted reports older than `beforeAt` for deduplication (keep at least the window). */
    pruneClaims: async (beforeAt: number): Promise<number> =>
      changes(await db.deleteFrom('report_claims').where('counted_at', '<', beforeAt).executeTakeFirst()),
    /** Counted reports per bucket and category from `sinceAt` (rounded down to a bucket). */
    buckets: (providerSlug: string, sinceAt: number): Promise<BucketCount[]> =>
      bucketsOf(providerSlug).where('bucket_at', '>=', bucketOf(sinceAt)).orderBy('bucket_at').execute(),
    /** Deletes raw reports older than `beforeAt` (bucket counts stay), one provider per statement; returns how many. */
    async prune(beforeAt: number): Promise<number> {
      return prunePerProvider(db, 'reports', 'at', beforeAt);
    },
    /** Deletes bucket counts older than `beforeAt`, one provider per statement; returns how many. */
    async pruneBuckets(beforeAt: number): Promise<number> {
      return prunePerProvider(db, 'report_buckets', 'bucket_at', beforeAt);
    },
  };
}
export type ReportsStore = ReturnType<typeof createReportsStore>;

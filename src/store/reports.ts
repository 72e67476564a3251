// Community reports: raw rows (pruned later) and 15-minute bucket counts of counted reports, kept for baselines.
import type { ReportCategory, ReportRegion, ReportSdk } from '../domain.ts';
import { sql } from 'kysely';
import { atomically, changes, type Db, type Engine } from './db.ts';
import type { DataVersions } from './versions.ts';

export const REPORT_BUCKET_MS = 15 * 60 * 1000;

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
  counted: boolean;
  ignoredReason: IgnoredReason | null;
  at: number;
};

/** A report as received: counted unless `ignoredReason` is set or the client already has a counted one in the window. */
export type Submission = ReportDetails & {
  providerSlug: string;
  category: ReportCategory;
  /** The client's hash under the current salt, then under the previous one, so a salt rotation opens no gap. */
  clientHashes: readonly [string, ...string[]];
  ignoredReason: Exclude<IgnoredReason, 'duplicate'> | null;
  at: number;
  dedupeMs: number;
};

/** Counted reports of one category in one 15-minute bucket; `lastAt` is the latest one's time (null before migration 2). */
export type BucketCount = { bucketAt: number; category: ReportCategory; count: number; lastAt: number | null };

type Row = NewReport;

export function createReportsStore(db: Db, versions: DataVersions, engine: Engine) {
  async function write(x: Db, report: Row): Promise<void> {
    await sql`
      INSERT INTO reports (provider_slug, category, http_status, model, sdk, region, client_hash, counted,
        ignored_reason, at)
      VALUES (${report.providerSlug}, ${report.category}, ${report.httpStatus}, ${report.model}, ${report.sdk},
        ${report.region}, ${report.clientHash}, ${report.counted ? 1 : 0}, ${report.ignoredReason}, ${report.at})`.execute(
      x,
    );
    if (!report.counted) return;
    const bucketAt = Math.floor(report.at / REPORT_BUCKET_MS) * REPORT_BUCKET_MS;
    await sql`
      INSERT INTO report_buckets (provider_slug, category, bucket_at, count, last_at)
      VALUES (${report.providerSlug}, ${report.category}, ${bucketAt}, 1, ${report.at})
      ON CONFLICT (provider_slug, bucket_at, category) DO UPDATE SET count = report_buckets.count + 1,
        last_at = CASE WHEN report_buckets.last_at IS NULL OR report_buckets.last_at < excluded.last_at
                       THEN excluded.last_at ELSE report_buckets.last_at END`.execute(x);
  }

  /** Stores a submission; on PostgreSQL, one client's submissions queue behind each other so nodes agree on duplicates. */
  const submit = (s: Submission): Promise<boolean> =>
    atomically(db, async (trx) => {
      const [current, previous = current] = s.clientHashes;
      if (engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${current}))`.execute(trx);
      const duplicate =
        s.ignoredReason === null &&
        (
          await sql`SELECT 1 AS hit FROM reports WHERE client_hash IN (${current}, ${previous})
            AND provider_slug = ${s.providerSlug} AND category = ${s.category} AND at > ${s.at - s.dedupeMs}
            AND counted = 1 LIMIT 1`.execute(trx)
        ).rows.length > 0;
      const ignoredReason = s.ignoredReason ?? (duplicate ? 'duplicate' : null);
      await write(trx, {
        providerSlug: s.providerSlug,
        category: s.category,
        httpStatus: s.httpStatus,
        model: s.model,
        sdk: s.sdk,
        region: s.region,
        clientHash: current,
        counted: ignoredReason === null,
        ignoredReason,
        at: s.at,
      });
      return ignoredReason === null;
    });

  return {
    /** Stores a report exactly as given (seeding history, imports). */
    async add(report: NewReport): Promise<void> {
      await atomically(db, (trx) => write(trx, report));
      if (report.counted) versions.bump(report.providerSlug);
    },
    /** Stores a received report, counting it unless ignored or a duplicate; returns whether it was counted. */
    async submit(submission: Submission): Promise<boolean> {
      const counted = await submit(submission);
      if (counted) versions.bump(submission.providerSlug);
      return counted;
    },
    /** Counted reports per 15-minute bucket and category from `sinceAt` (rounded down to a bucket). */
    buckets: async (providerSlug: string, sinceAt: number): Promise<BucketCount[]> =>
      (
        await sql<BucketCount>`SELECT bucket_at AS "bucketAt", category, count, last_at AS "lastAt" FROM report_buckets
          WHERE provider_slug = ${providerSlug} AND bucket_at >= ${Math.floor(sinceAt / REPORT_BUCKET_MS) * REPORT_BUCKET_MS}
          ORDER BY bucket_at`.execute(db)
      ).rows,
    /** Deletes raw reports older than `beforeAt` (bucket counts stay), one provider per statement; returns how many. */
    async prune(beforeAt: number): Promise<number> {
      const { rows } = await sql<{ slug: string }>`SELECT slug FROM providers`.execute(db);
      let removed = 0;
      for (const p of rows) {
        removed += changes(
          await sql`DELETE FROM reports WHERE provider_slug = ${p.slug} AND at < ${beforeAt}`.execute(db),
        );
      }
      return removed;
    },
  };
}
export type ReportsStore = ReturnType<typeof createReportsStore>;

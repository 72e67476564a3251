// Community reports: raw rows (pruned later) and 15-minute bucket counts of counted reports, kept for baselines.
import type { ReportCategory, ReportRegion, ReporterAllocation, ReportSdk } from '../domain.ts';
import type { Db } from './db.ts';
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
  /** Salted hash of the client's wider allocation (IPv6 /48); absent: counted as its own allocation. */
  allocationHash?: string | null;
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
  /** The client's allocation hash under the current salt. */
  allocationHash: string;
  ignoredReason: Exclude<IgnoredReason, 'duplicate'> | null;
  at: number;
  dedupeMs: number;
};

/** Counted reports of one category in one 15-minute bucket; `lastAt` is the latest one's time (null before migration 2). */
export type BucketCount = { bucketAt: number; category: ReportCategory; count: number; lastAt: number | null };

export function createReportsStore(db: Db, versions: DataVersions) {
  const insert = db.prepare(
    `INSERT INTO reports (provider_slug, category, http_status, model, sdk, region, client_hash, allocation_hash,
       counted, ignored_reason, at)
     VALUES (@providerSlug, @category, @httpStatus, @model, @sdk, @region, @clientHash, @allocationHash,
       @counted, @ignoredReason, @at)`,
  );
  const bump = db.prepare<[string, string, number, number]>(
    `INSERT INTO report_buckets (provider_slug, category, bucket_at, count, last_at) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT DO UPDATE SET count = count + 1, last_at = MAX(COALESCE(last_at, 0), excluded.last_at)`,
  );
  const buckets = db.prepare<[string, number], BucketCount>(
    `SELECT bucket_at AS bucketAt, category, count, last_at AS lastAt FROM report_buckets
     WHERE provider_slug = ? AND bucket_at >= ? ORDER BY bucket_at`,
  );
  const bucketsAt = db.prepare<[string, string], BucketCount>(
    `SELECT bucket_at AS bucketAt, category, count, last_at AS lastAt FROM report_buckets
     WHERE provider_slug = ? AND bucket_at IN (SELECT value FROM json_each(?)) ORDER BY bucket_at`,
  );
  const latestCounted = db.prepare<[string, number, number], BucketCount>(
    `SELECT bucket_at AS bucketAt, category, count, last_at AS lastAt FROM report_buckets
     WHERE provider_slug = ? AND bucket_at >= ? AND count > 0 AND COALESCE(last_at, bucket_at) <= ?
     ORDER BY COALESCE(last_at, bucket_at) DESC LIMIT 1`,
  );
  const countedSince = db.prepare<{ current: string; previous: string; slug: string; category: string; since: number }>(
    `SELECT 1 FROM reports WHERE client_hash IN (@current, @previous) AND provider_slug = @slug AND category = @category
       AND at > @since AND counted = 1 LIMIT 1`,
  );
  // Rows without an allocation hash (stored before it existed) count as allocations of their own.
  const allocations = db.prepare<[string, number], ReporterAllocation>(
    `SELECT DISTINCT category, COALESCE(allocation_hash, client_hash) AS allocation FROM reports
     WHERE provider_slug = ? AND at >= ? AND counted = 1`,
  );
  const providerSlugs = db.prepare<[], { slug: string }>('SELECT slug FROM providers');
  const pruneProvider = db.prepare<[string, number]>('DELETE FROM reports WHERE provider_slug = ? AND at < ?');

  const write = (report: NewReport) => {
    insert.run({ ...report, allocationHash: report.allocationHash ?? null, counted: report.counted ? 1 : 0 });
    if (report.counted) {
      bump.run(
        report.providerSlug,
        report.category,
        Math.floor(report.at / REPORT_BUCKET_MS) * REPORT_BUCKET_MS,
        report.at,
      );
    }
  };
  const add = db.transaction(write);

  const submit = db.transaction((s: Submission): boolean => {
    const [current, previous = current] = s.clientHashes;
    const duplicate =
      s.ignoredReason === null &&
      countedSince.get({ current, previous, slug: s.providerSlug, category: s.category, since: s.at - s.dedupeMs }) !==
        undefined;
    const ignoredReason = s.ignoredReason ?? (duplicate ? 'duplicate' : null);
    write({
      providerSlug: s.providerSlug,
      category: s.category,
      httpStatus: s.httpStatus,
      model: s.model,
      sdk: s.sdk,
      region: s.region,
      clientHash: current,
      allocationHash: s.allocationHash,
      counted: ignoredReason === null,
      ignoredReason,
      at: s.at,
    });
    return ignoredReason === null;
  });

  return {
    /** Stores a report exactly as given (seeding history, imports). */
    add(report: NewReport): void {
      add(report);
      if (report.counted) versions.bump(report.providerSlug);
    },
    /** Stores a received report, counting it unless ignored or a duplicate; returns whether it was counted. */
    submit(submission: Submission): boolean {
      const counted = submit(submission);
      if (counted) versions.bump(submission.providerSlug);
      return counted;
    },
    /** Counted reports per 15-minute bucket and category from `sinceAt` (rounded down to a bucket). */
    buckets: (providerSlug: string, sinceAt: number): BucketCount[] =>
      buckets.all(providerSlug, Math.floor(sinceAt / REPORT_BUCKET_MS) * REPORT_BUCKET_MS),
    /**
     * The buckets that start at `starts` (every category), plus the bucket holding the latest counted report between
     * `sinceAt` and `untilAt`: what a community summary reads, without the days of buckets behind a chart.
     */
    bucketsAtAndLatest(
      providerSlug: string,
      starts: readonly number[],
      sinceAt: number,
      untilAt: number,
    ): BucketCount[] {
      const found = bucketsAt.all(providerSlug, JSON.stringify(starts));
      const latest = latestCounted.get(
        providerSlug,
        Math.floor(sinceAt / REPORT_BUCKET_MS) * REPORT_BUCKET_MS,
        untilAt,
      );
      const known = latest && found.some((b) => b.bucketAt === latest.bucketAt && b.category === latest.category);
      return latest && !known ? [...found, latest] : found;
    },
    /** The distinct allocations (with category) that sent counted reports from `sinceAt`. */
    allocations: (providerSlug: string, sinceAt: number): ReporterAllocation[] =>
      allocations.all(providerSlug, sinceAt),
    /** Deletes raw reports older than `beforeAt` (bucket counts stay); returns how many. */
    prune(beforeAt: number): number {
      return db.transaction(() =>
        providerSlugs.all().reduce((sum, p) => sum + pruneProvider.run(p.slug, beforeAt).changes, 0),
      )();
    },
  };
}
export type ReportsStore = ReturnType<typeof createReportsStore>;

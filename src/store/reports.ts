// Community reports: raw rows (pruned later) and 15-minute bucket counts of counted reports, kept for baselines.
import type { ReportCategory } from '../domain.ts';
import type { Db } from './db.ts';
import type { DataVersions } from './versions.ts';

export const REPORT_BUCKET_MS = 15 * 60 * 1000;

export type NewReport = {
  providerSlug: string;
  category: ReportCategory;
  httpStatus: number | null;
  model: string | null;
  sdk: string | null;
  region: string | null;
  /** Salted hash of the client's network; never the address itself. */
  clientHash: string;
  counted: boolean;
  ignoredReason: string | null;
  at: number;
};

export type BucketCount = { bucketAt: number; category: ReportCategory; count: number };

export function createReportsStore(db: Db, versions: DataVersions) {
  const insert = db.prepare(
    `INSERT INTO reports (provider_slug, category, http_status, model, sdk, region, client_hash, counted, ignored_reason, at)
     VALUES (@providerSlug, @category, @httpStatus, @model, @sdk, @region, @clientHash, @counted, @ignoredReason, @at)`,
  );
  const bump = db.prepare(
    `INSERT INTO report_buckets (provider_slug, category, bucket_at, count) VALUES (?, ?, ?, 1)
     ON CONFLICT DO UPDATE SET count = count + 1`,
  );
  const buckets = db.prepare<[string, number], BucketCount>(
    `SELECT bucket_at AS bucketAt, category, count FROM report_buckets
     WHERE provider_slug = ? AND bucket_at >= ? ORDER BY bucket_at`,
  );

  const add = db.transaction((report: NewReport) => {
    insert.run({ ...report, counted: report.counted ? 1 : 0 });
    if (report.counted) {
      bump.run(report.providerSlug, report.category, Math.floor(report.at / REPORT_BUCKET_MS) * REPORT_BUCKET_MS);
    }
  });

  return {
    add(report: NewReport): void {
      add(report);
      if (report.counted) versions.bump(report.providerSlug);
    },
    /** Counted reports per 15-minute bucket and category from `sinceAt` (rounded down to a bucket). */
    buckets: (providerSlug: string, sinceAt: number): BucketCount[] =>
      buckets.all(providerSlug, Math.floor(sinceAt / REPORT_BUCKET_MS) * REPORT_BUCKET_MS),
  };
}
export type ReportsStore = ReturnType<typeof createReportsStore>;

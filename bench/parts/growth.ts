// Growth benchmark: bytes per raw report row and per 15-minute bucket row on a sample, extrapolated to 90 days at
// 10 reports a second; and a provider page render timed with 1 million raw report rows, then with none (same buckets).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildApp } from '../../src/app.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import { REPORT_CATEGORIES } from '../../src/domain.ts';
import { REPORT_RETENTION_MS } from '../../src/jobs/prune-reports.ts';
import { openStore } from '../../src/store/index.ts';
import { createRenderCache } from '../../src/web/render-cache.ts';
import { REPORT_BUCKET_MS } from '../../src/store/reports.ts';
import { DAY_MS } from '../../src/time.ts';
import { seedDatabase } from '../seed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE_ROWS = 200_000;
const PAGE_ROWS = 1_000_000;
const REPORTS_PER_SECOND = 10;
const RENDERS = 200;
const MB = 1024 * 1024;

/** Bytes of each table and index, from SQLite's dbstat. */
function bytesByObject(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as {
    name: string;
    bytes: number;
  }[];
  const counts = db
    .prepare('SELECT (SELECT COUNT(*) FROM reports) AS reports, (SELECT COUNT(*) FROM report_buckets) AS buckets')
    .get() as { reports: number; buckets: number };
  db.close();
  return {
    ...Object.fromEntries(rows.map((row) => [row.name, row.bytes])),
    reportRows: counts.reports,
    bucketRows: counts.buckets,
  };
}

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
  const now = Date.now();
  const files = { providersFile: join(ROOT, 'data/providers.json'), errorsFile: join(ROOT, 'data/errors.json') };
  const catalog = loadCatalog(files);
  try {
    // Bytes per row, on a sample spread over 90 days.
    const samplePath = join(dir, 'sample.db');
    await seedDatabase(samplePath, catalog, { now, days: 90, reports: SAMPLE_ROWS, history: false });
    const sizes = bytesByObject(samplePath);
    const rawBytes = (sizes.reports ?? 0) + (sizes.reports_by_provider ?? 0) + (sizes.reports_by_client ?? 0);
    const perRawRow = rawBytes / sizes.reportRows!;
    const perBucketRow = (sizes.report_buckets ?? 0) / sizes.bucketRows!;
    const rows90 = REPORTS_PER_SECOND * (REPORT_RETENTION_MS / 1000);
    const buckets90 = catalog.providers.length * REPORT_CATEGORIES.length * ((90 * DAY_MS) / REPORT_BUCKET_MS);

    // Page reads with 1M raw rows, then with the raw rows pruned and the same buckets.
    const pagePath = join(dir, 'pages.db');
    await seedDatabase(pagePath, catalog, { now, days: 30, reports: PAGE_ROWS });
    const store = await openStore(pagePath);
    // A cache that never reuses a page, so every request renders from the store.
    const cache = createRenderCache({ refreshMs: 0, minAgeMs: 0 });
    const app = await buildApp({
      config: parseConfig({ DATABASE_PATH: pagePath, JOBS: 'false' }),
      catalog,
      store,
      now: () => now,
      cache,
    });
    await app.ready();
    const renderMs = async (): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < RENDERS; i += 1) {
        const response = await app.inject({ url: '/anthropic' });
        if (response.statusCode !== 200) throw new Error(`/anthropic answered ${response.statusCode}`);
      }
      return (performance.now() - started) / RENDERS;
    };
    const rendersBefore = cache.renders;
    await renderMs();
    const withRows = await renderMs();
    const pruned = await store.reports.prune(now + 1);
    await renderMs();
    const withoutRows = await renderMs();
    if (cache.renders - rendersBefore !== 4 * RENDERS)
      throw new Error('the render cache answered instead of rendering');
    await app.close();
    await store.close();

    const figures = {
      sample: { reportRows: sizes.reportRows, bucketRows: sizes.bucketRows },
      bytesPerRawReportRow: Math.round(perRawRow),
      bytesPerBucketRow: Math.round(perBucketRow),
      at10PerSecondFor90Days: {
        rawRows: rows90,
        rawMb: Math.round((rows90 * perRawRow) / MB),
        bucketRowsAtMost: buckets90,
        bucketMb: Math.round((buckets90 * perBucketRow) / MB),
      },
      providerPageRenderMs: {
        with1MRawRows: Number(withRows.toFixed(2)),
        withNoRawRows: Number(withoutRows.toFixed(2)),
        prunedRows: pruned,
      },
      databaseFileMbAfterPrune: Math.round(statSync(pagePath).size / MB),
    };
    console.log(`sample: ${sizes.reportRows} raw report rows, ${sizes.bucketRows} bucket rows over 90 days`);
    console.log(
      `bytes per raw report row (table and both indexes): ${figures.bytesPerRawReportRow}; ` +
        `per bucket row: ${figures.bytesPerBucketRow}`,
    );
    console.log(
      `90 days at ${REPORTS_PER_SECOND}/s: ${rows90} raw rows ≈ ${figures.at10PerSecondFor90Days.rawMb} MB ` +
        `(pruned past 90 days); at most ${buckets90} bucket rows ≈ ${figures.at10PerSecondFor90Days.bucketMb} MB`,
    );
    console.log(
      `provider page render (cache bypassed): ${figures.providerPageRenderMs.with1MRawRows} ms with 1M raw rows, ` +
        `${figures.providerPageRenderMs.withNoRawRows} ms with none (same buckets)`,
    );
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

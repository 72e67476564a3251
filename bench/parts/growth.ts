// Growth benchmark: bytes per raw report row and per 15-minute bucket row on a sample, extrapolated to 90 days at
// 10 reports a second; a provider page render timed with 1 million raw report rows, then with none (same buckets);
// and the whole database of 200 providers (reports, buckets, probes, polls, rollups) projected over 90 and 400 days
// under each table's retention, against keeping raw reports 90 days.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildApp } from '../../src/app.ts';
import { loadCatalog, type Catalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import { COMMUNITY_BUCKET_MS, REPORT_CATEGORIES } from '../../src/domain.ts';
import { REPORT_BUCKET_RETENTION_MS, REPORT_RETENTION_MS } from '../../src/jobs/prune-reports.ts';
import { CHECK_RETENTION_MS, PROBE_RETENTION_MS } from '../../src/jobs/prune-signals.ts';
import { HISTORY_RETENTION_DAYS } from '../../src/status/history.ts';
import { openStore } from '../../src/store/index.ts';
import { createRenderCache } from '../../src/web/http/render-cache.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';
import { seedDatabase } from '../seed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE_ROWS = 200_000;
const PAGE_ROWS = 1_000_000;
const REPORTS_PER_SECOND = 10;
const RENDERS = 200;
const MB = 1024 * 1024;
const PROVIDERS = 200;
/** Poll and probe intervals of the defaults (60 s, 180 s); a Statuspage poll reads two documents. */
const POLL_MS = MINUTE_MS;
const PROBE_MS = 3 * MINUTE_MS;
const DOCUMENTS_PER_POLL = 2;
/** Levels a subject spends time in on a day, at most in practice (operational and one more). */
const LEVELS_PER_SUBJECT_DAY = 2;

/** Bytes per row of probe results, source checks and rollups (tables and indexes), measured on a sample. */
async function signalRowBytes(path: string, catalog: Catalog, now: number) {
  await seedDatabase(path, catalog, { now, days: 7, reports: 0, probeIntervalMs: PROBE_MS });
  const store = await openStore(path);
  const day = Math.floor(now / DAY_MS);
  for (const provider of catalog.providers) {
    await store.transaction(async (tx) => {
      for (let i = 0; i < 2000; i += 1)
        await tx.checks.record({
          providerSlug: provider.slug,
          document: i % 2 === 0 ? 'main' : 'incidents',
          startedAt: now - i * POLL_MS,
          durationMs: 120 + (i % 50),
          outcome: i % 97 === 0 ? 'http' : 'ok',
          httpStatus: i % 97 === 0 ? 503 : 200,
          detail: i % 97 === 0 ? 'HTTP 503' : null,
        });
      const subjects = ['api', ...provider.components.map((c) => `component:${c.name.toLowerCase()}`)];
      const time = Array.from({ length: 400 }, (_, d) =>
        subjects.flatMap((subject) => [
          { subject, day: day - d, level: 'operational' as const, ms: DAY_MS - 60_000 },
          { subject, day: day - d, level: 'degraded' as const, ms: 60_000 },
        ]),
      ).flat();
      await tx.rollups.advance(provider.slug, null, { at: now, levels: {} }, time);
      for (let d = 0; d < 400; d += 1)
        await tx.rollups.recordProbeDay(provider.slug, { day: day - d, attempts: 480, successes: 479, medianMs: 140 });
    });
  }
  await store.close();
  const db = new Database(path, { readonly: true });
  const bytes = (names: string[]) =>
    (
      db
        .prepare(`SELECT COALESCE(SUM(pgsize), 0) AS b FROM dbstat WHERE name IN (${names.map(() => '?').join(',')})`)
        .get(...names) as { b: number }
    ).b;
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const perRow = {
    probe: bytes(['probe_results', 'probe_results_by_provider']) / count('probe_results'),
    check: bytes(['source_checks', 'source_checks_by_document']) / count('source_checks'),
    rollupLevel: bytes(['rollup_levels']) / count('rollup_levels'),
    rollupProbe: bytes(['rollup_probes']) / count('rollup_probes'),
  };
  db.close();
  return perRow;
}

/** Megabytes of each table after `days` days at 200 providers and 10 reports a second, under retention. */
function projectMb(
  days: number,
  perRow: Awaited<ReturnType<typeof signalRowBytes>> & { raw: number; bucket: number },
  componentsPerProvider: number,
  rawRetentionDays: number,
) {
  const kept = (retentionMs: number) => Math.min(days, retentionMs / DAY_MS);
  const mb = (rows: number, bytes: number) => Math.round((rows * bytes) / MB);
  const table = {
    rawReports: mb(REPORTS_PER_SECOND * 86_400 * Math.min(days, rawRetentionDays), perRow.raw),
    reportBuckets: mb(
      PROVIDERS * REPORT_CATEGORIES.length * (DAY_MS / COMMUNITY_BUCKET_MS) * kept(REPORT_BUCKET_RETENTION_MS),
      perRow.bucket,
    ),
    probeResults: mb(PROVIDERS * (DAY_MS / PROBE_MS) * kept(PROBE_RETENTION_MS), perRow.probe),
    sourceChecks: mb(PROVIDERS * DOCUMENTS_PER_POLL * (DAY_MS / POLL_MS) * kept(CHECK_RETENTION_MS), perRow.check),
    rollups:
      mb(
        PROVIDERS * (1 + componentsPerProvider) * LEVELS_PER_SUBJECT_DAY * Math.min(days, HISTORY_RETENTION_DAYS),
        perRow.rollupLevel,
      ) + mb(PROVIDERS * Math.min(days, HISTORY_RETENTION_DAYS), perRow.rollupProbe),
  };
  return { ...table, total: Object.values(table).reduce((sum, n) => sum + n, 0) };
}

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
    const rows90 = REPORTS_PER_SECOND * ((90 * DAY_MS) / 1000);
    const buckets90 = catalog.providers.length * REPORT_CATEGORIES.length * ((90 * DAY_MS) / COMMUNITY_BUCKET_MS);

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

    const signalBytes = await signalRowBytes(join(dir, 'signals.db'), catalog, now);
    const perRow = { ...signalBytes, raw: perRawRow, bucket: perBucketRow };
    const components = catalog.providers.reduce((sum, p) => sum + p.components.length, 0) / catalog.providers.length;
    const retentionDays = REPORT_RETENTION_MS / DAY_MS;
    const projection = {
      rawReportRetentionDays: retentionDays,
      bytesPerRow: Object.fromEntries(Object.entries(perRow).map(([k, v]) => [k, Math.round(v)])),
      at90Days: projectMb(90, perRow, components, retentionDays),
      at400Days: projectMb(400, perRow, components, retentionDays),
      at400DaysKeepingRawReports90Days: projectMb(400, perRow, components, 90),
    };

    const figures = {
      projection200Providers: projection,
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
        `(what 90 days of raw rows would cost); at most ${buckets90} bucket rows for the catalog's ` +
        `${catalog.providers.length} providers ≈ ${figures.at10PerSecondFor90Days.bucketMb} MB`,
    );
    const line = (label: string, p: ReturnType<typeof projectMb>) =>
      console.log(
        `${label}: ${p.total} MB (raw reports ${p.rawReports}, buckets ${p.reportBuckets}, probes ${p.probeResults}, ` +
          `checks ${p.sourceChecks}, rollups ${p.rollups})`,
      );
    console.log(
      `${PROVIDERS} providers, 10 reports/s, raw reports kept ${retentionDays} days; ` +
        `bytes per row: ${JSON.stringify(projection.bytesPerRow)}`,
    );
    line('after 90 days', projection.at90Days);
    line('after 400 days (then flat: every table is pruned)', projection.at400Days);
    line('after 400 days with raw reports kept 90 days instead', projection.at400DaysKeepingRawReports90Days);
    console.log(
      `provider page render (cache bypassed): ${figures.providerPageRenderMs.with1MRawRows} ms with 1M raw rows, ` +
        `${figures.providerPageRenderMs.withNoRawRows} ms with none (same buckets)`,
    );
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

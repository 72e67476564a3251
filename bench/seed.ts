// Bench seeding through the store modules: the catalog's providers, their official components, 30 days of incidents,
// probe results every probe interval, and community reports spread over the period.
import type { Catalog } from '../src/catalog/load.ts';
import { REPORT_CATEGORIES } from '../src/domain.ts';
import { openStore } from '../src/store/index.ts';
import { DAY_MS, MINUTE_MS } from '../src/time.ts';
import { confirmLevel } from '../src/status/damping.ts';

export type SeedOptions = { now: number; days: number; reports: number; probeIntervalMs?: number; history?: boolean };

/** Seeds a new database at `path`; `history: false` writes only providers and reports (start-up measurements). */
export async function seedDatabase(
  target: string | { databaseUrl: string | null; databasePath: string },
  catalog: Catalog,
  options: SeedOptions,
): Promise<void> {
  const store = await openStore(target);
  const { now, days } = options;
  const start = now - days * DAY_MS;
  await store.providers.sync(catalog.providers, start);
  if (options.history !== false) {
    const probeIntervalMs = options.probeIntervalMs ?? 3 * MINUTE_MS;
    for (const provider of catalog.providers) {
      await store.checks.record({
        providerSlug: provider.slug,
        document: 'main',
        startedAt: now - 30_000,
        durationMs: 120,
        outcome: 'ok',
        httpStatus: 200,
        detail: null,
      });
      await store.components.applySnapshot(
        provider.slug,
        provider.components.map(({ name }, position) => ({
          key: name.toLowerCase(),
          name,
          groupName: null,
          position,
          level: 'operational',
          rawStatus: 'operational',
          onlyShowIfDegraded: false,
        })),
        now - 30_000,
        confirmLevel,
      );
      // One incident every three days, each an hour long with three updates.
      await store.incidents.upsert(
        provider.slug,
        'official',
        Array.from({ length: Math.floor(days / 3) }, (_, i) => {
          const startedAt = start + i * 3 * DAY_MS + 6 * 60 * MINUTE_MS;
          return {
            key: `bench-${i}`,
            kind: 'incident' as const,
            title: `Elevated error rates on ${provider.components[0] ?? 'the API'} (${i + 1})`,
            state: 'resolved' as const,
            rawState: 'resolved',
            impact: 'minor' as const,
            rawImpact: 'minor',
            url: null,
            startedAt,
            resolvedAt: startedAt + 60 * MINUTE_MS,
            scheduledFor: null,
            scheduledUntil: null,
            updates: (['investigating', 'monitoring', 'resolved'] as const).map((state, u) => ({
              key: `u${u}`,
              state,
              rawState: state,
              body: `Update ${u + 1}: we are ${state === 'resolved' ? 'done' : state}.`,
              at: startedAt + u * 20 * MINUTE_MS,
            })),
            components: [],
          };
        }),
        now - 60_000,
      );
      await store.transaction(async (tx) => {
        for (let at = start; at < now; at += probeIntervalMs) {
          await tx.probes.record(provider.slug, {
            at,
            outcome: 'rejected_as_expected',
            httpStatus: 401,
            latencyMs: 100 + (at % 97),
            dnsMs: 5,
            connectMs: 20,
            tlsMs: 30,
            ttfbMs: 90,
            detail: null,
          });
        }
      });
    }
  }
  const slugs = catalog.providers.map((p) => p.slug);
  const stepMs = (now - start) / Math.max(1, options.reports);
  // Batches of 10,000 rows per transaction: one for a million rows would hold PostgreSQL's snapshot for minutes.
  for (let batch = 0; batch < options.reports; batch += 10_000) {
    await store.transaction(async (tx) => {
      for (let i = batch; i < Math.min(options.reports, batch + 10_000); i += 1) {
        await tx.reports.add({
          providerSlug: slugs[i % slugs.length]!,
          category: REPORT_CATEGORIES[i % REPORT_CATEGORIES.length]!,
          httpStatus: null,
          model: null,
          sdk: null,
          region: null,
          clientHash: `bench-${i % 5000}`,
          counted: true,
          ignoredReason: null,
          at: Math.floor(start + i * stepMs),
        });
      }
    });
  }
  await store.close();
}

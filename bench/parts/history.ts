// History benchmark: 200 providers with 90 days of data (hourly probe results, an incident every three days, and each
// day's rollups as the job leaves them); times one sampling pass of the rollup job over all of them, and computing
// the 90-day history (API, components, probes, incidents, uptime) of every provider.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildCatalog, loadCatalog, type Catalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import type { Level } from '../../src/domain.ts';
import { createRollupRecorder } from '../../src/jobs/rollup.ts';
import { API_SUBJECT, componentSubject, dayOf, HISTORY_DAYS, type LevelTime } from '../../src/status/history.ts';
import { openStore } from '../../src/store/index.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';
import { createHistoryReader } from '../../src/assessment/history.ts';
import { createAssessor } from '../../src/assessment/assessor.ts';
import { levelsSampler } from '../../src/assessment/readings.ts';
import { seedDatabase } from '../seed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROVIDERS = 200;

/** The real catalog's providers cloned under new slugs up to `count`. */
function manyProviders(real: Catalog, count: number): Catalog {
  const providers = Array.from({ length: count }, (_, i) => {
    const base = real.providers[i % real.providers.length]!;
    return i < real.providers.length ? base : { ...base, slug: `${base.slug}-${i}`, name: `${base.name} ${i}` };
  });
  return buildCatalog(providers, [...real.errorTypes]);
}

/** A day as the job leaves it: mostly operational, now and then an hour degraded, one day in ten half unknown. */
function dayTime(subject: string, day: number, seed: number): LevelTime[] {
  const troubled = (day + seed) % 7 === 0 ? HOUR_MS : 0;
  const unknown = (day + seed) % 10 === 0 ? 12 * HOUR_MS : 0;
  const parts: [Level, number][] = [
    ['operational', DAY_MS - troubled - unknown],
    ['degraded', troubled],
    ['unknown', unknown],
  ];
  return parts.filter(([, ms]) => ms > 0).map(([level, ms]) => ({ subject, day, level, ms }));
}

export default async function (): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const path = join(dir, 'history.db');
  const now = Date.now();
  const catalog = manyProviders(
    loadCatalog({ providersFile: join(ROOT, 'data/providers.json'), errorsFile: join(ROOT, 'data/errors.json') }),
    PROVIDERS,
  );
  try {
    const seedStarted = performance.now();
    await seedDatabase(path, catalog, { now, days: HISTORY_DAYS, reports: 0, probeIntervalMs: HOUR_MS });
    const store = await openStore(path);
    const today = dayOf(now);
    let rollupRows = 0;
    for (const [seed, provider] of catalog.providers.entries()) {
      const subjects = [API_SUBJECT, ...provider.components.map((c) => componentSubject(c.name.toLowerCase()))];
      await store.transaction(async (tx) => {
        for (let day = today - HISTORY_DAYS + 1; day <= today; day += 1) {
          const time = subjects.flatMap((subject) => dayTime(subject, day, seed));
          rollupRows += time.length;
          const mark = await tx.rollups.mark(provider.slug);
          await tx.rollups.advance(provider.slug, mark?.at ?? null, { at: day * DAY_MS, levels: {} }, time);
          await tx.rollups.recordProbeDay(provider.slug, { day, attempts: 480, successes: 478, medianMs: 140 });
        }
      });
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const config = parseConfig({ DATABASE_PATH: path });
    const reader = createAssessor({ store, catalog, config });
    let clock = now;
    const job = createRollupRecorder({ store, catalog, now: () => clock, sample: levelsSampler(reader) });
    await job.run();
    clock += MINUTE_MS;
    const passStarted = performance.now();
    const sampled = await job.run();
    const passMs = performance.now() - passStarted;

    const history = createHistoryReader({ store });
    await history.read(catalog.providers[0]!, now);
    const readStarted = performance.now();
    let days = 0;
    for (const provider of catalog.providers) days += (await history.read(provider, now)).api.days.length;
    const allMs = performance.now() - readStarted;
    const uptimeStarted = performance.now();
    for (const provider of catalog.providers) await history.uptime(provider, now);
    const uptimeMs = performance.now() - uptimeStarted;
    await store.close();

    const figures = {
      providers: PROVIDERS,
      days: HISTORY_DAYS,
      rollupRows,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      samplingPassMs: Math.round(passMs),
      providersSampled: sampled,
      history90dAllProvidersMs: Math.round(allMs),
      history90dPerProviderMs: Number((allMs / PROVIDERS).toFixed(2)),
      daysComputed: days,
      uptimeAllProvidersMs: Math.round(uptimeMs),
    };
    console.log(
      `seeded ${PROVIDERS} providers × ${HISTORY_DAYS} days (${rollupRows} rollup rows) in ${figures.seedSeconds} s`,
    );
    console.log(`one sampling pass of the rollup job over ${sampled} providers: ${figures.samplingPassMs} ms`);
    console.log(
      `90-day history of all ${PROVIDERS} providers (API, components, probes, incidents, uptime): ` +
        `${figures.history90dAllProvidersMs} ms (${figures.history90dPerProviderMs} ms each)`,
    );
    console.log(`30/90-day uptime of all ${PROVIDERS} providers: ${figures.uptimeAllProvidersMs} ms`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

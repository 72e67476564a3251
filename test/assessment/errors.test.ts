// Pure: one error type's result (verdict, its category's community summary, the texts filled for the provider) from
// an assessment, computed once per read; the jobs' readings of an assessment; the start's warm-up; the versions of a
// SQLite file another process writes. Nothing here loads the app or a database.
import { describe, expect, it } from 'vitest';
import { errorResult, errorResults } from '../../src/assessment/errors.ts';
import { apiReading, communities, levelsOfAll, sampledLevels } from '../../src/assessment/readings.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { assessProvider, type AssessInput } from '../../src/status/assess.ts';
import { summariseCommunity, type Bucket } from '../../src/status/community.ts';
import { assessError } from '../../src/status/verdict.ts';
import { createWarmUp } from '../../src/ops/warm-up.ts';
import { SHARED_FILE_CHECK_MS, sharedFileVersions } from '../../src/store/shared-file.ts';
import { createDataVersions } from '../../src/store/versions.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const catalog = loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
const anthropic = catalog.providerBySlug.get('anthropic')!;
const API = anthropic.components.find((c) => c.scope === 'api')!.name;

/** A fresh official page (the API component at `level`), no probe, and `buckets` of reports. */
function input(level: 'operational' | 'major_outage', buckets: Bucket[]): AssessInput {
  return {
    provider: { name: anthropic.name, components: anthropic.components },
    official: {
      configured: true,
      intervalMs: 60_000,
      lastAttemptAt: NOW - 20_000,
      lastOkAt: NOW - 20_000,
      failure: null,
      components: [
        {
          key: 'api',
          name: API,
          groupName: null,
          level,
          rawStatus: level,
          onlyShowIfDegraded: false,
          changedAt: NOW - 3_600_000,
          firstSeen: true,
        },
      ],
      openIncidents: [],
      pageLevel: null,
    },
    probe: { configured: false, intervalMs: 180_000, samples: [], usualLatencyMs: null, localFault: null },
    buckets,
    reporters: [],
  };
}

const bucketAt = NOW - (NOW % 900_000);
const SPIKE: Bucket[] = [
  { bucketAt, category: 'auth', count: 12 },
  { bucketAt, category: 'timeout', count: 3 },
];

describe('one error type of one assessment', () => {
  it('is the verdict of the one assessment, with the category alone summarised and the texts filled', () => {
    for (const level of ['operational', 'major_outage'] as const) {
      const assessment = assessProvider(input(level, SPIKE), NOW);
      for (const errorType of catalog.errorTypes) {
        const result = errorResult(anthropic, assessment, errorType);
        const community = summariseCommunity(SPIKE, NOW, errorType.category, []);
        expect(result.community).toEqual(community);
        expect(result.texts.yourSide).not.toMatch(/\{[A-Za-z]+\}/);
        expect(result.texts.quiet).not.toMatch(/\{[A-Za-z]+\}/);
        // The same verdict as assessing the error on its own, with the texts and summary it computes itself.
        expect(result.verdict).toEqual(
          assessError(assessment, { providerName: anthropic.name, errorType, texts: result.texts }),
        );
        expect(result.verdict.level).toBe(assessment.api.level);
      }
    }
  });

  it('is computed once per read: asking again gives the same result, another read computes its own', () => {
    const auth = catalog.errorTypeBySlug.get('auth-error')!;
    const first = errorResults(anthropic, assessProvider(input('operational', SPIKE), NOW));
    expect(first(auth)).toBe(first(auth));
    const again = errorResults(anthropic, assessProvider(input('operational', SPIKE), NOW));
    expect(again(auth)).not.toBe(first(auth));
    expect(again(auth)).toEqual(first(auth));
  });
});

describe('what the jobs take from an assessment', () => {
  it('reads the API level with its reasons, the levels to sample and the community signal', () => {
    const down = assessProvider(input('major_outage', []), NOW);
    expect(apiReading(down)).toMatchObject({
      level: down.api.level,
      troubledComponents: [API],
      officialRead: true,
    });
    expect(apiReading(down).reasons).toBe(down.api.reasons);
    expect(sampledLevels(down)).toEqual({ api: down.api.level, 'component:api': 'major_outage' });
    const all = [{ provider: anthropic, assessment: down, community: down.community }];
    expect(levelsOfAll(all).get('anthropic')).toEqual(sampledLevels(down));
    expect(communities(all).get('anthropic')).toBe(down.community);
  });
});

describe('the warm-up', () => {
  it('is pending while its work runs, once, and settles even when the work fails', async () => {
    const failures: unknown[] = [];
    const warmUp = createWarmUp((error) => failures.push(error));
    expect(warmUp.pending()).toBe(false);
    let finish!: () => void;
    let runs = 0;
    warmUp.run(() => {
      runs += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    warmUp.run(async () => {
      runs += 1;
    });
    await Promise.resolve();
    expect(warmUp.pending()).toBe(true);
    finish();
    await warmUp.settled();
    expect(warmUp.pending()).toBe(false);
    expect(runs).toBe(1);

    const failing = createWarmUp((error) => failures.push(error));
    failing.run(() => Promise.reject(new Error('no database')));
    await failing.settled();
    expect(failing.pending()).toBe(false);
    expect(failures).toHaveLength(1);
  });
});

describe('the versions of a SQLite file another process writes', () => {
  it('marks every provider changed once the file was committed to elsewhere, looking at most so often', () => {
    let fileVersion = 1;
    let reads = 0;
    let now = NOW;
    const own = createDataVersions();
    const versions = sharedFileVersions(
      own,
      () => {
        reads += 1;
        return fileVersion;
      },
      () => now,
    );
    const before = versions.of('openai');
    const global = versions.global();
    fileVersion = 2;
    // Not looked at again yet: the other process's commit shows within SHARED_FILE_CHECK_MS.
    expect(versions.global()).toBe(global);
    now += SHARED_FILE_CHECK_MS;
    expect(versions.global()).toBeGreaterThan(global);
    expect(versions.of('openai')).not.toBe(before);
    const seen = reads;
    for (let i = 0; i < 100; i += 1) versions.of('openai');
    expect(reads).toBe(seen);
    // This process's own writes still move its versions at once.
    const mine = versions.of('anthropic');
    versions.bump('anthropic');
    expect(versions.of('anthropic')).toBeGreaterThan(mine);
  });
});

// Writes real signal data into a test store: a read status page, probe results and community reports.
import type { Level } from '../../src/domain.ts';
import type { Store } from '../../src/store/index.ts';
import type { ProbeResultRow } from '../../src/store/probes.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { confirmLevel } from '../../src/status/damping.ts';

/** A successful read of the provider's status page with these components (all operational by default). */
export async function recordOfficial(
  store: Store,
  slug: string,
  now: number,
  components: Record<string, Level> = { API: 'operational', Console: 'operational' },
): Promise<void> {
  await store.checks.record({
    providerSlug: slug,
    document: 'main',
    startedAt: now - 20_000,
    durationMs: 120,
    outcome: 'ok',
    httpStatus: 200,
    detail: null,
  });
  await store.components.applySnapshot(
    slug,
    Object.entries(components).map(([name, level], position) => ({
      key: name.toLowerCase(),
      name,
      groupName: null,
      position,
      level,
      rawStatus: level,
      onlyShowIfDegraded: false,
    })),
    now - 20_000,
    confirmLevel,
  );
}

export async function recordIncident(
  store: Store,
  slug: string,
  now: number,
  title: string,
  impact: 'minor' | 'major' | 'critical' = 'major',
): Promise<void> {
  await store.incidents.upsert(
    slug,
    'official',
    [
      {
        key: `inc-${title}`,
        kind: 'incident',
        title,
        state: 'investigating',
        rawState: 'investigating',
        impact,
        rawImpact: impact,
        url: null,
        startedAt: now - 10 * MINUTE_MS,
        resolvedAt: null,
        scheduledFor: null,
        scheduledUntil: null,
        updates: [
          {
            key: 'u1',
            state: 'investigating',
            rawState: 'investigating',
            body: `We are investigating: ${title}.`,
            at: now - 10 * MINUTE_MS,
          },
        ],
        components: [],
      },
    ],
    now - 60_000,
  );
}

/** Four probe results, one interval apart, ending shortly before `now`: all normal, or the last three failed. */
/** A probe result with no phase timings and no detail: what most tests record. */
export const probeRow = (row: Pick<ProbeResultRow, 'at' | 'outcome' | 'httpStatus' | 'latencyMs'>): ProbeResultRow => ({
  ...row,
  dnsMs: null,
  connectMs: null,
  tlsMs: null,
  ttfbMs: null,
  detail: null,
});

export async function recordProbes(
  store: Store,
  slug: string,
  now: number,
  intervalMs: number,
  kind: 'healthy' | 'failing',
): Promise<void> {
  for (let i = 4; i >= 1; i -= 1) {
    const failed = kind === 'failing' && i <= 3;
    await store.probes.record(
      slug,
      probeRow({
        at: now - i * intervalMs + 30_000,
        outcome: failed ? 'timeout' : 'rejected_as_expected',
        httpStatus: failed ? null : 401,
        latencyMs: failed ? null : 140,
      }),
    );
  }
}

/** `count` counted reports of one category in the current window, each from a different client. */
export async function recordReports(
  store: Store,
  slug: string,
  now: number,
  category: 'auth' | 'rate_limit' | 'overloaded',
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await store.reports.add({
      providerSlug: slug,
      category,
      httpStatus: null,
      model: null,
      sdk: null,
      region: null,
      clientHash: `client-${i}`,
      counted: true,
      ignoredReason: null,
      at: now - 60_000,
    });
  }
}

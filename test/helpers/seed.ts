// A lived-in scenario written through the store modules: an outage with official and detected incidents, a healthy
// provider with probes, and community reports; shared by feed, badge, sitemap and browser tests.
import { MAIN_DOCUMENT, type SnapshotComponent, type SnapshotIncident } from '../../src/domain.ts';
import type { Store } from '../../src/store/index.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';
import { confirmLevel } from '../../src/status/damping.ts';

const component = (
  key: string,
  name: string,
  level: SnapshotComponent['level'],
  position: number,
  groupName: string | null = null,
): SnapshotComponent => ({
  key,
  name,
  groupName,
  position,
  level,
  rawStatus: level,
  onlyShowIfDegraded: false,
});

export const incident = (key: string, over: Partial<SnapshotIncident>): SnapshotIncident => ({
  key,
  kind: 'incident',
  title: 'Incident',
  state: 'investigating',
  rawState: 'investigating',
  impact: 'major',
  rawImpact: 'major',
  url: null,
  startedAt: 0,
  resolvedAt: null,
  scheduledFor: null,
  scheduledUntil: null,
  updates: [],
  components: [],
  ...over,
});

async function okCheck(store: Store, slug: string, at: number): Promise<void> {
  await store.checks.record({
    providerSlug: slug,
    document: MAIN_DOCUMENT,
    startedAt: at,
    durationMs: 140,
    outcome: 'ok',
    httpStatus: 200,
    detail: null,
  });
}

async function probes(store: Store, slug: string, now: number, latencyMs: number): Promise<void> {
  for (let i = 5; i >= 1; i -= 1) {
    await store.probes.record(slug, {
      at: now - i * 3 * MINUTE_MS,
      outcome: 'rejected_as_expected',
      httpStatus: 401,
      latencyMs: latencyMs + i,
      dnsMs: 2,
      connectMs: 10,
      tlsMs: 20,
      ttfbMs: latencyMs - 5,
      detail: null,
    });
  }
}

/**
 * Anthropic: API in major outage, an open official incident with two updates, a resolved one, one we detected, reports.
 */
export async function seedAnthropicOutage(store: Store, now: number): Promise<void> {
  const at = now - MINUTE_MS;
  await okCheck(store, 'anthropic', at);
  await store.components.applySnapshot(
    'anthropic',
    [
      component('a', 'claude.ai', 'operational', 0),
      component('b', 'Claude API (api.anthropic.com)', 'major_outage', 1),
      component('c', 'Claude Code', 'degraded', 2),
    ],
    at,
    confirmLevel,
  );
  await store.incidents.upsert(
    'anthropic',
    'official',
    [
      incident('open1', {
        title: 'Elevated errors on the Claude API',
        startedAt: now - 50 * MINUTE_MS,
        url: 'https://status.claude.com/incidents/open1',
        components: [{ key: 'b', name: 'Claude API (api.anthropic.com)' }],
        updates: [
          {
            key: 'u2',
            state: 'identified',
            rawState: 'identified',
            body: 'The issue has been identified and a fix is being rolled out.',
            at: now - 20 * MINUTE_MS,
          },
          {
            key: 'u1',
            state: 'investigating',
            rawState: 'investigating',
            body: 'We are investigating elevated 500 errors on the API.',
            at: now - 50 * MINUTE_MS,
          },
        ],
      }),
      incident('old1', {
        title: 'Rate limits applied wrongly',
        state: 'resolved',
        rawState: 'resolved',
        impact: 'minor',
        rawImpact: 'minor',
        startedAt: now - 7 * 24 * 60 * MINUTE_MS,
        resolvedAt: now - 7 * 24 * 60 * MINUTE_MS + 45 * MINUTE_MS,
        updates: [
          {
            key: 'r2',
            state: 'resolved',
            rawState: 'resolved',
            body: 'This incident has been resolved.',
            at: now - 7 * 24 * 60 * MINUTE_MS + 45 * MINUTE_MS,
          },
          {
            key: 'r1',
            state: 'investigating',
            rawState: 'investigating',
            body: 'Legitimate requests were rejected with 429.',
            at: now - 7 * 24 * 60 * MINUTE_MS,
          },
        ],
      }),
    ],
    at,
  );
  await store.incidents.upsert(
    'anthropic',
    'detected',
    [
      incident('probe-auth-1', {
        title: 'API answers 503 to our probe',
        startedAt: now - 40 * MINUTE_MS,
        impact: 'major',
        rawImpact: null,
        rawState: null,
      }),
    ],
    at,
  );
  await probes(store, 'anthropic', now, 240);
  for (let i = 0; i < 6; i += 1) {
    await store.reports.add({
      providerSlug: 'anthropic',
      category: i % 2 ? 'server_error' : 'overloaded',
      httpStatus: i % 2 ? 500 : 529,
      model: null,
      sdk: null,
      region: null,
      clientHash: `client-${i}`,
      counted: true,
      ignoredReason: null,
      at: now - (i + 1) * MINUTE_MS,
    });
  }
}

/** OpenAI: everything fresh and healthy, probes answering as expected. */
export async function seedOpenAiHealthy(store: Store, now: number): Promise<void> {
  await okCheck(store, 'openai', now - MINUTE_MS);
  await store.components.applySnapshot(
    'openai',
    [
      component('api', 'Chat Completions', 'operational', 0, 'APIs'),
      component('resp', 'Responses', 'operational', 1, 'APIs'),
      component('chat', 'ChatGPT', 'operational', 2),
    ],
    now - MINUTE_MS,
    confirmLevel,
  );
  await probes(store, 'openai', now, 180);
}

export async function seedScenario(store: Store, now: number): Promise<void> {
  await seedAnthropicOutage(store, now);
  await seedOpenAiHealthy(store, now);
}

/** Twenty days of daily history before `now`'s day, as the rollup job leaves it: an outage, a gap, the rest up. */
export async function seedHistory(store: Store, slug: string, now: number): Promise<void> {
  const today = Math.floor(now / DAY_MS);
  const time = Array.from({ length: 20 }, (_, i) => today - 20 + i).flatMap((day, i) => {
    if (i === 5) return [];
    const outage = i === 12 ? 90 * MINUTE_MS : 0;
    return [
      { subject: 'api', day, level: 'operational' as const, ms: DAY_MS - outage },
      ...(outage ? [{ subject: 'api', day, level: 'major_outage' as const, ms: outage }] : []),
    ];
  });
  await store.rollups.advance(slug, null, { at: now, levels: {} }, time);
}

// The demo world's past: 30 simulated days of daily history for every provider we could measure (the scenarios'
// providers with a few bad days and their incidents, one day with no data for everyone, a node down), written once the
// server has read each status page; days before read "no data" and today is recorded live by the server.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import { MAIN_DOCUMENT, type Impact, type Level, type SnapshotIncident } from '../domain.ts';
import { detectedKey } from '../status/detection.ts';
import { API_SUBJECT, componentSubject, dayOf, type LevelTime } from '../status/history.ts';
import type { Store } from '../store/index.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time.ts';
import { scenarioLevels } from './world.ts';

export const DEMO_HISTORY_DAYS = 30;
/** Days ago on which no node ran: no data for anyone. */
const DOWN_DAY = 15;

/** Bad spells of the simulated past, per provider: days ago, level, how long. */
const SPELLS: Record<string, { daysAgo: number; level: Level; ms: number }[]> = {
  openai: [
    { daysAgo: 3, level: 'major_outage', ms: 2 * HOUR_MS },
    { daysAgo: 11, level: 'degraded', ms: 40 * MINUTE_MS },
  ],
  deepseek: [{ daysAgo: 5, level: 'partial_outage', ms: 70 * MINUTE_MS }],
  anthropic: [{ daysAgo: 7, level: 'maintenance', ms: 2 * HOUR_MS }],
  perplexity: [{ daysAgo: 9, level: 'degraded', ms: 25 * MINUTE_MS }],
};

/** When each bad spell began on its day (UTC). */
const SPELL_START_MS = 10 * HOUR_MS;

/**
 * Incidents of the simulated past: our probes saw OpenAI's outage 14 minutes before OpenAI posted it, nobody
 * posted DeepSeek's, and we never saw Perplexity's, so /accountability has one of each figure.
 */
const PAST_INCIDENTS: Record<string, { daysAgo: number; detected: boolean; postedAfterMs: number | null }> = {
  openai: { daysAgo: 3, detected: true, postedAfterMs: 14 * MINUTE_MS },
  deepseek: { daysAgo: 5, detected: true, postedAfterMs: null },
  perplexity: { daysAgo: 9, detected: false, postedAfterMs: 0 },
};

type PastIncident = { key: string; title: string; opened: string; resolved: string; impact: Impact };

function resolvedIncident(i: PastIncident, from: number, to: number): SnapshotIncident {
  const update = (suffix: string, state: 'investigating' | 'resolved', body: string, at: number) => ({
    key: `${i.key}-${suffix}`,
    state,
    rawState: state,
    body,
    at,
  });
  return {
    key: i.key,
    kind: 'incident',
    title: i.title,
    state: 'resolved',
    rawState: 'resolved',
    impact: i.impact,
    rawImpact: i.impact,
    url: null,
    startedAt: from,
    resolvedAt: to,
    scheduledFor: null,
    scheduledUntil: null,
    updates: [update('resolved', 'resolved', i.resolved, to), update('opened', 'investigating', i.opened, from)],
    components: [],
  };
}

/** The simulated past's incidents of one provider, detected by us and posted by the provider. */
async function recordPastIncidents(store: Store, slug: string, now: number): Promise<void> {
  const past = PAST_INCIDENTS[slug];
  const spell = SPELLS[slug]?.find((s) => s.daysAgo === past?.daysAgo);
  if (!past || !spell) return;
  const from = (dayOf(now) - past.daysAgo) * DAY_MS + SPELL_START_MS;
  const to = from + spell.ms;
  if (past.detected) {
    const ours = resolvedIncident(
      {
        key: detectedKey('probe', from),
        title: 'The API fails our live probes',
        opened: '3 of our live probes in a row failed: the API answered with an unexpected status (HTTP 503) ×3.',
        resolved: 'The API answers our probes normally again, confirmed by 2 answers in a row.',
        impact: 'major',
      },
      from,
      to,
    );
    await store.incidents.upsert(slug, 'detected', [ours], now);
  }
  if (past.postedAfterMs !== null) {
    const posted = from + past.postedAfterMs;
    const official = resolvedIncident(
      {
        key: `demo-past-${past.daysAgo}`,
        title: 'Elevated error rates on the API',
        opened: 'We are investigating elevated error rates on the API.',
        resolved: 'This incident has been resolved.',
        impact: 'major',
      },
      posted,
      to,
    );
    await store.incidents.upsert(slug, 'official', [official], now);
  }
}

/** One subject's simulated day: operational but for the provider's spell that day (the API only). */
function simulatedDay(subject: string, day: number, spell: { level: Level; ms: number } | undefined): LevelTime[] {
  const bad = spell && subject === API_SUBJECT ? spell : null;
  return [
    { subject, day, level: 'operational', ms: DAY_MS - (bad?.ms ?? 0) },
    ...(bad ? [{ subject, day, level: bad.level, ms: bad.ms }] : []),
  ];
}

/** The simulated days before today of one provider, given its official components' keys. */
export function demoPast(slug: string, componentKeys: readonly string[], now: number): LevelTime[] {
  const today = dayOf(now);
  const subjects = [API_SUBJECT, ...componentKeys.map(componentSubject)];
  return Array.from({ length: DEMO_HISTORY_DAYS }, (_, i) => DEMO_HISTORY_DAYS - i)
    .filter((daysAgo) => daysAgo !== DOWN_DAY)
    .flatMap((daysAgo) => {
      const spell = SPELLS[slug]?.find((s) => s.daysAgo === daysAgo);
      return subjects.flatMap((subject) => simulatedDay(subject, today - daysAgo, spell));
    });
}

/** A provider the demo world lets us measure: it has a status page or a probe, and its source does not go stale. */
const measurable = (p: Provider): boolean =>
  (p.statusPage !== null || p.probe !== null) && scenarioLevels()[p.slug] !== 'unknown';

/**
 * Waits (up to `waitMs`) until the server has tried every status page once, so each component's key is known, then
 * writes the simulated past of every provider with its probe totals. Returns how many providers.
 */
export async function recordDemoPast(store: Store, catalog: Catalog, now: number, waitMs = 15_000): Promise<number> {
  const until = Date.now() + waitMs;
  const withPage = catalog.providers.filter((p) => p.statusPage !== null);
  const tried = async (slug: string) => (await store.checks.summary(slug, MAIN_DOCUMENT)).lastAttemptAt !== null;
  while (!(await Promise.all(withPage.map((p) => tried(p.slug)))).every(Boolean) && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const today = dayOf(now);
  for (const provider of catalog.providers.filter(measurable)) {
    const keys = (await store.components.list(provider.slug)).map((c) => c.key);
    await store.rollups.add(provider.slug, demoPast(provider.slug, keys, now));
    await recordPastIncidents(store, provider.slug, now);
    if (!provider.probe) continue;
    for (let daysAgo = 1; daysAgo <= DEMO_HISTORY_DAYS; daysAgo += 1) {
      if (daysAgo === DOWN_DAY) continue;
      const failed = SPELLS[provider.slug]?.some((s) => s.daysAgo === daysAgo && s.level !== 'maintenance') ? 24 : 0;
      await store.rollups.recordProbeDay(provider.slug, {
        day: today - daysAgo,
        attempts: 480,
        successes: 480 - failed,
        medianMs: 120 + ((daysAgo * 37) % 60),
      });
    }
  }
  return catalog.providers.length;
}

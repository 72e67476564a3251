// What the jobs take from an assessment: the API's reading for the events, the levels the daily history samples,
// the community signal detection judges. Pure.
import type { AssessApi, ApiReading } from '../notify/changes.ts';
import type { Assessment } from '../status/assess.ts';
import type { CommunityView } from '../status/community.ts';
import { API_SUBJECT, componentSubject, type SampledLevels, type SampleLevels } from '../status/history.ts';
import type { Assessor } from './assessor.ts';

/** The API's level (the one assessment, damped, products apart), its reasons and troubled API components. */
export function apiReading(assessment: Assessment): ApiReading {
  const { api, components } = assessment;
  const troubled = (components ?? []).filter(
    (c) => c.scope === 'api' && c.level !== 'operational' && c.level !== 'unknown',
  );
  const official = api.signals.official;
  return {
    level: api.level,
    reasons: api.reasons,
    troubledComponents: troubled.map((c) => c.name),
    // Read once, or failed twice (a page that never answers must not silence the provider for good).
    officialRead:
      official.state === 'absent' ||
      official.okAt !== null ||
      (official.failing !== null && official.checkedAt !== null && official.checkedAt > official.failing.since),
  };
}

/**
 * What the daily history records of a provider: the API's level (the one assessment, damped) and each official
 * component's level while the official page is fresh (`unknown` while it is not: an old reading is no evidence).
 */
export function sampledLevels(assessment: Assessment): SampledLevels {
  const fresh = assessment.api.signals.official.state === 'fresh';
  const levels: SampledLevels = { [API_SUBJECT]: assessment.api.level };
  for (const c of assessment.components ?? []) levels[componentSubject(c.key)] = fresh ? c.level : 'unknown';
  return levels;
}

/** Every provider's community signal, by slug, as the assessment reads it (for the detection job). */
export const communities = (all: readonly { provider: { slug: string }; community: CommunityView }[]) =>
  new Map(all.map((d) => [d.provider.slug, d.community]));

/** Every provider's sampled levels, by slug. */
export const levelsOfAll = (all: readonly { provider: { slug: string }; assessment: Assessment }[]) =>
  new Map(all.map((d) => [d.provider.slug, sampledLevels(d.assessment)]));

/** The events' reading of one provider. */
export const apiAssessor =
  (assessor: Assessor): AssessApi =>
  async (provider, now) =>
    apiReading((await assessor.signals(provider, now)).assessment);

/** Every provider's community signal now (for the detection job between the minute's passes). */
export const communityReader =
  (assessor: Assessor) =>
  async (now: number): Promise<Map<string, CommunityView>> =>
    communities(await assessor.all(now));

/** Every provider's levels now (for the rollup job run on its own). */
export const levelsSampler =
  (assessor: Assessor): SampleLevels =>
  async (now) =>
    levelsOfAll(await assessor.all(now));

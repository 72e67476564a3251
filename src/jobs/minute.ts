// The leader's minute: one pass that reads every provider's assessment once and hands it to the daily history
// (rollups), the detection of incidents and the events, where each of them used to read every provider itself.
import type { Catalog } from '../catalog/load.ts';
import type { Assessor } from '../assessment/assessor.ts';
import { apiReading, communities, levelsOfAll } from '../assessment/readings.ts';
import { DETECTION_INTERVAL_MS } from '../status/detection.ts';
import { HISTORY_SAMPLE_MS } from '../status/history.ts';
import type { DataVersions } from '../store/versions.ts';
import type { Detector } from './detect.ts';
import { EVENTS_FULL_PASS_MS, type EventRecorder } from './events.ts';
import type { RollupRecorder } from './rollup.ts';
import type { JobLog } from './scheduler.ts';

/** How often the pass runs: as often as the most frequent of the three asks. */
export const LEADER_MINUTE_MS = Math.min(HISTORY_SAMPLE_MS, DETECTION_INTERVAL_MS, EVENTS_FULL_PASS_MS);

export type MinuteDeps = {
  catalog: Catalog;
  versions: DataVersions;
  assessor: Assessor;
  rollups: Pick<RollupRecorder, 'recordTask'>;
  detector: Pick<Detector, 'run'>;
  events: Pick<EventRecorder, 'run'> | null;
  now: () => number;
  log?: JobLog;
};

/** The pass for a schedule: never throws (each part logs its own failure). */
export function minuteTask(deps: MinuteDeps): () => Promise<void> {
  const { catalog, versions, assessor, log } = deps;
  return async () => {
    const now = deps.now();
    // Each provider's version before its read: a change during the pass is looked at again by the next events pass.
    const before = new Map(catalog.providers.map((p) => [p.slug, versions.of(p.slug)]));
    let all;
    try {
      all = await assessor.all(now);
    } catch (err) {
      log?.warn({ err }, 'assessing the providers failed');
      return;
    }
    await deps.rollups.recordTask(levelsOfAll(all), now);
    await deps.detector
      .run({ now, communities: communities(all) })
      .catch((err: unknown) => log?.warn({ err }, 'detecting incidents failed'));
    const readings = new Map(
      all.map((d) => [d.provider.slug, { version: before.get(d.provider.slug)!, reading: apiReading(d.assessment) }]),
    );
    await deps.events?.run({ now, readings }).catch((err: unknown) => log?.warn({ err }, 'recording events failed'));
  };
}

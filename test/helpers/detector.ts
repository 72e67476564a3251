// The detection job over a test harness: its store, catalog, probe interval and clock, reading as the pages do.
import { createDetector, type Detector } from '../../src/jobs/detect.ts';
import { createAssessor, type Assessor } from '../../src/assessment/assessor.ts';
import { communityReader } from '../../src/assessment/readings.ts';
import { probeRegions } from '../../src/config.ts';
import type { Harness } from './app.ts';

export const harnessReader = (h: Harness): Assessor =>
  createAssessor({ store: h.store, catalog: h.catalog, config: h.config });

export function harnessDetector(h: Harness, reader: Assessor = harnessReader(h)): Detector {
  return createDetector({
    store: h.store,
    catalog: h.catalog,
    probeIntervalMs: h.config.probeIntervalMs,
    ...(Object.keys(h.config.agentKeys).length > 0 ? { probeRegions: probeRegions(h.config) } : {}),
    communities: communityReader(reader),
    now: () => h.clock.now,
  });
}

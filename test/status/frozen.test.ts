// A frozen official page is suspect: over every case, it never stands behind "Operational" while other signals show
// trouble, says since when it has not changed, and leaves pages that changed recently (or agree) alone.
import { describe, expect, it } from 'vitest';
import { combineSignals } from '../../src/status/headline.ts';
import { checkFrozen, FROZEN_AFTER_MS, readOfficial } from '../../src/status/official.ts';
import { readCommunity } from '../../src/status/community.ts';
import { readProbe } from '../../src/status/probe.ts';
import { DAY_MS } from '../../src/time.ts';
import {
  community,
  NOW,
  official,
  PROBE_MS,
  probeSamples,
  type CommunityCase,
  type OfficialCase,
  type ProbeCase,
} from './signals.ts';

const OFFICIAL: OfficialCase[] = ['fresh-ok', 'fresh-incident', 'fresh-component', 'stale'];
const PROBES: ProbeCase[] = ['healthy', 'failing', 'slow', 'stale', 'absent'];
const COMMUNITY: CommunityCase[] = ['quiet', 'spike'];
const AGES = [null, 5 * DAY_MS, FROZEN_AFTER_MS + DAY_MS, 60 * DAY_MS];

describe('a frozen official page', () => {
  for (const o of OFFICIAL)
    for (const p of PROBES)
      for (const c of COMMUNITY)
        for (const age of AGES) {
          it(`official ${o}, probe ${p}, reports ${c}, last change ${age === null ? 'unknown' : `${age / DAY_MS} d`} ago`, () => {
            const probeInput = probeSamples(p);
            const probe = readProbe(
              { ...probeInput, intervalMs: PROBE_MS, usualLatencyMs: 120, localFault: null },
              NOW,
            );
            const reports = readCommunity(community(c).view);
            const trouble = [probe, reports].some((r) => r.state === 'fresh' && r.level !== 'operational');
            const plain = readOfficial(official(o), NOW);
            const reading = checkFrozen(plain, age === null ? null : NOW - age, trouble, NOW);
            const frozen = age !== null && age > FROZEN_AFTER_MS;
            const suspect = frozen && trouble && plain.state === 'fresh' && plain.level === 'operational';
            expect(reading.state).toBe(suspect ? 'suspect' : plain.state);
            if (!suspect) return expect(reading).toEqual(plain);
            expect(reading.level).toBe('unknown');
            expect(reading.reasons[0]!.text).toMatch(/has not changed since .* \(\d+ days\)/);
            const s = combineSignals({ official: reading, probe, community: reports });
            // Never Operational on a suspect page's word: the fresh trouble, or Unknown.
            expect(s.level).not.toBe('operational');
          });
        }
});

import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../src/domain.ts';
import { readRegionalProbe, regionalQuorum, type RegionProbeInput } from '../../src/status/regions.ts';

const INTERVAL = 60_000;
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

/** Six samples of `outcome`, one per interval, the last `lastAgoMs` before now. */
function region(name: string, outcome: ProbeOutcome, lastAgoMs = 1000): RegionProbeInput {
  const samples = Array.from({ length: 6 }, (_, i) => ({
    at: NOW - lastAgoMs - (5 - i) * INTERVAL,
    outcome,
    httpStatus: outcome === 'rejected_as_expected' ? 401 : 500,
    latencyMs: 100,
  }));
  return { region: name, samples, localFault: null, usualLatencyMs: 100 };
}

const read = (regions: RegionProbeInput[]) =>
  readRegionalProbe({ configured: true, intervalMs: INTERVAL, regions }, NOW);

describe('the probe across regions', () => {
  it('one failing region of three reads Partly with the regions named, never an outage', () => {
    const { reading, regions } = read([
      region('local', 'rejected_as_expected'),
      region('eu-west', 'rejected_as_expected'),
      region('ap-southeast', 'unexpected_status'),
    ]);
    expect(reading.level).toBe('degraded');
    expect(reading.summary).toMatch(/^Partly: failing from ap-southeast, normal from local and eu-west\./);
    expect(regions.map((r) => r.state)).toEqual(['operational', 'operational', 'failing']);
  });

  it('at least half of the fresh regions failing is the provider', () => {
    const { reading } = read([region('local', 'unexpected_status'), region('eu-west', 'rejected_as_expected')]);
    expect(reading.level).toBe('partial_outage');
  });

  it('a silent region goes stale, then unknown, and never counts', () => {
    const stale = read([region('local', 'rejected_as_expected'), region('ap', 'unexpected_status', 4 * INTERVAL)]);
    expect(stale.regions[1]!.state).toBe('stale');
    expect(stale.reading.level).toBe('operational');
    const gone = read([region('local', 'rejected_as_expected'), region('ap', 'unexpected_status', 7 * INTERVAL)]);
    expect(gone.regions[1]!.state).toBe('unknown');
    expect(gone.reading.level).toBe('operational');
  });

  it('over every combination of three regions: outage only with a fresh majority failing', () => {
    const kinds = [
      ['rejected_as_expected', 1000],
      ['unexpected_status', 1000],
      ['unexpected_status', 8 * INTERVAL],
    ] as const;
    for (const a of kinds)
      for (const b of kinds)
        for (const c of kinds) {
          const { reading, regions } = read([a, b, c].map(([outcome, ago], i) => region(`r${i}`, outcome, ago)));
          const fresh = regions.filter((r) => ['operational', 'slow', 'failing'].includes(r.state));
          const failing = fresh.filter((r) => r.state === 'failing').length;
          if (reading.level === 'partial_outage') expect(failing * 2).toBeGreaterThanOrEqual(fresh.length);
          if (failing > 0 && failing * 2 < fresh.length) expect(reading.summary).toMatch(/^Partly/);
          if (fresh.length > 0 && failing === 0) expect(reading.level).toBe('operational');
          expect(regionalQuorum(regions)).toBe(
            failing === 0 ? 'none' : failing * 2 >= fresh.length ? 'provider' : 'partly',
          );
        }
  });
});

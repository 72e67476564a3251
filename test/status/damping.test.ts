// Damping of official levels: a change is published once polls agree, dated from the first poll that saw it.
import { describe, expect, it } from 'vitest';
import type { DampedLevel, Level } from '../../src/domain.ts';
import { COMPONENT_CONFIRM_POLLS, confirmLevel } from '../../src/status/damping.ts';

const start: DampedLevel = {
  level: 'operational',
  pendingLevel: null,
  pendingCount: 0,
  pendingSince: null,
  changedAt: 0,
};

/** Feeds one reading per minute and returns the published level after each. */
function run(readings: Level[], from = start) {
  let state = from;
  return readings.map((observed, i) => {
    state = confirmLevel(state, observed, (i + 1) * 60);
    return { level: state.level, changedAt: state.changedAt };
  });
}

describe('confirmLevel', () => {
  it(`publishes a change after ${COMPONENT_CONFIRM_POLLS} agreeing polls, dated from the first of them`, () => {
    expect(run(['major_outage', 'major_outage', 'major_outage'])).toEqual([
      { level: 'operational', changedAt: 0 },
      { level: 'major_outage', changedAt: 60 },
      { level: 'major_outage', changedAt: 60 },
    ]);
  });

  it('never flips on a level that flaps every poll', () => {
    const flapping = run(['major_outage', 'operational', 'major_outage', 'operational', 'degraded', 'major_outage']);
    expect(flapping.every((s) => s.level === 'operational')).toBe(true);
  });

  it('restarts the count when the pending level changes', () => {
    expect(run(['degraded', 'major_outage', 'major_outage']).map((s) => s.level)).toEqual([
      'operational',
      'operational',
      'major_outage',
    ]);
  });

  it('replaces unknown at once: there is nothing to protect', () => {
    const next = confirmLevel({ ...start, level: 'unknown' }, 'degraded', 60);
    expect(next).toMatchObject({ level: 'degraded', changed: true, changedAt: 60, pendingLevel: null });
  });
});

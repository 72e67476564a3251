// "Is it down?" for each combination of signals: never No without fresh data, never Yes without evidence.
import { describe, expect, it } from 'vitest';
import { answerIsItDown, ANSWER_OF_LEVEL } from '../../src/status/down-answer.ts';
import { LEVELS } from '../../src/domain.ts';
import { official, status, type CommunityCase, type OfficialCase, type ProbeCase } from './signals.ts';

const OFFICIAL: OfficialCase[] = ['fresh-ok', 'fresh-incident', 'fresh-component', 'stale', 'absent'];
const PROBE: ProbeCase[] = ['healthy', 'failing', 'slow', 'stale', 'absent'];
const COMMUNITY: CommunityCase[] = ['quiet', 'spike'];
const ALL = OFFICIAL.flatMap((o) => PROBE.flatMap((p) => COMMUNITY.map((c) => [o, p, c] as const)));

describe('answerIsItDown over every combination of signals', () => {
  it.each(ALL)('official %s, probe %s, community %s', (o, p, c) => {
    const s = status(o, p, c);
    const a = answerIsItDown('Acme', s);
    const fresh = Object.values(s.signals).filter((r) => r.state === 'fresh');
    const healthyProver = fresh.some((r) => r.signal !== 'community' && r.level === 'operational');
    if (a.answer === 'no') {
      expect(healthyProver).toBe(true);
      expect(fresh.every((r) => r.level === 'operational')).toBe(true);
    }
    if (a.answer === 'yes' || a.answer === 'partly') {
      expect(a.evidence.length).toBeGreaterThan(0);
      expect(a.evidence.every((r) => r.signal !== null && s.signals[r.signal].state === 'fresh')).toBe(true);
    }
    if (fresh.length === 0) expect(a.answer).toBe('unknown');
    expect(a.sentence.startsWith(a.answer === 'unknown' ? 'We have no fresh evidence' : 'Acme')).toBe(true);
  });

  it('answers No, naming what it saw, when the page and the probe are healthy', () => {
    const a = answerIsItDown('Acme', status('fresh-ok', 'healthy'));
    expect([a.answer, a.label]).toEqual(['no', 'No']);
    expect(a.sentence).toContain('The status page lists all 2 components as operational');
    expect(a.sentence).toContain('rejected our invalid key as expected');
  });

  it('answers Partly for an open major incident and for failing probes, with the reason', () => {
    const incident = answerIsItDown('Acme', status('fresh-incident', 'healthy'));
    expect([incident.answer, incident.sentence]).toEqual([
      'partly',
      expect.stringContaining('Elevated error rates on the API'),
    ]);
    const probes = answerIsItDown('Acme', status('absent', 'failing'));
    expect([probes.answer, probes.evidence[0]!.signal]).toEqual(['partly', 'probe']);
  });

  it('answers Yes only for a major outage that a fresh signal reports', () => {
    const down = official('fresh-ok');
    const a = answerIsItDown(
      'Acme',
      status('fresh-ok', 'absent', 'quiet', 'auth', {
        ...down,
        components: down.components.map((c) => ({ ...c, level: 'major_outage' as const })),
      }),
    );
    expect([a.answer, a.label]).toEqual(['yes', 'Yes']);
    expect(a.sentence).toContain('Acme has a major outage');
  });

  it('says only "may be partly down" on community reports alone, and "We can\'t tell" without fresh data', () => {
    const a = answerIsItDown('Acme', status('absent', 'absent', 'spike'));
    expect([a.answer, a.sentence]).toEqual([
      'partly',
      expect.stringMatching(/^Acme may be partly down: Users report problems/),
    ]);
    expect(answerIsItDown('Acme', status('stale', 'stale')).label).toBe("We can't tell right now");
  });

  it('maps every level to an answer', () => {
    expect(LEVELS.map((l) => ANSWER_OF_LEVEL[l])).toEqual(['no', 'partly', 'partly', 'partly', 'yes', 'unknown']);
  });
});

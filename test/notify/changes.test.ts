// What becomes an event, and which subscriptions it reaches: pure rules over every case that matters.
import { describe, expect, it } from 'vitest';
import { LEVELS, type Level, type StatusEvent } from '../../src/domain.ts';
import { detectChanges, heldLevel, type CurrentIncident, type PendingLevel } from '../../src/notify/changes.ts';
import { matchesFilter, type SubscriptionFilter } from '../../src/notify/filter.ts';
import { timestampSignature, verifyTimestampSignature } from '../../src/notify/signature.ts';

const incident = (over: Partial<CurrentIncident> = {}): CurrentIncident => ({
  id: 1,
  kind: 'incident',
  origin: 'official',
  title: 'Elevated errors',
  state: 'investigating',
  impact: 'major',
  url: null,
  unlistedAt: null,
  updates: [{ body: 'Investigating' }],
  components: [{ name: 'API' }],
  startedAt: 0,
  ...over,
});

const types = (r: ReturnType<typeof detectChanges>) => r.changes.map((c) => c.type);

describe('detectChanges', () => {
  it('only records on the first look at a provider', () => {
    const r = detectChanges({
      announcedLevel: null,
      level: 'major_outage',
      incidents: [incident()],
      announced: new Map(),
    });
    expect(r.changes).toEqual([]);
    expect(r.level).toBe('major_outage');
    expect(r.incidents).toHaveLength(1);
  });

  it('still only records while nothing known was ever announced (an unknown first look)', () => {
    const r = detectChanges({
      announcedLevel: 'unknown',
      level: 'partial_outage',
      incidents: [incident()],
      announced: new Map(),
    });
    expect(r.changes).toEqual([]);
    expect(r.level).toBe('partial_outage');
    expect(r.incidents).toHaveLength(1);
  });

  it('announces a change between known levels, never to or from unknown', () => {
    for (const before of LEVELS) {
      for (const after of LEVELS) {
        const r = detectChanges({ announcedLevel: before, level: after, incidents: [], announced: new Map() });
        const expected = before !== after && before !== 'unknown' && after !== 'unknown';
        expect(types(r), `${before} → ${after}`).toEqual(expected ? ['level_changed'] : []);
        expect(r.level).toBe(after === 'unknown' ? before : after);
      }
    }
  });

  it("follows an incident's course: opened, updated, resolved, once each", () => {
    const announced = new Map<number, { state: string; active: boolean; updates: number }>();
    const step = (i: CurrentIncident) => {
      const r = detectChanges({ announcedLevel: 'operational', level: 'operational', incidents: [i], announced });
      for (const x of r.incidents) announced.set(x.id, x.state);
      return types(r);
    };
    expect(step(incident())).toEqual(['incident_opened']);
    expect(step(incident())).toEqual([]);
    expect(step(incident({ updates: [{ body: 'a' }, { body: 'b' }] }))).toEqual(['incident_updated']);
    expect(step(incident({ state: 'monitoring', updates: [{ body: 'a' }, { body: 'b' }] }))).toEqual([
      'incident_updated',
    ]);
    expect(step(incident({ state: 'resolved', updates: [{ body: 'a' }, { body: 'b' }] }))).toEqual([
      'incident_resolved',
    ]);
    expect(step(incident({ state: 'resolved', updates: [{ body: 'a' }, { body: 'b' }, { body: 'c' }] }))).toEqual([]);
  });

  it('announces maintenance when it starts and ends, and an unlisted incident as over', () => {
    const base = { announcedLevel: 'operational' as Level, level: 'operational' as Level };
    const scheduled = incident({ id: 2, kind: 'maintenance', state: 'scheduled', impact: 'maintenance' });
    const r1 = detectChanges({ ...base, incidents: [scheduled], announced: new Map() });
    expect(types(r1)).toEqual([]);
    const after1 = new Map(r1.incidents.map((x) => [x.id, x.state]));
    const r2 = detectChanges({ ...base, incidents: [{ ...scheduled, state: 'in_progress' }], announced: after1 });
    expect(types(r2)).toEqual(['maintenance_started']);
    const after2 = new Map(r2.incidents.map((x) => [x.id, x.state]));
    const r3 = detectChanges({ ...base, incidents: [{ ...scheduled, state: 'completed' }], announced: after2 });
    expect(types(r3)).toEqual(['maintenance_ended']);
    const open = new Map([[1, { state: 'investigating', active: true, updates: 1 }]]);
    const r4 = detectChanges({ ...base, incidents: [incident({ unlistedAt: 5 })], announced: open });
    expect(types(r4)).toEqual(['incident_resolved']);
  });
});

const event = (over: Partial<StatusEvent> = {}): StatusEvent => ({
  id: 'e1',
  type: 'level_changed',
  at: '2026-11-22T12:00:00.000Z',
  provider: { slug: 'openai', name: 'OpenAI' },
  level: 'degraded',
  previousLevel: 'operational',
  incident: null,
  components: ['Chat Completions'],
  url: 'https://status.example/openai',
  ...over,
});
const any: SubscriptionFilter = { providers: null, components: null, errors: null, minLevel: null };

describe('matchesFilter', () => {
  it('matches on providers, components (any case), error types and the minimum level', () => {
    const e = { event: event(), errors: ['server-error'] };
    expect(matchesFilter(any, e)).toBe(true);
    expect(matchesFilter({ ...any, providers: ['anthropic'] }, e)).toBe(false);
    expect(matchesFilter({ ...any, providers: ['openai'] }, e)).toBe(true);
    expect(matchesFilter({ ...any, components: ['chat completions'] }, e)).toBe(true);
    expect(matchesFilter({ ...any, components: ['Images'] }, e)).toBe(false);
    expect(matchesFilter({ ...any, errors: ['auth-error'] }, e)).toBe(false);
    expect(matchesFilter({ ...any, errors: ['server-error'] }, e)).toBe(true);
    expect(matchesFilter({ ...any, minLevel: 'degraded' }, e)).toBe(true);
    expect(matchesFilter({ ...any, minLevel: 'partial_outage' }, e)).toBe(false);
  });

  it('lets a recovery through to those who heard of the outage, and weighs an incident by its impact', () => {
    const recovered = { event: event({ level: 'operational', previousLevel: 'major_outage' }), errors: [] };
    expect(matchesFilter({ ...any, minLevel: 'major_outage' }, recovered)).toBe(true);
    const critical = event({
      type: 'incident_opened',
      level: 'operational',
      previousLevel: 'operational',
      incident: {
        id: '1',
        title: 't',
        source: 'official',
        kind: 'incident',
        state: 'investigating',
        impact: 'critical',
        link: null,
      },
    });
    expect(matchesFilter({ ...any, minLevel: 'major_outage' }, { event: critical, errors: [] })).toBe(true);
  });
});

describe('pre-standard webhook signatures', () => {
  it('sign the timestamp and the raw body with the secret, and any change breaks them', () => {
    const sig = timestampSignature('whsec_x', '1700000000', '{"a":1}');
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyTimestampSignature('whsec_x', '1700000000', '{"a":1}', sig)).toBe(true);
    expect(verifyTimestampSignature('whsec_x', '1700000001', '{"a":1}', sig)).toBe(false);
    expect(verifyTimestampSignature('whsec_x', '1700000000', '{"a":2}', sig)).toBe(false);
    expect(verifyTimestampSignature('whsec_y', '1700000000', '{"a":1}', sig)).toBe(false);
  });
});

describe('heldLevel', () => {
  const HOLD = 60_000;
  const known = LEVELS.filter((l) => l !== 'unknown');

  it('announces a change only once it has held for the hold, over every pair of known levels', () => {
    for (const announced of known)
      for (const level of known) {
        if (level === announced) {
          expect(heldLevel(announced, level, null, 0, HOLD)).toEqual({ level, pending: null });
          continue;
        }
        const first = heldLevel(announced, level, null, 1_000, HOLD);
        expect(first).toEqual({ level: announced, pending: { level, since: 1_000 } });
        const early = heldLevel(announced, level, first.pending, 1_000 + HOLD - 1, HOLD);
        expect(early.level).toBe(announced);
        expect(heldLevel(announced, level, early.pending, 1_000 + HOLD, HOLD)).toEqual({ level, pending: null });
      }
  });

  it('sends nothing for a flap shorter than the hold, and starts the hold again for another level', () => {
    let pending: PendingLevel | null = null;
    let step = heldLevel('operational', 'major_outage', pending, 0, HOLD);
    pending = step.pending;
    step = heldLevel('operational', 'operational', pending, 30_000, HOLD);
    expect(step).toEqual({ level: 'operational', pending: null });
    step = heldLevel('operational', 'degraded', { level: 'major_outage', since: 0 }, 70_000, HOLD);
    expect(step).toEqual({ level: 'operational', pending: { level: 'degraded', since: 70_000 } });
  });

  it('never holds unknown or a first look (they announce nothing)', () => {
    for (const level of LEVELS) {
      expect(heldLevel(null, level, null, 0, HOLD)).toEqual({ level, pending: null });
      expect(heldLevel('unknown', level, null, 0, HOLD)).toEqual({ level, pending: null });
    }
    expect(heldLevel('operational', 'unknown', { level: 'degraded', since: 0 }, 1, HOLD)).toEqual({
      level: 'unknown',
      pending: null,
    });
  });
});

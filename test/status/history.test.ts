// The pure daily history: time split at UTC midnight, gaps left out, a day's level (never green without data),
// uptime with maintenance left out, probe totals, and a history's days and incidents.
import { describe, expect, it } from 'vitest';
import { LEVELS, type Level } from '../../src/domain.ts';
import {
  buildHistory,
  dateOfDay,
  dayLevel,
  dayOf,
  dayOfDate,
  elapsedTime,
  HISTORY_MAX_GAP_MS,
  probeDay,
  API_SUBJECT,
  componentSubject,
  countedAgainst,
  DOWN_LEVELS,
  downLevelOf,
  splitByDay,
  uptime,
  uptimeFigure,
  withIncidents,
  type HistoryIncident,
  type LevelMs,
} from '../../src/status/history.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.ts';

const MIDNIGHT = Date.UTC(2026, 10, 29);
const DAY = dayOf(MIDNIGHT);

describe('time per day', () => {
  it('splits a span at UTC midnight, every millisecond on exactly one day', () => {
    expect(splitByDay(MIDNIGHT - 90_000, MIDNIGHT + 30_000)).toEqual([
      { day: DAY - 1, ms: 90_000 },
      { day: DAY, ms: 30_000 },
    ]);
    expect(splitByDay(MIDNIGHT, MIDNIGHT + MINUTE_MS)).toEqual([{ day: DAY, ms: MINUTE_MS }]);
    expect(splitByDay(MIDNIGHT, MIDNIGHT)).toEqual([]);
  });

  it('gives the time since the previous sample to the levels that sample saw, across midnight', () => {
    const previous = {
      at: MIDNIGHT - 30_000,
      levels: { api: 'degraded' as Level, 'component:a': 'operational' as Level },
    };
    expect(elapsedTime(previous, MIDNIGHT + 30_000)).toEqual([
      { subject: 'api', day: DAY - 1, level: 'degraded', ms: 30_000 },
      { subject: 'api', day: DAY, level: 'degraded', ms: 30_000 },
      { subject: 'component:a', day: DAY - 1, level: 'operational', ms: 30_000 },
      { subject: 'component:a', day: DAY, level: 'operational', ms: 30_000 },
    ]);
  });

  it('counts nothing for a first sample, a gap past the bound, or a clock that went back', () => {
    const previous = { at: MIDNIGHT, levels: { api: 'operational' as Level } };
    expect(elapsedTime(null, MIDNIGHT)).toEqual([]);
    expect(elapsedTime(previous, MIDNIGHT + HISTORY_MAX_GAP_MS + 1)).toEqual([]);
    expect(elapsedTime(previous, MIDNIGHT + HISTORY_MAX_GAP_MS)).toHaveLength(1);
    expect(elapsedTime(previous, MIDNIGHT - 1)).toEqual([]);
  });
});

describe('a day and its uptime', () => {
  it('reads no_data for a day without time, unknown for a day only unknown, else the worst level held', () => {
    expect(dayLevel({})).toBe('no_data');
    expect(dayLevel({ operational: 0 })).toBe('no_data');
    expect(dayLevel({ unknown: MINUTE_MS })).toBe('unknown');
    expect(dayLevel({ operational: DAY_MS - MINUTE_MS, unknown: MINUTE_MS })).toBe('operational');
    expect(dayLevel({ operational: HOUR_MS, major_outage: MINUTE_MS, degraded: HOUR_MS })).toBe('major_outage');
    expect(dayLevel({ operational: HOUR_MS, maintenance: HOUR_MS })).toBe('maintenance');
  });

  it('never calls a day operational unless it spent time operational and nothing worse', () => {
    for (const level of LEVELS) {
      for (const other of [...LEVELS, null]) {
        const ms: Partial<Record<Level, number>> = { [level]: MINUTE_MS };
        if (other) ms[other] = (ms[other] ?? 0) + MINUTE_MS;
        const read = dayLevel(ms);
        if (read === 'operational')
          expect([level, other].every((l) => l === null || l === 'operational' || l === 'unknown')).toBe(true);
        expect(read).not.toBe('no_data');
      }
    }
  });

  it('takes uptime over measured time, leaving maintenance and unknown time out; null without data', () => {
    expect(uptime([])).toBeNull();
    expect(uptime([{}, { unknown: DAY_MS }, { maintenance: HOUR_MS }])).toBeNull();
    expect(uptime([{ operational: 3 * HOUR_MS, major_outage: HOUR_MS, maintenance: 5 * HOUR_MS }])).toBe(0.75);
    expect(uptime([{ operational: HOUR_MS }, { partial_outage: HOUR_MS }, {}])).toBe(0.5);
  });

  it('counts only outages as down: degraded time is up, and measured', () => {
    expect(DOWN_LEVELS).toEqual(['partial_outage', 'major_outage']);
    expect(uptime([{ operational: HOUR_MS, degraded: HOUR_MS }])).toBe(1);
    expect(uptime([{ degraded: 12 * MINUTE_MS }])).toBe(1);
  });

  it('says what each figure is over: measured time and the days that had any', () => {
    expect(uptimeFigure([{ operational: DAY_MS }, {}, { unknown: HOUR_MS }, { degraded: 12 * MINUTE_MS }])).toEqual({
      share: 1,
      measuredMs: DAY_MS + 12 * MINUTE_MS,
      daysWithData: 2,
      days: 4,
    });
    expect(uptimeFigure([{}, { maintenance: HOUR_MS }])).toEqual({
      share: null,
      measuredMs: 0,
      daysWithData: 0,
      days: 2,
    });
  });

  it('totals a day of probe results: attempts, answers as expected, their median latency', () => {
    const results = [
      { outcome: 'rejected_as_expected' as const, latencyMs: 100 },
      { outcome: 'slow' as const, latencyMs: 900 },
      { outcome: 'rejected_as_expected' as const, latencyMs: 200 },
      { outcome: 'timeout' as const, latencyMs: null },
      { outcome: 'unexpected_status' as const, latencyMs: 5 },
    ];
    expect(probeDay(results)).toEqual({ attempts: 5, successes: 3, medianMs: 200 });
    expect(probeDay([])).toEqual({ attempts: 0, successes: 0, medianMs: null });
  });

  it('reads dates strictly', () => {
    expect(dateOfDay(DAY)).toBe('2026-11-29');
    expect(dayOfDate('2026-11-29')).toBe(DAY);
    for (const bad of ['2026-02-30', '2026-11-29x', '29-11-2026', '2026-13-01', '']) expect(dayOfDate(bad)).toBeNull();
  });
});

describe('a history of days', () => {
  const now = MIDNIGHT + 12 * HOUR_MS;
  const incident = (id: number, startedAt: number, endedAt: number | null): HistoryIncident => ({
    id,
    origin: 'official',
    cause: null,
    scope: 'api',
    componentKeys: [],
    kind: 'incident',
    title: `incident ${id}`,
    impact: 'minor',
    startedAt,
    endedAt,
    url: null,
  });

  it('lists every day ending today, no_data where nothing was recorded, with the incidents that touched it', () => {
    const history = buildHistory({
      now,
      count: 90,
      levels: [
        { day: DAY, level: 'operational', ms: 11 * HOUR_MS },
        { day: DAY, level: 'degraded', ms: HOUR_MS },
        { day: DAY - 2, level: 'operational', ms: DAY_MS },
      ],
      probes: [{ day: DAY, attempts: 10, successes: 9, medianMs: 120 }],
      incidents: [
        incident(1, MIDNIGHT - 2 * HOUR_MS, MIDNIGHT + HOUR_MS),
        incident(2, MIDNIGHT + 2 * HOUR_MS, null),
        incident(3, MIDNIGHT - 3 * DAY_MS, MIDNIGHT - 3 * DAY_MS + HOUR_MS),
      ],
    });
    expect(history.days).toHaveLength(90);
    expect(history.days.at(-1)).toMatchObject({ date: '2026-11-29', level: 'degraded' });
    expect(history.days.at(-1)!.probe).toEqual({ attempts: 10, successes: 9, medianMs: 120 });
    expect(history.days.at(-1)!.incidents.map((i) => i.id)).toEqual([1, 2]);
    expect(history.days.at(-2)).toMatchObject({ date: '2026-11-28', level: 'no_data', probe: null });
    expect(history.days.at(-2)!.incidents.map((i) => i.id)).toEqual([1]);
    expect(history.days.at(-3)!.level).toBe('operational');
    expect(history.days.at(-4)!.incidents.map((i) => i.id)).toEqual([3]);
    expect(history.days.filter((d) => d.level === 'no_data')).toHaveLength(88);
    expect(history.uptime30d.share).toBe(1);
    expect(history.uptime90d).toEqual({ share: 1, measuredMs: 36 * HOUR_MS, daysWithData: 2, days: 90 });
  });

  it('has null uptime without data', () => {
    const history = buildHistory({ now, count: 90, levels: [] });
    expect(history.uptime30d.share).toBeNull();
    expect(history.uptime90d.share).toBeNull();
    expect(history.days.every((d) => d.level === 'no_data')).toBe(true);
  });

  it('makes no figure from an outage on a day it never sampled, and counts it on a sampled day', () => {
    const outage = { ...incident(1, MIDNIGHT + HOUR_MS, MIDNIGHT + 2 * HOUR_MS), impact: 'critical' as const };
    const unsampled = buildHistory({ now, count: 90, levels: [], incidents: [outage], counted: [outage] });
    expect(unsampled.days.at(-1)!.level).not.toBe('no_data');
    expect(unsampled.uptime30d).toMatchObject({ share: null, daysWithData: 0 });
    const sampled = buildHistory({
      now,
      count: 90,
      levels: [{ day: DAY, level: 'operational', ms: 4 * HOUR_MS }],
      incidents: [outage],
      counted: [outage],
    });
    expect(sampled.uptime30d.share).toBe(0.75);
  });

  it('keeps the 30-day figure to the last 30 days', () => {
    const history = buildHistory({
      now,
      count: 90,
      levels: [
        { day: DAY - 40, level: 'major_outage', ms: DAY_MS },
        { day: DAY - 1, level: 'operational', ms: DAY_MS },
      ],
    });
    expect(history.uptime30d.share).toBe(1);
    expect(history.uptime90d.share).toBe(0.5);
  });
});

describe('incidents fold into the days they span', () => {
  const official = (over: Partial<HistoryIncident>): HistoryIncident => ({
    id: 1,
    origin: 'official',
    cause: null,
    kind: 'incident',
    scope: 'api',
    componentKeys: [],
    title: 'Claude API unavailable in some regions',
    impact: 'critical',
    startedAt: MIDNIGHT + 11 * HOUR_MS,
    endedAt: MIDNIGHT + 11 * HOUR_MS + 108 * MINUTE_MS,
    url: null,
    ...over,
  });
  const day = (recorded: LevelMs, incidents: HistoryIncident[], toAt = MIDNIGHT + DAY_MS) =>
    withIncidents(recorded, incidents, MIDNIGHT, toAt);

  it('counts an official critical API incident against a day the samples read all operational', () => {
    const ms = day({ operational: DAY_MS }, [official({})]);
    expect(ms).toEqual({ operational: DAY_MS - 108 * MINUTE_MS, major_outage: 108 * MINUTE_MS });
    expect(dayLevel(ms)).toBe('major_outage');
    expect(uptime([ms])).toBeLessThan(1);
  });

  it('counts a major one as a partial outage, and a probe outage we detected', () => {
    expect(day({ operational: DAY_MS }, [official({ impact: 'major' })]).partial_outage).toBe(108 * MINUTE_MS);
    const ours = official({ origin: 'detected', cause: 'probe', impact: 'major' });
    expect(day({ operational: DAY_MS }, [ours]).partial_outage).toBe(108 * MINUTE_MS);
  });

  it('leaves out maintenance, minor ones and report spikes', () => {
    const none = [
      official({ kind: 'maintenance', impact: 'maintenance' }),
      official({ impact: 'minor' }),
      official({ impact: 'unknown' }),
      official({ origin: 'detected', cause: 'community', impact: 'minor' }),
    ];
    for (const i of none) {
      expect(downLevelOf(i)).toBeNull();
      expect(day({ operational: DAY_MS }, [i])).toEqual({ operational: DAY_MS });
    }
  });

  it("counts the API's incidents against the API and an incident naming a component against that component", () => {
    const product = official({ id: 2, scope: 'product', componentKeys: ['console'] });
    const api = official({ id: 3, componentKeys: ['chat'] });
    expect(countedAgainst([product, api], API_SUBJECT)).toEqual([api]);
    expect(countedAgainst([product, api], componentSubject('console'))).toEqual([product]);
    expect(countedAgainst([product, api], componentSubject('embed'))).toEqual([]);
  });

  it('never counts an outage the samples already recorded twice, and overlapping incidents once', () => {
    const recorded = { operational: DAY_MS - 108 * MINUTE_MS, major_outage: 108 * MINUTE_MS };
    expect(day(recorded, [official({})])).toEqual(recorded);
    const twice = [official({}), official({ id: 2, startedAt: MIDNIGHT + 12 * HOUR_MS })];
    expect(day({ operational: DAY_MS }, twice).major_outage).toBe(108 * MINUTE_MS);
  });

  it('measures a day without samples by the incident alone: down, never 100 % and never "no data"', () => {
    const ms = day({}, [official({})]);
    expect(ms).toEqual({ major_outage: 108 * MINUTE_MS });
    expect(uptime([ms])).toBe(0);
  });

  it("counts today's open incident only up to now", () => {
    const now = MIDNIGHT + 12 * HOUR_MS;
    const ms = day({ operational: 12 * HOUR_MS }, [official({ endedAt: null })], now);
    expect(ms).toEqual({ operational: 11 * HOUR_MS, major_outage: HOUR_MS });
  });

  it('holds its invariants for any samples and incidents', () => {
    const levels: Level[] = ['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance', 'unknown'];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 500; round += 1) {
      const recorded: LevelMs = {};
      let left = DAY_MS;
      for (const level of levels) {
        const ms = Math.floor(random() * left * 0.5);
        if (random() < 0.5 && ms > 0) {
          recorded[level] = ms;
          left -= ms;
        }
      }
      const incidents = Array.from({ length: Math.floor(random() * 4) }, (_, id) => {
        const startedAt = MIDNIGHT - HOUR_MS + Math.floor(random() * (DAY_MS + 2 * HOUR_MS));
        const impact = (['minor', 'major', 'critical'] as const)[Math.floor(random() * 3)]!;
        return official({ id, impact, startedAt, endedAt: startedAt + Math.floor(random() * 6 * HOUR_MS) });
      });
      const ms = day(recorded, incidents);
      const total = (m: LevelMs) => Object.values(m).reduce((a, b) => a + b, 0);
      const down = (m: LevelMs) => (m.partial_outage ?? 0) + (m.major_outage ?? 0);
      expect(total(ms)).toBeLessThanOrEqual(DAY_MS);
      expect(down(ms)).toBeGreaterThanOrEqual(down(recorded));
      expect(ms.major_outage ?? 0).toBeGreaterThanOrEqual(recorded.major_outage ?? 0);
      expect(Object.values(ms).every((v) => v > 0)).toBe(true);
      const spans = incidents.filter((i) => downLevelOf(i) !== null);
      if (spans.some((i) => i.endedAt! > MIDNIGHT && i.startedAt < MIDNIGHT + DAY_MS)) {
        expect(uptime([ms])).not.toBe(1);
        expect(dayLevel(ms)).not.toBe('operational');
      }
    }
  });
});

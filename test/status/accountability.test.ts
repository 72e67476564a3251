// Acknowledgement lag: with and without overlap, who saw it first, the first post, and the 90-day figures.
import { describe, expect, it } from 'vitest';
import {
  ACCOUNTABILITY_WINDOW_MS,
  ackLagSeconds,
  ackLagsById,
  firstPostAt,
  spanOf,
  summariseAccountability,
  type IncidentSpan,
} from '../../src/status/accountability.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
let nextId = 1;
const span = (
  origin: IncidentSpan['origin'],
  startedAt: number,
  endAt: number | null,
  firstUpdateAt: number | null = null,
): IncidentSpan => ({ id: nextId++, origin, startedAt, endAt, firstUpdateAt });

describe('ackLagSeconds', () => {
  it('is the time from our start to their first post when ours came first and the two overlap', () => {
    const ours = span('detected', NOW - 60 * MINUTE_MS, NOW - 10 * MINUTE_MS);
    const theirs = span('official', NOW - 48 * MINUTE_MS, NOW - 5 * MINUTE_MS);
    expect(ackLagSeconds(theirs, [ours], NOW)).toBe(12 * 60);
  });

  it('counts their earliest post: a first update before the published start', () => {
    const theirs = span('official', NOW - 30 * MINUTE_MS, null, NOW - 40 * MINUTE_MS);
    expect(firstPostAt(theirs)).toBe(NOW - 40 * MINUTE_MS);
    expect(ackLagSeconds(theirs, [span('detected', NOW - 45 * MINUTE_MS, null)], NOW)).toBe(5 * 60);
  });

  it('is null when they posted first, when the two do not overlap, and without a detected incident', () => {
    const theirs = span('official', NOW - 60 * MINUTE_MS, NOW - 30 * MINUTE_MS);
    expect(ackLagSeconds(theirs, [span('detected', NOW - 50 * MINUTE_MS, NOW - 40 * MINUTE_MS)], NOW)).toBeNull();
    expect(ackLagSeconds(theirs, [span('detected', NOW - 3 * 60 * MINUTE_MS, NOW - 2 * 60 * MINUTE_MS)], NOW)).toBe(
      null,
    );
    expect(ackLagSeconds(theirs, [], NOW)).toBeNull();
  });

  it('takes our earliest overlapping incident, and an open one overlaps until now', () => {
    const theirs = span('official', NOW - 10 * MINUTE_MS, null);
    const early = span('detected', NOW - 30 * MINUTE_MS, NOW - 8 * MINUTE_MS);
    const open = span('detected', NOW - 20 * MINUTE_MS, null);
    expect(ackLagSeconds(theirs, [open, early], NOW)).toBe(20 * 60);
    expect(ackLagsById([theirs, early, open], NOW)).toEqual(new Map([[theirs.id, 20 * 60]]));
  });
});

describe('summariseAccountability', () => {
  it('gives the median and worst lag, what we saw first, never-acknowledged and missed incidents', () => {
    const day = (n: number) => NOW - n * DAY_MS;
    const incidents = [
      // Seen first by 10, 20 and 60 minutes.
      span('detected', day(10), day(10) + 90 * MINUTE_MS),
      span('official', day(10) + 10 * MINUTE_MS, day(10) + 80 * MINUTE_MS),
      span('detected', day(20), day(20) + 90 * MINUTE_MS),
      span('official', day(20) + 20 * MINUTE_MS, day(20) + 80 * MINUTE_MS),
      span('detected', day(30), day(30) + 90 * MINUTE_MS),
      span('official', day(30) + 60 * MINUTE_MS, day(30) + 80 * MINUTE_MS),
      // Seen, but they posted first.
      span('official', day(40), day(40) + 60 * MINUTE_MS),
      span('detected', day(40) + 5 * MINUTE_MS, day(40) + 50 * MINUTE_MS),
      // Never acknowledged, and missed.
      span('detected', day(50), day(50) + 30 * MINUTE_MS),
      span('official', day(60), day(60) + 30 * MINUTE_MS),
      // Outside the window.
      span('official', day(100), day(100) + 30 * MINUTE_MS),
      span('detected', day(120), day(120) + 30 * MINUTE_MS),
    ];
    const figures = summariseAccountability(incidents, NOW);
    expect(figures).toMatchObject({
      medianAckLagSeconds: 20 * 60,
      worstAckLagSeconds: 60 * 60,
      seenFirst: 3,
      unacknowledged: 1,
      missed: 1,
      officialCount: 5,
      detectedCount: 5,
    });
    expect(ACCOUNTABILITY_WINDOW_MS).toBe(90 * DAY_MS);
  });

  it('has no lag figures without incidents we saw first', () => {
    expect(summariseAccountability([span('official', NOW - DAY_MS, NOW - DAY_MS / 2)], NOW)).toMatchObject({
      medianAckLagSeconds: null,
      worstAckLagSeconds: null,
      seenFirst: 0,
      missed: 1,
      unacknowledged: 0,
    });
  });
});

describe('spanOf', () => {
  it('ends a closed incident without an end time with its latest update, and leaves an open one open', () => {
    const base = { id: 1, origin: 'official' as const, startedAt: NOW - 60 * MINUTE_MS, unlistedAt: null };
    const updates = [{ at: NOW - 10 * MINUTE_MS }, { at: NOW - 50 * MINUTE_MS }];
    expect(spanOf({ ...base, state: 'resolved', resolvedAt: null, updates })).toMatchObject({
      endAt: NOW - 10 * MINUTE_MS,
      firstUpdateAt: NOW - 50 * MINUTE_MS,
    });
    expect(spanOf({ ...base, state: 'investigating', resolvedAt: null, updates }).endAt).toBeNull();
    expect(spanOf({ ...base, state: 'resolved', resolvedAt: NOW, updates: [] }).endAt).toBe(NOW);
  });
});

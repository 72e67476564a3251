// The correlation rule over combinations: two providers never, three within the window always, windows straddling
// its length, chains of starts spread over more than it, our own network's fault, and providers recovering.
import { describe, expect, it } from 'vitest';
import {
  CORRELATION_MIN_PROVIDERS,
  CORRELATION_WINDOW_MS,
  correlate,
  groupOf,
  type TroubleStart,
} from '../../src/status/correlation.ts';
import type { LocalFault } from '../../src/status/probe.ts';
import { MINUTE_MS, SECOND_MS } from '../../src/time.ts';

const T = Date.UTC(2026, 10, 22, 12, 0, 0);
const at = (slug: string, minutes: number): TroubleStart => ({ slug, since: T + minutes * MINUTE_MS });
const slugsOf = (troubled: TroubleStart[]) =>
  correlate(troubled, null).groups.map((g) => g.providers.map((p) => p.slug));

describe('the correlation rule', () => {
  it('is written once: three providers within fifteen minutes', () => {
    expect(CORRELATION_MIN_PROVIDERS).toBe(3);
    expect(CORRELATION_WINDOW_MS).toBe(15 * MINUTE_MS);
  });

  it('never flags two providers, even at the same instant; always flags three', () => {
    expect(slugsOf([at('a', 0), at('b', 0)])).toEqual([]);
    expect(slugsOf([at('a', 0), at('b', 1)])).toEqual([]);
    expect(slugsOf([at('a', 0), at('b', 1), at('c', 2)])).toEqual([['a', 'b', 'c']]);
    expect(slugsOf([at('a', 0), at('b', 0), at('c', 0)])).toEqual([['a', 'b', 'c']]);
  });

  it('needs the third start within the window, its end included', () => {
    const inside = [at('a', 0), at('b', 7), { slug: 'c', since: T + CORRELATION_WINDOW_MS }];
    const outside = [at('a', 0), at('b', 7), { slug: 'c', since: T + CORRELATION_WINDOW_MS + SECOND_MS }];
    expect(slugsOf(inside)).toEqual([['a', 'b', 'c']]);
    expect(slugsOf(outside)).toEqual([]);
    const straddling = [at('a', 0), { slug: 'b', since: T + 14 * MINUTE_MS + 59 * SECOND_MS }, at('c', 16)];
    // b and c are within the window of each other, a and b too, but no window holds all three.
    expect(slugsOf(straddling)).toEqual([]);
  });

  it('dates a group by its first start and lists members by start, whatever the input order', () => {
    const { groups } = correlate([at('c', 9), at('a', 3), at('b', 5)], null);
    expect(groups).toEqual([
      { since: T + 3 * MINUTE_MS, lastSince: T + 9 * MINUTE_MS, providers: [at('a', 3), at('b', 5), at('c', 9)] },
    ]);
  });

  it('keeps a chain of starts over more than the window as one group while every member has two neighbours', () => {
    // 0, 10, 20, 30, 40: each start has another within 10 minutes on either side, so each window of 15 holds
    // only two: no group. Tighter, 0, 5, 10, 16, 22: every member shares a window with two others.
    expect(slugsOf([at('a', 0), at('b', 10), at('c', 20), at('d', 30), at('e', 40)])).toEqual([]);
    expect(slugsOf([at('a', 0), at('b', 5), at('c', 10), at('d', 16), at('e', 22)])).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
    ]);
  });

  it('leaves out a straggler and keeps separate groups apart', () => {
    expect(slugsOf([at('a', 0), at('b', 1), at('c', 2), at('late', 40)])).toEqual([['a', 'b', 'c']]);
    expect(slugsOf([at('a', 0), at('b', 1), at('c', 2), at('x', 60), at('y', 61), at('z', 70)])).toEqual([
      ['a', 'b', 'c'],
      ['x', 'y', 'z'],
    ]);
    // An early start days before a group does not join it.
    expect(slugsOf([at('old', -3 * 24 * 60), at('a', 0), at('b', 1), at('c', 2)])).toEqual([['a', 'b', 'c']]);
  });

  it('drops the group when a member recovers and two remain, and keeps it while three remain', () => {
    const four = [at('a', 0), at('b', 2), at('c', 4), at('d', 6)];
    expect(slugsOf(four)).toEqual([['a', 'b', 'c', 'd']]);
    expect(slugsOf(four.filter((s) => s.slug !== 'b'))).toEqual([['a', 'c', 'd']]);
    expect(slugsOf(four.filter((s) => s.slug !== 'b' && s.slug !== 'c'))).toEqual([]);
  });

  it('draws no group while our own probes fail the same way for most providers, and says so', () => {
    const fault: LocalFault = { outcome: 'connection_error', since: T, affected: 4, probed: 6 };
    expect(correlate([at('a', 0), at('b', 0), at('c', 0), at('d', 0)], fault)).toEqual({
      groups: [],
      localFault: fault,
    });
  });

  it('finds the group of a member, and none for others', () => {
    const c = correlate([at('a', 0), at('b', 1), at('c', 2), at('late', 40)], null);
    expect(groupOf(c, 'b')?.since).toBe(T);
    expect(groupOf(c, 'late')).toBeUndefined();
  });

  it('over every subset of five providers started a minute apart: a group exactly when three or more', () => {
    const all = ['a', 'b', 'c', 'd', 'e'].map((slug, i) => at(slug, i));
    for (let mask = 0; mask < 1 << all.length; mask += 1) {
      const subset = all.filter((_, i) => mask & (1 << i));
      const groups = correlate(subset, null).groups;
      expect(groups.length, subset.map((s) => s.slug).join()).toBe(subset.length >= 3 ? 1 : 0);
      if (groups.length === 1) expect(groups[0]!.providers).toEqual(subset);
    }
  });
});

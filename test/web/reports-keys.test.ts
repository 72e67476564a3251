// Client keys and form tokens: networks (IPv6 grouped by /64), salts rotated daily and held only in memory,
// render times signed so a cached page's form can prove its age.
import { describe, expect, it } from 'vitest';
import { createClientKeys, networkOf } from '../../src/web/http/client-key.ts';
import { REPORT_FORM_MAX_AGE_MS, REPORT_MIN_FILL_MS, createFormTokens } from '../../src/web/http/form-token.ts';
import { DAY_MS, HOUR_MS, SECOND_MS } from '../../src/time.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('networkOf', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::ffff:c633:6407', '198.51.100.7'],
    ['not an address', 'unknown'],
    ['', 'unknown'],
  ])('%s counts as %s', (ip, network) => {
    expect(networkOf(ip)).toBe(network);
  });
});

describe('client keys', () => {
  it('are the same for one network within a day and never contain the address', () => {
    const keys = createClientKeys();
    const a = keys.keyOf('2001:db8:1:2::1', NOW);
    expect(keys.keyOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd', NOW + HOUR_MS)).toBe(a);
    expect(keys.keyOf('2001:db8:1:3::1', NOW)).not.toBe(a);
    expect(keys.keyOf('198.51.100.7', NOW)).toBe(keys.keyOf('::ffff:198.51.100.7', NOW));
    expect(keys.keyOf('198.51.100.7', NOW)).not.toBe(keys.keyOf('198.51.100.8', NOW));
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("change with the UTC day; yesterday's key stays available for deduplication, older ones are forgotten", () => {
    const keys = createClientKeys();
    const day1 = keys.keyOf('198.51.100.7', NOW);
    const day2 = keys.keysOf('198.51.100.7', NOW + DAY_MS);
    expect(day2).toHaveLength(2);
    expect(day2[0]).not.toBe(day1);
    expect(day2[1]).toBe(day1);
    expect(keys.keysOf('198.51.100.7', NOW + 3 * DAY_MS)).toHaveLength(1);
    expect(keys.keysOf('198.51.100.7', NOW + 3 * DAY_MS)[0]).not.toBe(day2[0]);
  });

  it('differ between two processes (salts are random, never derived from anything stored)', () => {
    expect(createClientKeys().keyOf('198.51.100.7', NOW)).not.toBe(createClientKeys().keyOf('198.51.100.7', NOW));
  });
});

describe('form tokens', () => {
  const tokens = createFormTokens();

  it('tell the age of the form to the second', () => {
    const token = tokens.issue('openai', NOW + 400);
    expect(tokens.check('openai', token, NOW + 4 * SECOND_MS)).toEqual({ ok: true, ageMs: 4 * SECOND_MS });
    expect(REPORT_MIN_FILL_MS).toBeGreaterThan(0);
  });

  it("refuse another provider's token, a tampered one, one from another secret, and garbage", () => {
    const token = tokens.issue('openai', NOW);
    expect(tokens.check('anthropic', token, NOW).ok).toBe(false);
    const [seconds, signature] = token.split('.');
    expect(tokens.check('openai', `${(parseInt(seconds!, 36) - 60).toString(36)}.${signature}`, NOW).ok).toBe(false);
    const flipped = signature!.endsWith('A') ? 'B' : 'A';
    expect(tokens.check('openai', `${seconds}.${signature!.slice(0, -1)}${flipped}`, NOW).ok).toBe(false);
    expect(createFormTokens().check('openai', token, NOW).ok).toBe(false);
    for (const garbage of ['', '.', 'abc', 'zz.zz', `${seconds}.`, `.${signature}`, `${seconds}.${signature}.x`]) {
      expect(tokens.check('openai', garbage, NOW).ok).toBe(false);
    }
  });

  it('expire after the maximum age and do not come from the future', () => {
    const token = tokens.issue('openai', NOW);
    expect(tokens.check('openai', token, NOW + REPORT_FORM_MAX_AGE_MS).ok).toBe(true);
    expect(tokens.check('openai', token, NOW + REPORT_FORM_MAX_AGE_MS + SECOND_MS)).toEqual({
      ok: false,
      problem: expect.stringContaining('expired'),
    });
    expect(tokens.check('openai', token, NOW - SECOND_MS).ok).toBe(false);
  });
});

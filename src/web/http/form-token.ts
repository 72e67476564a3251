// Report form tokens: the page's render time signed with a daily key derived from a secret (random and held only in
// memory, or the shared SECRET so a form rendered on one node posts to another). Every visitor of a cached page gets
// the same token (no cookie, no per-visitor state), and the server can still tell how long ago the form was served.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DAY_MS, HOUR_MS, SECOND_MS } from '../../time.ts';
import { PAGE_REFRESH_MS } from './render-cache.ts';

/**
 * A report sent sooner than this after the page was rendered is answered politely and not counted. At least the
 * render cache's refresh time, so a post straight after fetching a page from our cache never passes.
 */
export const REPORT_MIN_FILL_MS = Math.max(5 * SECOND_MS, PAGE_REFRESH_MS);
/** A form older than this (or from before a restart, which replaces the secret) must be reloaded. */
export const REPORT_FORM_MAX_AGE_MS = 24 * HOUR_MS;

export type TokenCheck = { ok: true; ageMs: number } | { ok: false; problem: string };

export type FormTokens = {
  /** The token of a form on `slug`'s pages rendered at `at`. */
  issue(slug: string, at: number): string;
  check(slug: string, token: string, now: number): TokenCheck;
};

export function createFormTokens(secret: Buffer | string = randomBytes(32)): FormTokens {
  const keys = new Map<number, Buffer>();
  /** The key of the UTC day the form was rendered on; yesterday's forms check against yesterday's key. */
  function keyOf(seconds: string): Buffer {
    const day = Math.floor((parseInt(seconds, 36) * SECOND_MS) / DAY_MS);
    let key = keys.get(day);
    if (!key) {
      key = createHmac('sha256', secret).update(`form-token ${day}`).digest();
      // Forged tokens name any day: keep a handful of keys, not one per day asked about.
      if (keys.size >= 4) keys.clear();
      keys.set(day, key);
    }
    return key;
  }
  const sign = (slug: string, seconds: string) =>
    createHmac('sha256', keyOf(seconds)).update(`${slug}\n${seconds}`).digest('base64url').slice(0, 22);
  return {
    issue(slug, at) {
      const seconds = Math.floor(at / SECOND_MS).toString(36);
      return `${seconds}.${sign(slug, seconds)}`;
    },
    check(slug, token, now) {
      const [seconds = '', signature = '', ...rest] = token.split('.');
      const expected = Buffer.from(sign(slug, seconds));
      const given = Buffer.from(signature);
      if (
        rest.length > 0 ||
        !/^[0-9a-z]{1,12}$/.test(seconds) ||
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      ) {
        return {
          ok: false,
          problem:
            'This report form is not valid here, or the site restarted since it was loaded. Reload the page ' +
            'and send your report again.',
        };
      }
      const ageMs = now - parseInt(seconds, 36) * SECOND_MS;
      if (ageMs < 0 || ageMs > REPORT_FORM_MAX_AGE_MS) {
        return { ok: false, problem: 'This report form has expired. Reload the page and send your report again.' };
      }
      return { ok: true, ageMs };
    },
  };
}

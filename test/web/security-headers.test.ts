// Security headers: helmet's output for the site's policy, computed once; HTTPS-only rules follow SITE_URL.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { helmetOptions, securityHeaders } from '../../src/web/http/security-headers.ts';

describe('securityHeaders', () => {
  it('gives the strict CSP and the usual protections, without HTTPS rules on an http site', () => {
    const headers = securityHeaders(helmetOptions(parseConfig({})));
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';script-src 'self';script-src-attr 'none';style-src 'self';img-src " +
        "'self' data:;font-src 'self';connect-src 'self';form-action 'self';frame-ancestors 'none';object-src 'none'",
    );
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('adds HSTS and upgrade-insecure-requests behind https', () => {
    const headers = securityHeaders(helmetOptions(parseConfig({ SITE_URL: 'https://status.example.com' })));
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});

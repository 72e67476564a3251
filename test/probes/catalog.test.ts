// The catalog's probes: https only, an obviously fake key in every credential header, a 4xx rejection with a signature.
import { describe, expect, it } from 'vitest';
import { hostTasks } from '../../src/jobs/probe.ts';
import { realCatalog } from '../helpers/catalog.ts';

const providers = realCatalog().providers;
const probed = providers.filter((p) => p.probe !== null);
const CREDENTIAL_HEADERS = /^(authorization|x-api-key|xi-api-key|x-goog-api-key|api-key)$/i;

describe('catalog probes', () => {
  it('probe most providers, each over https', () => {
    expect(probed.length).toBeGreaterThanOrEqual(15);
    for (const p of probed) expect(new URL(p.probe!.url).protocol, p.slug).toBe('https:');
  });

  it('carry a credential header whose key says it is invalid, never a real-looking secret', () => {
    for (const p of probed) {
      const credentials = Object.entries(p.probe!.headers).filter(([name]) => CREDENTIAL_HEADERS.test(name));
      expect(credentials.length, `${p.slug} sends a key`).toBeGreaterThan(0);
      for (const [, value] of credentials) expect(value, p.slug).toMatch(/invalid/i);
    }
  });

  it('expect a client-error rejection with a body signature', () => {
    for (const p of probed) {
      const e = p.probe!.expect;
      expect(
        e.statuses.every((s) => s >= 400 && s < 500),
        p.slug,
      ).toBe(true);
      expect(e.path !== undefined || e.contains !== undefined, p.slug).toBe(true);
    }
  });

  it('call a different host each, so one task per host is one provider', () => {
    const tasks = hostTasks(providers);
    expect(tasks).toHaveLength(probed.length);
    expect(tasks.map((t) => t.providers.map((p) => p.slug))).toEqual(probed.map((p) => [p.slug]));
  });
});

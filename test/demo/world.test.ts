// The demo world against the real server: every scenario reaches its API level within seconds, four levels or more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/demo/world.ts';
import { startDemo, type Demo } from '../helpers/demo.ts';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
}, 20_000);
afterAll(async () => demo?.close());

describe('npm run demo', () => {
  it('settles every scenario at its API level and shows at least four different levels', async () => {
    const levels = await demo.settled();
    expect(levels).toEqual(Object.fromEntries(SCENARIOS.map((s) => [s.slug, s.settles])));
    expect(new Set(Object.values(levels)).size).toBeGreaterThanOrEqual(4);
  }, 40_000);

  it('serves every page family of every scenario', async () => {
    for (const s of SCENARIOS)
      for (const path of [`/${s.slug}`, `/${s.slug}/error/auth-error`, `/${s.slug}/is-it-down`]) {
        const response = await fetch(`${demo.origin}${path}`);
        expect(response.status, path).toBe(200);
      }
  });
});

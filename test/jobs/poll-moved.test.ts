// A page that moved platform: a Statuspage URL that starts answering as Better Stack is found by its signature on the
// same host within 3 polls, read as Better Stack from then on, told to the operator and said on the provider's page.
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../src/time.ts';
import { textOf, type Harness } from '../helpers/app.ts';
import { pollOne, type PollOne, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const SLUG = 'fireworks-ai';
const SPA = { type: 'text/html; charset=utf-8', body: '<!doctype html><html><div id="app"></div></html>' };

describe('a status page that moved platform', () => {
  let one: PollOne | undefined;
  let h: Harness;
  let rig: PollRig;
  let up: Upstream;
  const moves: string[] = [];
  afterEach(() => one?.close());

  async function setUp() {
    moves.length = 0;
    up = await startUpstream({
      '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic.json')),
      '/api/v2/incidents.json': json(fixture('statuspage-incidents-anthropic.json')),
      '/api/v2/scheduled-maintenances.json': json(fixture('statuspage-scheduled-maintenances-upcoming.json')),
    });
    one = await pollOne(SLUG, { format: 'statuspage', url: up.url }, up, {
      recorder: { pollAttempt: () => undefined, platformMoved: (p, f) => void moves.push(`${p} ${f}`) },
    });
    ({ h, rig } = one);
  }
  const poll = async () => {
    h.clock.now += MINUTE_MS;
    await rig.job.runCycle();
  };
  const api = async () => (await h.app.inject({ url: `/api/v1/providers/${SLUG}` })).json();

  it('is read again as Better Stack within 3 polls, and the page says so', async () => {
    await setUp();
    await poll();
    expect((await api()).components.map((c: { name: string }) => c.name)).toContain('claude.ai');

    // The page moves: its Statuspage documents now answer the new platform's HTML app; /index.json answers.
    for (const path of ['/api/v2/summary.json', '/api/v2/incidents.json', '/api/v2/scheduled-maintenances.json']) {
      up.set(path, SPA);
    }
    up.set('/index.json', json(fixture('betterstack-index-huggingface.json'), { type: 'application/vnd.api+json' }));
    // Failing polls back off (1, then 2 intervals): each step waits long enough for the next poll to be due.
    let polls = 0;
    let readAs = 0;
    for (let step = 0; readAs === 0 && polls < 3 && step < 10; step += 1) {
      const asked = up.requests.length;
      h.clock.now += 2 * MINUTE_MS;
      await rig.job.runCycle();
      if (up.requests.length === asked) continue;
      polls += 1;
      const names = (await api()).components.map((c: { name: string }) => c.name);
      if (names.includes('Inference Providers')) readAs = polls;
    }
    expect(readAs).toBeGreaterThan(0);
    expect(readAs).toBeLessThanOrEqual(3);
    expect(moves).toEqual([`${SLUG} betterstack`]);

    const body = await api();
    expect(body.components.length).toBeGreaterThan(0);
    expect(body.reasons.map((r: { text: string }) => r.text).join(' ')).toMatch(
      /no longer answers as Atlassian Statuspage: since .* it answers as Better Stack/,
    );
    const page = textOf((await h.app.inject({ url: `/${SLUG}` })).body);
    // Said in the answer's signal line, not only inside the folded evidence.
    expect(page).toMatch(/Official status page: Degraded · read .* · now answers as Better Stack/);
    // The operator is told: a metric (above), and a line in /readyz, which stays ready.
    const ready = await h.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().sources).toEqual([
      `${SLUG}: the status page answers as Better Stack, not Atlassian Statuspage as the catalog says; update the catalog`,
    ]);

    // From then on it is read as Better Stack directly: no Statuspage document is asked for again.
    const before = up.requests.length;
    await poll();
    const asked = up.requests.slice(before).map((r) => r.path);
    expect(asked).toContain('/index.json');
    expect(asked.some((p) => p.startsWith('/api/v2/'))).toBe(false);
    expect(moves).toHaveLength(1);
  });

  it('stays silent and tries nothing while failures do not look like a move', async () => {
    await setUp();
    await poll();
    up.set('/api/v2/summary.json', { status: 503, type: 'text/plain', body: 'busy' });
    up.set('/index.json', json(fixture('betterstack-index-huggingface.json'), { type: 'application/vnd.api+json' }));
    for (let i = 0; i < 4; i += 1) await poll();
    expect(up.requests.some((r) => r.path === '/index.json')).toBe(false);
    expect(moves).toEqual([]);
    expect((await h.app.inject({ url: '/readyz' })).json().sources).toBeUndefined();
  });
});

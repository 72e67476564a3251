// Judged scenarios from recorded documents, through a fake status page and a fake provider API on loopback, the
// real poll and probe jobs, the pages and the JSON: products apart from the API, outweighed words, stale and missing.
import { afterEach, describe, expect, it } from 'vitest';
import { catalogWith, createHarness, realCatalog, textOf, type Harness } from '../helpers/app.ts';
import { pollRig, type PollRig } from '../helpers/poll.ts';
import { probeRig, startFakeApi, type FakeApi, type ProbeRig } from '../helpers/probe.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 7, 10, 0);
const MINUTE = 60_000;
const SUMMARY = '/api/v2/summary.json';
const INCIDENTS = '/api/v2/incidents.json';
const MAINTENANCES = '/api/v2/scheduled-maintenances.json';
const CONSOLE = '0qbwn08sd68x';
const CLAUDE_AI = 'rwppv331jlwc';
const NORMAL_401 = { status: 401, body: fixture('errors/anthropic-401.json') };

let h: Harness;
let poll: PollRig;
let probe: ProbeRig;
let up: Upstream;
let api: FakeApi;

afterEach(async () => {
  await poll?.close();
  await probe?.close();
  await h?.close();
  await up?.close();
  await api?.close();
});

/** Anthropic as the catalog has it, its status page and API replaced by the fakes. */
async function setup(summary: string) {
  up = await startUpstream({
    [SUMMARY]: json(summary),
    [INCIDENTS]: json({ page: {}, incidents: [] }),
    [MAINTENANCES]: json({ page: {}, scheduled_maintenances: [] }),
  });
  api = await startFakeApi(NORMAL_401);
  const base = realCatalog().providerBySlug.get('anthropic')!;
  h = await createHarness({
    catalog: catalogWith([
      {
        ...base,
        statusPage: { format: 'statuspage', url: up.url, pageUrl: 'https://status.claude.com' },
        probe: { ...base.probe!, url: api.url('anthropic') },
      },
      realCatalog().providerBySlug.get('writesonic')!,
    ]),
    now: NOW,
    env: { ALLOW_PRIVATE_UPSTREAMS: 'true', POLL_INTERVAL_SECONDS: '60', PROBE_INTERVAL_SECONDS: '180' },
  });
  poll = pollRig(h);
  probe = probeRig(h);
}

/** Polls and probes three times, a probe interval apart, ending at NOW. */
async function run() {
  for (const back of [2, 1, 0]) {
    h.clock.now = NOW - back * 3 * MINUTE;
    await poll.job.runCycle();
    await probe.job.runCycle();
  }
}

const getJson = async (url: string) => (await h.app.inject({ url })).json();
const getText = async (url: string) => textOf((await h.app.inject({ url })).body);

/** The recorded healthy summary with components set and open items added. */
function summaryWith(change: { components?: Record<string, string>; incidents?: object[]; maintenances?: object[] }) {
  const doc = JSON.parse(fixture('statuspage-summary-anthropic.json'));
  for (const c of doc.components) c.status = change.components?.[c.id] ?? c.status;
  doc.incidents = change.incidents ?? [];
  doc.scheduled_maintenances = change.maintenances ?? [];
  return JSON.stringify(doc);
}

/** The recorded maintenance, moved onto the Console, in the words Anthropic uses for a Console window. */
function consoleMaintenance() {
  const m = JSON.parse(fixture('statuspage-scheduled-maintenances-active.json')).scheduled_maintenances[0];
  m.name = 'Claude Console scheduled maintenance';
  m.started_at = new Date(NOW - 30 * MINUTE).toISOString();
  m.scheduled_for = m.started_at;
  m.scheduled_until = new Date(NOW + 60 * MINUTE).toISOString();
  m.incident_updates[0].body =
    'Console and API key management are unavailable during the window. The API is not affected.';
  m.components = [{ id: CONSOLE, name: 'Claude Console (platform.claude.com)', status: 'under_maintenance' }];
  return m;
}

/** The recorded incident, moved onto claude.ai alone. */
function claudeAiOutage() {
  const i = JSON.parse(fixture('statuspage-summary-anthropic-incident.json')).incidents[0];
  i.name = 'claude.ai is unavailable';
  i.impact = 'critical';
  i.created_at = i.started_at = new Date(NOW - 25 * MINUTE).toISOString();
  i.components = [{ id: CLAUDE_AI, name: 'claude.ai', status: 'major_outage' }];
  return i;
}

describe('a console maintenance beside normal probe rejections', () => {
  it('leaves the API operational, puts the auth error on your side, and says waiting will not help', async () => {
    await setup(summaryWith({ components: { [CONSOLE]: 'under_maintenance' }, maintenances: [consoleMaintenance()] }));
    await run();

    const provider = await getJson('/api/v1/providers/anthropic');
    expect(provider).toMatchObject({
      level: 'operational',
      api: { level: 'operational', label: 'Operational' },
      products: { level: 'maintenance', label: 'Under Maintenance' },
    });
    expect(provider.products.reasons.map((r: { text: string }) => r.text)).toEqual([
      'The status page lists Claude Console (platform.claude.com) as Under Maintenance.',
      'Maintenance in progress: Claude Console scheduled maintenance, since 7 Oct 2026, 09:30 UTC.',
    ]);
    expect(provider.components.find((c: { name: string }) => c.name.startsWith('Claude Console'))).toMatchObject({
      scope: 'product',
      level: 'maintenance',
    });

    const auth = await getJson('/api/v1/providers/anthropic/errors/auth-error');
    expect(auth).toMatchObject({
      level: 'operational',
      label: 'Operational',
      verdict: 'your_side',
      waiting: 'wontHelp',
      isItDown: { answer: 'no' },
    });
    // The maintenance touches a product only: it is no evidence about the API, whatever its words.
    expect(auth.reasons).toEqual([
      expect.objectContaining({ signal: 'probe', level: 'operational', text: expect.stringContaining('as expected') }),
    ]);

    const page = await getText('/anthropic/error/auth-error');
    expect(page).toMatch(/Current status Operational for the Anthropic API/);
    expect(page).toMatch(/Live probe: Answering normally · last normal answer just now/);
    // Beside an API error, the products show only when they are in trouble, in one line under the signals.
    expect(page).toMatch(/Products ?: Under Maintenance The status page lists Claude Console/);
    const dashboard = await getText('/anthropic');
    expect(dashboard).toMatch(/Products: Under Maintenance The status page lists Claude Console/);
    // Honest times: the source dates the Console's state; the others we only first saw at our first poll.
    expect(dashboard).toContain('Claude Console (platform.claude.com) Under Maintenance since 7 Oct 2026, 09:30 UTC');
    // The others share our first sighting, said once above the table.
    expect(dashboard).toContain(
      "a component's state was first seen at 7 Oct 2026, 09:54 UTC, our first reading of the page",
    );
    expect(dashboard).toMatch(/Claude API \(api\.anthropic\.com\) Operational Claude Code/);
    const console = provider.components.find((c: { name: string }) => c.name.startsWith('Claude Console'));
    expect(console).toMatchObject({ since: '2026-10-07T09:30:00.000Z', sinceBasis: 'source', firstSeenAt: null });
    expect(provider.components.find((c: { scope: string }) => c.scope === 'api')).toMatchObject({
      since: null,
      sinceBasis: 'first_seen',
      firstSeenAt: '2026-10-07T09:54:00.000Z',
    });
    expect(page).toMatch(/Likely on your side Anthropic's authentication service is answering normally/);
    expect(page).not.toContain("Likely on the provider's side");

    expect((await getJson('/api/v1/providers/anthropic/is-it-down')).answer).toBe('no');
    expect((await h.app.inject({ url: '/anthropic/badge.svg' })).body).toContain('Operational');
  });
});

describe('a product outage beside a healthy API', () => {
  it('shows claude.ai down under products and leaves the API, is-it-down and the error verdicts alone', async () => {
    await setup(summaryWith({ components: { [CLAUDE_AI]: 'major_outage' }, incidents: [claudeAiOutage()] }));
    await run();

    const provider = await getJson('/api/v1/providers/anthropic');
    expect(provider).toMatchObject({
      level: 'operational',
      api: { level: 'operational' },
      // Critical impact, as the incident declares it.
      products: { level: 'major_outage' },
    });
    expect(provider.api.summary).toBe(
      'The status page lists its API component as operational, with no open incident on it.',
    );
    expect(provider.products.reasons.map((r: { text: string }) => r.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('claude.ai is unavailable')]),
    );
    const down = await getJson('/api/v1/providers/anthropic/is-it-down');
    expect(down).toMatchObject({ answer: 'no', level: 'operational', affectedComponents: [] });

    for (const error of ['auth-error', 'server-error', 'overloaded', 'service-unavailable']) {
      const verdict = await getJson(`/api/v1/providers/anthropic/errors/${error}`);
      expect(verdict.level, error).toBe('operational');
      expect(verdict.verdict, error).not.toBe('provider_side');
      expect(JSON.stringify(verdict.reasons), error).not.toContain('claude.ai is unavailable');
    }
    const dashboard = await getText('/anthropic');
    expect(dashboard).toMatch(/Current status Operational/);
    expect(dashboard).toMatch(/Products: Major Outage Open incident/);
    const home = await h.app.inject({ url: '/' });
    expect(home.body).toMatch(/href="\/anthropic"[\s\S]*?tone-ok">Operational</);
  });
});

describe('stale and missing signals', () => {
  it('a status page that stopped answering: its last good reading, since when it fails, and Unknown', async () => {
    await setup(summaryWith({}));
    h.clock.now = NOW - 10 * MINUTE;
    await poll.job.runCycle();
    up.set(SUMMARY, { fault: 'reset' });
    for (const minutes of [9, 8, 7, 6]) {
      h.clock.now = NOW - minutes * MINUTE;
      await poll.job.runCycle();
    }
    h.clock.now = NOW;
    const provider = await getJson('/api/v1/providers/anthropic');
    expect(provider).toMatchObject({
      level: 'unknown',
      lastGoodAt: new Date(NOW - 10 * MINUTE).toISOString(),
      checkedAt: new Date(NOW - 6 * MINUTE).toISOString(),
      signals: {
        official: {
          state: 'stale',
          lastGoodAt: new Date(NOW - 10 * MINUTE).toISOString(),
          failing: { since: new Date(NOW - 9 * MINUTE).toISOString(), how: 'the connection failed' },
        },
      },
      products: { level: 'unknown' },
    });
    const auth = await getJson('/api/v1/providers/anthropic/errors/auth-error');
    expect(auth).toMatchObject({
      level: 'unknown',
      verdict: 'inconclusive',
      waiting: null,
      isItDown: { answer: 'unknown' },
    });

    // Beside Unknown, the page shows the last good reading, never the last failed attempt as a fresh check.
    const page = await getText('/anthropic');
    expect(page).toMatch(/Current status Unknown for the Anthropic API/);
    expect(page).toMatch(
      /Official status page: Stale · read 10 min ago · failing since \d+ min ago ?: the connection failed/,
    );
    expect(page).not.toMatch(/Unknown Last (good reading|checked): [^(]*\((just now|\d+ s ago|6 min ago)\)/);
  });

  it('a stale page beside fresh normal probes: the probe alone stands behind the API', async () => {
    await setup(summaryWith({ components: { [CONSOLE]: 'under_maintenance' }, maintenances: [consoleMaintenance()] }));
    h.clock.now = NOW - 20 * MINUTE;
    await poll.job.runCycle();
    up.set(SUMMARY, { fault: 'reset' });
    for (const back of [2, 1, 0]) {
      h.clock.now = NOW - back * 3 * MINUTE;
      await poll.job.runCycle();
      await probe.job.runCycle();
    }
    const provider = await getJson('/api/v1/providers/anthropic');
    expect(provider).toMatchObject({
      level: 'operational',
      signals: { official: { state: 'stale' }, probe: { state: 'fresh', failing: null } },
      products: { level: 'unknown', summary: 'No fresh reading of the status page.' },
    });
    const auth = await getJson('/api/v1/providers/anthropic/errors/auth-error');
    expect(auth).toMatchObject({ verdict: 'your_side', waiting: 'wontHelp', isItDown: { answer: 'no' } });
  });

  it('no status page and no probe: Unknown, inconclusive, and the products cannot be judged either', async () => {
    await setup(summaryWith({}));
    await run();
    const provider = await getJson('/api/v1/providers/writesonic');
    expect(provider).toMatchObject({
      level: 'unknown',
      lastGoodAt: null,
      products: { level: 'unknown', summary: 'No official status page lists them.' },
    });
    const auth = await getJson('/api/v1/providers/writesonic/errors/auth-error');
    expect(auth).toMatchObject({ level: 'unknown', verdict: 'inconclusive', waiting: null });
    expect((await getJson('/api/v1/providers/writesonic/is-it-down')).answer).toBe('unknown');
    expect(await getText('/writesonic')).toMatch(
      new RegExp(
        [
          /Current status Unknown for the Writesonic API .*/.source,
          /Official status page: None for this provider Live probe: None for this provider/.source,
        ].join(''),
      ),
    );
  });

  it('a failing probe says since when and how, and blames the provider only once confirmed', async () => {
    await setup(summaryWith({}));
    await run();
    api.set({ status: 502, type: 'text/html', body: '<h1>Bad gateway</h1>' });
    const seen: string[] = [];
    for (const step of [1, 2, 3]) {
      h.clock.now = NOW + step * 3 * MINUTE;
      await poll.job.runCycle();
      await probe.job.runCycle();
      const auth = await getJson('/api/v1/providers/anthropic/errors/auth-error');
      seen.push(`${auth.level}/${auth.verdict}/${auth.waiting}/${auth.isItDown.answer}`);
      expect(auth.signals.probe.failing).toMatchObject({ since: new Date(NOW + 3 * MINUTE).toISOString() });
      expect(auth.signals.probe.failing.how).toContain('HTTP 502');
    }
    expect(seen).toEqual([
      'operational/inconclusive/null/no',
      'operational/inconclusive/null/no',
      'partial_outage/provider_side/helps/partly',
    ]);
  });
});

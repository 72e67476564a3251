// Incident lifecycle, conditional requests, staleness and flapping, through the real poll job, store and pages.
import { afterEach, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { catalogWith, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 6, 13, 0);
const MINUTE = 60_000;
let h: Harness;
let rig: PollRig;
let up: Upstream;

async function setup(routes: Parameters<typeof startUpstream>[0]) {
  up = await startUpstream(routes);
  h = await createHarness({
    catalog: catalogWith([
      providerLike('anthropic', { format: 'statuspage', url: up.url, pageUrl: 'https://status.claude.com' }),
    ]),
    now: NOW,
    env: { POLL_INTERVAL_SECONDS: '60' },
  });
  rig = pollRig(h);
}
afterEach(async () => {
  await rig.close();
  await h.close();
  await up.close();
});

const SUMMARY = '/api/v2/summary.json';
const INCIDENTS = '/api/v2/incidents.json';
const MAINTENANCES = '/api/v2/scheduled-maintenances.json';
const healthy = fixture('statuspage-summary-anthropic.json');
const withIncident = fixture('statuspage-summary-anthropic-incident.json');
const noIncidents = JSON.stringify({ page: {}, incidents: [] });
const noMaintenances = JSON.stringify({ page: {}, scheduled_maintenances: [] });
const api = async () => (await h.app.inject({ url: '/api/v1/providers/anthropic' })).json();
const html = async () => textOf((await h.app.inject({ url: '/anthropic' })).body);
const at = async (ms: number) => {
  h.clock.now = ms;
  return rig.job.runCycle();
};

/** The summary with one component's status replaced, and the page indicator to match. */
function summaryWith(status: string, indicator: string): string {
  const doc = JSON.parse(healthy);
  doc.components.find((c: { id: string }) => c.id === 'k8w3r06qmzrp').status = status;
  doc.status.indicator = indicator;
  return JSON.stringify(doc);
}

describe('incident lifecycle', () => {
  it('learns the resolution from incidents.json when the summary drops the incident', async () => {
    await setup({
      [SUMMARY]: json(withIncident),
      [INCIDENTS]: json(noIncidents),
      [MAINTENANCES]: json(noMaintenances),
    });
    await at(NOW);
    expect((await api()).incidents[0]).toMatchObject({ open: true, state: 'identified' });
    const resolved = JSON.parse(fixture('statuspage-incidents-anthropic.json'));
    const incident = resolved.incidents[0];
    Object.assign(incident, { status: 'resolved', resolved_at: '2026-10-06T14:30:00.000+02:00' });
    incident.incident_updates.unshift({
      id: 'final000001',
      status: 'resolved',
      body: 'This incident has been resolved.',
      display_at: '2026-10-06T12:30:00Z',
      created_at: '2026-10-06T12:30:00Z',
    });
    up.set(SUMMARY, json(healthy));
    up.set(INCIDENTS, json(resolved));
    await at(NOW + MINUTE);
    const j = await api();
    const row = j.incidents.find((i: { title: string }) => i.title === 'Elevated errors on Claude Opus 4.7');
    expect(row).toMatchObject({
      open: false,
      state: 'resolved',
      resolvedAt: '2026-10-06T12:30:00.000Z',
      unlistedAt: null,
    });
    expect(row.updates.map((u: { state: string }) => u.state)).toEqual(['resolved', 'identified', 'investigating']);
    expect(await html()).toContain('Lasted 48 min');
  });

  it('marks an incident that vanished with no end told as "no longer listed", never inventing an end', async () => {
    await setup({
      [SUMMARY]: json(withIncident),
      [INCIDENTS]: json(noIncidents),
      [MAINTENANCES]: json(noMaintenances),
    });
    await at(NOW);
    up.set(SUMMARY, json(healthy));
    up.set(INCIDENTS, { status: 503, body: 'busy' });
    await at(NOW + MINUTE);
    const j = await api();
    expect(j.incidents[0]).toMatchObject({
      open: false,
      state: 'identified',
      resolvedAt: null,
      unlistedAt: new Date(NOW + MINUTE).toISOString(),
      durationMs: null,
    });
    expect(j.reasons.map((r: { text: string }) => r.text).join(' ')).not.toContain('Open incident');
    expect(await html()).toContain(
      'No longer listed by the official source since 6 Oct 2026, 13:01 UTC, which gave no end time',
    );
    // A later history that tells the end replaces the mark with the real end.
    const told = JSON.parse(fixture('statuspage-incidents-anthropic.json'));
    Object.assign(told.incidents[0], { status: 'resolved', resolved_at: '2026-10-06T12:59:00Z' });
    up.set(INCIDENTS, json(told));
    await at(NOW + 2 * MINUTE);
    expect((await api()).incidents[0]).toMatchObject({
      state: 'resolved',
      resolvedAt: '2026-10-06T12:59:00.000Z',
      unlistedAt: null,
    });
  });

  it('a failed supplementary document keeps what the main one gave and is recorded on its own', async () => {
    await setup({
      [SUMMARY]: json(withIncident),
      [INCIDENTS]: { status: 500, body: 'oops' },
      [MAINTENANCES]: json('{"nope": 1}'),
    });
    await at(NOW);
    const j = await api();
    expect(j.official.state).toBe('fresh');
    expect(j.components).toHaveLength(6);
    expect(j.incidents[0].open).toBe(true);
    expect((await h.store.checks.summary('anthropic', 'incidents')).lastFailure).toMatchObject({
      outcome: 'http',
      httpStatus: 500,
    });
    expect((await h.store.checks.summary('anthropic', 'maintenances')).lastFailure).toMatchObject({
      outcome: 'schema',
    });
  });

  it('sends ETags back; a 304 is a successful check that changes nothing else', async () => {
    await setup({
      [SUMMARY]: json(withIncident, { etag: '"s1"' }),
      [INCIDENTS]: json(noIncidents, { etag: '"i1"' }),
      [MAINTENANCES]: json(noMaintenances),
    });
    await at(NOW);
    const rows = JSON.stringify(h.store.sqlite!.prepare('SELECT * FROM components ORDER BY id').all());
    await at(NOW + MINUTE);
    const sent = up.requests.filter((r) => r.path === SUMMARY).map((r) => r.headers['if-none-match']);
    expect(sent).toEqual([undefined, '"s1"']);
    expect(await h.store.checks.summary('anthropic', MAIN_DOCUMENT)).toMatchObject({
      lastOkAt: NOW + MINUTE,
      lastFailure: null,
    });
    expect(
      h.store.sqlite!.prepare("SELECT outcome FROM source_checks WHERE document = 'main' ORDER BY id").all(),
    ).toEqual([{ outcome: 'ok' }, { outcome: 'not_modified' }]);
    expect(JSON.stringify(h.store.sqlite!.prepare('SELECT * FROM components ORDER BY id').all())).toBe(rows);
    expect((await api()).incidents[0].open).toBe(true);
  });
});

describe('damping with conditional requests', () => {
  it('an unchanged document (304) counts as a poll that confirms a pending change', async () => {
    await setup({
      [SUMMARY]: json(healthy, { etag: '"h"' }),
      [INCIDENTS]: json(noIncidents),
      [MAINTENANCES]: json(noMaintenances),
    });
    await at(NOW);
    up.set(SUMMARY, json(summaryWith('major_outage', 'major'), { etag: '"down"' }));
    await at(NOW + MINUTE);
    expect((await api()).level).toBe('operational');
    await at(NOW + 2 * MINUTE);
    expect(
      h.store
        .sqlite!.prepare("SELECT outcome FROM source_checks WHERE document = 'main' ORDER BY id")
        .all()
        .map((r) => (r as { outcome: string }).outcome),
    ).toEqual(['ok', 'ok', 'not_modified']);
    const j = await api();
    // The only API component is down: the API is; the change dates from the first poll that saw it.
    expect(j.level).toBe('major_outage');
    expect(j.components.find((c: { name: string }) => c.name === 'Claude API (api.anthropic.com)')).toMatchObject({
      level: 'major_outage',
      since: new Date(NOW + MINUTE).toISOString(),
    });
    expect(await h.store.components.pageLevel('anthropic')).toEqual({ level: 'partial_outage', raw: 'major' });
  });
});

describe('stale and flapping', () => {
  it('after 3 failed polls: stale, last components and incidents kept with their age, in page and JSON', async () => {
    await setup({
      [SUMMARY]: json(withIncident),
      [INCIDENTS]: json(noIncidents),
      [MAINTENANCES]: json(noMaintenances),
    });
    await at(NOW);
    expect((await api()).level).toBe('partial_outage');
    up.set(SUMMARY, { status: 500, type: 'text/html', body: '<h1>500</h1>' });
    for (let i = 1; i <= 3; i += 1) await at(NOW + i * MINUTE);
    const j = await api();
    expect(j.official).toMatchObject({
      state: 'stale',
      lastOkAt: new Date(NOW).toISOString(),
      failingSince: new Date(NOW + MINUTE).toISOString(),
    });
    // The third cycle skips the page: after two failures it backs off for two intervals.
    expect(j.official.lastFailure).toMatchObject({ outcome: 'http', httpStatus: 500, consecutive: 2 });
    expect(rig.job.dueAt('anthropic')).toBe(NOW + 4 * MINUTE);
    expect(j.level).toBe('unknown');
    expect(j.components.find((c: { name: string }) => c.name === 'Claude API (api.anthropic.com)')).toMatchObject({
      level: 'partial_outage',
      source: 'official',
    });
    expect(j.incidents[0]).toMatchObject({ open: true, title: 'Elevated errors on Claude Opus 4.7' });
    const text = await html();
    expect(text).toMatch(
      new RegExp(
        [
          /Official status page: /.source,
          /Stale · read 3 min ago · failing since 2 min ago ?: it answered with an HTTP error \(500\)/.source,
        ].join(''),
      ),
    );
    expect(text).toContain('As the official status page last showed them, 3 min ago (6 Oct 2026, 13:00 UTC).');
    expect(text).toMatch(/Claude API \(api\.anthropic\.com\) Partial Outage/);
    expect(text).toContain('Elevated errors on Claude Opus 4.7');
    expect(text).toMatch(/Current status Unknown/);
    expect(text).not.toContain('Major Outage');
  });

  it('before 3 intervals the reading is still fresh, and the failure is said', async () => {
    await setup({ [SUMMARY]: json(healthy), [INCIDENTS]: json(noIncidents), [MAINTENANCES]: json(noMaintenances) });
    await at(NOW);
    up.set(SUMMARY, { fault: 'reset' });
    await at(NOW + 2 * MINUTE);
    const j = await api();
    expect(j.official.state).toBe('fresh');
    expect(j.level).toBe('operational');
    expect(await html()).toMatch(
      /Official status page: Operational · read 2 min ago · failing since just now ?: the connection failed/,
    );
  });

  it('a component flapping on every poll never flips the headline; a steady change does after two polls', async () => {
    await setup({ [SUMMARY]: json(healthy), [INCIDENTS]: json(noIncidents), [MAINTENANCES]: json(noMaintenances) });
    await at(NOW);
    const levels: string[] = [];
    for (let i = 1; i <= 6; i += 1) {
      up.set(SUMMARY, json(i % 2 === 1 ? summaryWith('major_outage', 'major') : healthy));
      await at(NOW + i * MINUTE);
      levels.push((await api()).level);
    }
    expect(levels).toEqual(['operational', 'operational', 'operational', 'operational', 'operational', 'operational']);
    up.set(SUMMARY, json(summaryWith('major_outage', 'major')));
    await at(NOW + 7 * MINUTE);
    expect((await api()).level).toBe('operational');
    await at(NOW + 8 * MINUTE);
    const j = await api();
    expect(j.level).toBe('major_outage');
    expect(j.components.find((c: { name: string }) => c.name === 'Claude API (api.anthropic.com)').level).toBe(
      'major_outage',
    );
  });
});

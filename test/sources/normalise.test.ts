// The normalisation table and the merge of one poll's documents.
import { describe, expect, it } from 'vitest';
import type { SnapshotIncident } from '../../src/domain.ts';
import { mergeIncident, mergeReadings } from '../../src/sources/merge.ts';
import {
  normaliseImpact,
  normaliseIncidentState,
  normaliseLevel,
  normaliseMaintenanceState,
} from '../../src/sources/normalise.ts';
import { parseTime } from '../../src/sources/parse.ts';

describe('normalisation table', () => {
  it.each([
    ['operational', 'operational'],
    ['OPERATIONAL', 'operational'],
    ['UP', 'operational'],
    ['degraded_performance', 'degraded'],
    ['DEGRADEDPERFORMANCE', 'degraded'],
    ['MINOROUTAGE', 'degraded'],
    ['degraded', 'degraded'],
    ['partial_outage', 'partial_outage'],
    ['PARTIALOUTAGE', 'partial_outage'],
    ['SERVICE_DISRUPTION', 'partial_outage'],
    ['major_outage', 'major_outage'],
    ['full_outage', 'major_outage'],
    ['MAJOROUTAGE', 'major_outage'],
    ['downtime', 'major_outage'],
    ['under_maintenance', 'maintenance'],
    ['UNDERMAINTENANCE', 'maintenance'],
    ['maintenance', 'maintenance'],
    ['none', 'operational'],
    ['minor', 'degraded'],
    ['major', 'partial_outage'],
    ['critical', 'major_outage'],
  ])('level %s → %s', (raw, level) => {
    expect(normaliseLevel(raw)).toEqual({ value: level, raw });
  });

  it('keeps unseen values raw as unknown, and absent ones as null', () => {
    expect(normaliseLevel('not_monitored')).toEqual({ value: 'unknown', raw: 'not_monitored' });
    expect(normaliseImpact('apocalyptic')).toEqual({ value: 'unknown', raw: 'apocalyptic' });
    expect(normaliseIncidentState(null)).toEqual({ value: 'unknown', raw: null });
    expect(normaliseMaintenanceState('')).toEqual({ value: 'unknown', raw: null });
  });

  it('maps lifecycle words of every format', () => {
    expect(normaliseIncidentState('INVESTIGATING').value).toBe('investigating');
    expect(normaliseIncidentState('postmortem').value).toBe('postmortem');
    expect(normaliseMaintenanceState('NOTSTARTEDYET').value).toBe('scheduled');
    expect(normaliseMaintenanceState('In progress').value).toBe('in_progress');
    expect(normaliseMaintenanceState('maintenance_complete').value).toBe('completed');
    expect(normaliseImpact('MAJOROUTAGE').value).toBe('critical');
    expect(normaliseImpact('SERVICE_INFORMATION').value).toBe('minor');
  });

  it('reads times with any offset and zone-less times as UTC', () => {
    expect(parseTime('2019-02-21T08:31:24.239-06:00')).toBe(Date.UTC(2019, 1, 21, 14, 31, 24, 239));
    expect(parseTime('2026-10-06T12:00:00')).toBe(Date.UTC(2026, 9, 6, 12));
    expect(parseTime('Sat Jun 11 2022 18:55:50 GMT+0200 (Central European Summer Time)')).toBe(
      Date.UTC(2022, 5, 11, 16, 55, 50),
    );
    expect(parseTime('Mon, 06 Oct 2026 12:20:41 +0000')).toBe(Date.UTC(2026, 9, 6, 12, 20, 41));
    expect(parseTime('soon')).toBeNull();
  });
});

const incident = (over: Partial<SnapshotIncident>): SnapshotIncident => ({
  key: 'a',
  kind: 'incident',
  title: 'Errors',
  state: 'investigating',
  rawState: 'investigating',
  impact: 'major',
  rawImpact: 'major',
  url: null,
  startedAt: 100,
  resolvedAt: null,
  scheduledFor: null,
  scheduledUntil: null,
  updates: [],
  components: [],
  ...over,
});

describe('merging one poll', () => {
  it('lets a resolution told by a supplementary document win, joining timelines', () => {
    const main = incident({ updates: [{ key: 'u1', state: 'investigating', rawState: null, body: 'a', at: 110 }] });
    const history = incident({
      state: 'resolved',
      rawState: 'resolved',
      impact: 'unknown',
      resolvedAt: 200,
      updates: [{ key: 'u2', state: 'resolved', rawState: null, body: 'b', at: 200 }],
    });
    const merged = mergeIncident(main, history);
    expect(merged).toMatchObject({ state: 'resolved', resolvedAt: 200, impact: 'major' });
    expect(merged.updates.map((u) => u.key)).toEqual(['u2', 'u1']);
  });

  it('takes components and page level from the first document that has them, and openness from the main one', () => {
    const s = mergeReadings([
      { incidents: [incident({})], pageLevel: 'degraded', pageRaw: 'minor', listsAllOpen: true },
      { components: [], incidents: [incident({ key: 'b' })] },
    ]);
    expect(s.components).toEqual([]);
    expect(s.pageLevel).toBe('degraded');
    expect(s.incidents.map((i) => i.key)).toEqual(['a', 'b']);
    expect(s.listsAllOpen).toBe(true);
    expect(mergeReadings([{ incidents: [] }]).listsAllOpen).toBe(false);
  });
});

describe('the catalog', () => {
  it('points every official page at https documents its adapter can fetch', async () => {
    const { realCatalog } = await import('../helpers/app.ts');
    const { ADAPTERS } = await import('../../src/sources/adapters/index.ts');
    const pages = realCatalog().providers.flatMap((p) => (p.statusPage ? [p.statusPage] : []));
    expect(pages.length).toBeGreaterThanOrEqual(15);
    for (const page of pages) {
      const docs = ADAPTERS[page.format].documents(page, 0);
      expect(docs[0]!.name).toBe('main');
      for (const d of docs) expect(d.url, d.url).toMatch(/^https:\/\/[^/]+\.[a-z]+\//);
    }
  });
});

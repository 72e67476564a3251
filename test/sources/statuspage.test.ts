// Statuspage and incident.io adapters against recorded fixtures and variants: groups, offsets, nulls, unseen values.
import { describe, expect, it } from 'vitest';
import type { StatusPage } from '../../src/catalog/schema.ts';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { SourceError } from '../../src/sources/adapter.ts';
import { ADAPTERS } from '../../src/sources/adapters/index.ts';
import { fixture } from '../helpers/upstream.ts';

const page: StatusPage = { format: 'statuspage', url: 'https://status.claude.com' };
const read = (document: string, name: string, p: StatusPage = page) =>
  ADAPTERS[p.format].read(document, fixture(name), p, Date.UTC(2026, 9, 7));

describe('statuspage adapter', () => {
  it('asks for summary.json first, then incidents and maintenances', () => {
    expect(ADAPTERS.statuspage.documents(page, 0).map((d) => [d.name, d.url])).toEqual([
      [MAIN_DOCUMENT, 'https://status.claude.com/api/v2/summary.json'],
      ['incidents', 'https://status.claude.com/api/v2/incidents.json'],
      ['maintenances', 'https://status.claude.com/api/v2/scheduled-maintenances.json'],
    ]);
  });

  it('reads the healthy Claude summary: six components keyed by id, page level operational', () => {
    const r = read(MAIN_DOCUMENT, 'statuspage-summary-anthropic.json');
    expect(r.components?.map((c) => [c.key, c.name, c.level])).toContainEqual([
      'k8w3r06qmzrp',
      'Claude API (api.anthropic.com)',
      'operational',
    ]);
    expect(r.components).toHaveLength(6);
    expect(r.pageLevel).toBe('operational');
    expect(r.pageRaw).toBe('none');
    expect(r.incidents).toEqual([]);
    expect(r.listsAllOpen).toBe(true);
  });

  it('reads an open incident with its timeline newest first, impact, components and shortlink', () => {
    const r = read(MAIN_DOCUMENT, 'statuspage-summary-anthropic-incident.json');
    expect(r.components?.find((c) => c.key === 'yyzkbfz2thpt')).toMatchObject({
      level: 'degraded',
      rawStatus: 'degraded_performance',
    });
    expect(r.pageLevel).toBe('partial_outage');
    const [incident] = r.incidents!;
    expect(incident).toMatchObject({
      key: 'q4m8v2n7d1xk',
      kind: 'incident',
      state: 'identified',
      impact: 'major',
      rawImpact: 'major',
      url: 'https://stspg.io/q4m8v2n7d1xk',
      startedAt: Date.parse('2026-10-06T11:41:09.395Z'),
      resolvedAt: null,
    });
    expect(incident!.updates.map((u) => u.state)).toEqual(['identified', 'investigating']);
    expect(incident!.updates[0]!.at).toBe(Date.parse('2026-10-06T12:20:41.089Z'));
    expect(incident!.components.map((c) => c.name)).toEqual(['Claude API (api.anthropic.com)', 'Claude Code']);
  });

  it('learns resolution and postmortem from incidents.json', () => {
    const r = read('incidents', 'statuspage-incidents-anthropic.json');
    const byKey = new Map(r.incidents!.map((i) => [i.key, i]));
    expect(byKey.get('t6r2k9p4w8mc')).toMatchObject({
      state: 'resolved',
      impact: 'minor',
      resolvedAt: Date.parse('2026-10-03T10:31:07.540Z'),
    });
    expect(byKey.get('c8v1d5h3n9qe')).toMatchObject({ state: 'postmortem', impact: 'critical' });
    expect(byKey.get('c8v1d5h3n9qe')!.updates).toHaveLength(5);
    expect(byKey.get('q4m8v2n7d1xk')!.resolvedAt).toBeNull();
  });

  it('reads maintenances with local offsets as the right instants', () => {
    const active = read('maintenances', 'statuspage-scheduled-maintenances-active.json').incidents![0]!;
    expect(active).toMatchObject({ kind: 'maintenance', state: 'in_progress', impact: 'maintenance' });
    expect(active.scheduledFor).toBe(Date.parse('2026-10-07T09:00:00Z'));
    expect(active.scheduledUntil).toBe(Date.parse('2026-10-07T11:00:00Z'));
    const upcoming = read('maintenances', 'statuspage-scheduled-maintenances-upcoming.json').incidents![0]!;
    expect(upcoming).toMatchObject({ state: 'scheduled', scheduledFor: Date.parse('2026-10-13T05:00:00Z') });
  });

  it('flattens groups, keeps non-Latin names, hides only-if-degraded flags, keeps unseen values raw', () => {
    const r = read(MAIN_DOCUMENT, 'statuspage-summary-groups-moonshot.json', {
      format: 'statuspage',
      url: 'https://status.moonshot.cn',
    });
    const components = [...r.components!].sort((a, b) => a.position - b.position);
    expect(components.map((c) => [c.name, c.groupName])).toEqual([
      ['模型 Model', null],
      ['开放平台 Open API', 'API 服务'],
      ['API Service', 'API 服务'],
      ['Legacy Gateway', null],
    ]);
    expect(components.find((c) => c.key === 'x0zsqgy57b75')).toMatchObject({
      level: 'unknown',
      rawStatus: 'brownout_new_value',
    });
    expect(components.find((c) => c.key === 'hidden000001')!.onlyShowIfDegraded).toBe(true);
    expect(components.find((c) => c.key === '8psr5dfdld0s')!.onlyShowIfDegraded).toBe(false);
    const incident = r.incidents!.find((i) => i.kind === 'incident')!;
    expect(incident.startedAt).toBe(Date.parse('2026-10-07T09:40:00Z'));
    expect(incident.url).toBe('https://status.moonshot.cn/incidents/mk1incident1');
    expect(incident.updates[0]!.body).toContain('我们正在调查');
    expect(incident.updates.map((u) => u.at)).toEqual([
      Date.parse('2026-10-07T10:05:11.089Z'),
      Date.parse('2026-10-07T09:41:09.540Z'),
    ]);
    expect(r.incidents!.find((i) => i.kind === 'maintenance')).toMatchObject({
      state: 'in_progress',
      title: '数据库维护 Database maintenance',
    });
  });

  it('turns garbage into typed failures', () => {
    const fail = (body: string, document = MAIN_DOCUMENT) => {
      try {
        ADAPTERS.statuspage.read(document, body, page, 0);
      } catch (error) {
        return error instanceof SourceError ? error.kind : 'other';
      }
      return 'none';
    };
    expect(fail('<html>challenge</html>')).toBe('parse');
    expect(fail('{"hello": "world"}')).toBe('schema');
    expect(fail('{"components": [{"name": "no id"}]}')).toBe('schema');
    expect(fail('[]', 'incidents')).toBe('schema');
  });
});

describe('incidentio adapter', () => {
  const openai: StatusPage = { format: 'incidentio', url: 'https://status.openai.com' };

  it('reads the recorded summary without incidents or maintenances keys', () => {
    const r = read(MAIN_DOCUMENT, 'incidentio-summary-openai.json', openai);
    expect(r.components).toHaveLength(4);
    expect(r.components!.every((c) => c.level === 'operational' && c.groupName === null)).toBe(true);
    expect(r.incidents).toEqual([]);
    expect(r.listsAllOpen).toBe(true);
    expect(ADAPTERS.incidentio.documents(openai, 0).map((d) => d.name)).toEqual([
      MAIN_DOCUMENT,
      'incidents',
      'components',
    ]);
  });

  it('maps full_outage, tolerates components: null and shortlink: null, links the page instead', () => {
    const r = read(MAIN_DOCUMENT, 'incidentio-summary-incident-openai.json', openai);
    expect(r.components!.find((c) => c.name === 'Chat Completions')).toMatchObject({
      level: 'major_outage',
      rawStatus: 'full_outage',
    });
    const incident = r.incidents![0]!;
    expect(incident).toMatchObject({
      state: 'investigating',
      impact: 'major',
      components: [],
      url: 'https://status.openai.com/incidents/01K6ZQ3W8R7M2N4B5V6C7X8Z9A',
    });
    expect(incident.startedAt).toBe(Date.parse('2026-10-06T09:12:40Z'));
  });

  it('learns the end from incidents.json', () => {
    const r = read('incidents', 'incidentio-incidents-openai.json', openai);
    expect(r.incidents![0]).toMatchObject({ state: 'resolved', resolvedAt: Date.parse('2026-10-06T10:02:11Z') });
    expect(r.incidents![0]!.updates.map((u) => u.state)).toEqual(['resolved', 'investigating']);
  });
});

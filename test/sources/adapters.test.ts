// Instatus, Better Stack, feed and GCP adapters against recorded fixtures and variants.
import { describe, expect, it } from 'vitest';
import type { StatusPage } from '../../src/catalog/schema.ts';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { SourceError } from '../../src/sources/adapter.ts';
import { ADAPTERS } from '../../src/sources/adapters/index.ts';
import { FEED_CURRENT_MS, parseYearlessStamp } from '../../src/sources/adapters/feed.ts';
import { DAY_MS } from '../../src/time.ts';
import { fixture } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 9, 6, 16, 0);
const read = (p: StatusPage, document: string, body: string, now = NOW) =>
  ADAPTERS[p.format].read(document, body, p, now);
const kindOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof SourceError ? error.kind : `other: ${(error as Error).message}`;
  }
  return 'none';
};

describe('instatus adapter', () => {
  const page: StatusPage = { format: 'instatus', url: 'https://status.perplexity.com' };

  it('reads the page rollup and active incidents and maintenances, Date.toString() times included', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('instatus-summary.json'));
    expect(r).toMatchObject({ pageLevel: 'degraded', pageRaw: 'HASISSUES', listsAllOpen: true });
    const [incident, maintenance] = r.incidents!;
    expect(incident).toMatchObject({
      key: 'cl4a8n3070721qtmzvts760c4',
      state: 'investigating',
      impact: 'critical',
      rawImpact: 'MAJOROUTAGE',
      startedAt: Date.parse('2022-06-11T18:55:50Z'),
    });
    expect(maintenance).toMatchObject({
      kind: 'maintenance',
      state: 'scheduled',
      rawState: 'NOTSTARTEDYET',
      scheduledFor: Date.parse('2022-06-11T18:55:54Z'),
      scheduledUntil: Date.parse('2022-06-11T19:55:54Z'),
    });
  });

  it('flattens the component tree into groups', () => {
    const r = read(page, 'components', fixture('instatus-components-v2.json'));
    expect(r.components!.map((c) => [c.name, c.groupName, c.level])).toEqual([
      ['Sonar API', 'API', 'partial_outage'],
      ['Search API', 'API', 'operational'],
      ['Website', null, 'degraded'],
      ['Comet', null, 'maintenance'],
    ]);
  });

  it('reads history.atom: GMT+0 stamps, type, affected components, resolution', () => {
    const r = read(page, 'history', fixture('instatus-history-perplexity.atom'));
    const incident = r.incidents![0]!;
    expect(incident).toMatchObject({
      key: 'cmq08wkuw02waqmn6yt1kdgej',
      kind: 'incident',
      state: 'resolved',
      resolvedAt: Date.parse('2026-06-05T01:40:38Z'),
    });
    expect(incident.components).toEqual([{ key: 'Website', name: 'Website' }]);
    expect(incident.updates.map((u) => u.state)).toEqual(['resolved', 'monitoring', 'investigating']);
    expect(incident.startedAt).toBe(Date.parse('2026-06-04T21:10:00Z'));
  });

  it('rejects a Statuspage-shaped or HTML answer', () => {
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '{"status": {"indicator": "none"}}'))).toBe('schema');
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '<!doctype html><html></html>'))).toBe('parse');
  });
});

describe('betterstack adapter', () => {
  const page: StatusPage = { format: 'betterstack', url: 'https://status.huggingface.co' };

  it('reads sections as groups, resources as components, not_monitored as unknown', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('betterstack-index-huggingface.json'));
    expect(r.components!.map((c) => [c.name, c.groupName, c.level])).toEqual([
      ['huggingface.co', 'Hub', 'operational'],
      ['Git Hosting and Serving', 'Hub', 'operational'],
      ['Inference Providers', 'Inference', 'degraded'],
      ['Inference Endpoints', 'Inference', 'unknown'],
    ]);
    expect(r.components!.find((c) => c.name === 'Inference Endpoints')!.rawStatus).toBe('not_monitored');
    expect(r.pageLevel).toBe('degraded');
  });

  it('reads an open report with its updates and affected resources', () => {
    const incident = read(page, MAIN_DOCUMENT, fixture('betterstack-index-huggingface.json')).incidents![0]!;
    expect(incident).toMatchObject({
      key: '1730551',
      kind: 'incident',
      state: 'unknown',
      rawState: null,
      impact: 'minor',
      resolvedAt: null,
    });
    expect(incident.components).toEqual([{ key: '4410023', name: 'Inference Providers' }]);
    expect(incident.updates.map((u) => u.at)).toEqual([
      Date.parse('2026-10-06T09:41:27Z'),
      Date.parse('2026-10-06T09:03:12Z'),
    ]);
  });

  it('closes a report with an end time and treats a maintenance by its window', () => {
    const doc = JSON.parse(fixture('betterstack-index-huggingface.json'));
    const report = doc.included.find((i: { type: string }) => i.type === 'status_report');
    report.attributes.ends_at = '2026-10-06T10:00:00.000+02:00';
    doc.included.push({
      id: '99',
      type: 'status_report',
      attributes: {
        title: 'Planned DB upgrade',
        report_type: 'maintenance',
        starts_at: '2026-10-07T08:00:00Z',
        ends_at: '2026-10-07T09:00:00Z',
        aggregate_state: 'maintenance',
        affected_resources: null,
      },
    });
    const r = read(page, MAIN_DOCUMENT, JSON.stringify(doc));
    expect(r.incidents![0]).toMatchObject({ state: 'resolved', resolvedAt: Date.parse('2026-10-06T08:00:00Z') });
    expect(r.incidents![1]).toMatchObject({
      kind: 'maintenance',
      state: 'scheduled',
      scheduledFor: Date.parse('2026-10-07T08:00:00Z'),
    });
  });

  it('dates a report without a start by its first update, and leaves out one with neither', () => {
    const doc = JSON.parse(fixture('betterstack-index-huggingface.json'));
    doc.included.find((i: { type: string }) => i.type === 'status_report').attributes.starts_at = null;
    doc.included.push({
      id: '77',
      type: 'status_report',
      attributes: { title: 'Nothing to place', report_type: 'manual', starts_at: null, ends_at: null },
    });
    const r = read(page, MAIN_DOCUMENT, JSON.stringify(doc));
    expect(r.incidents!.map((i) => [i.key, i.startedAt])).toEqual([['1730551', Date.parse('2026-10-06T09:03:12Z')]]);
  });

  it('rejects the SPA shell answered for unknown paths', () => {
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '<!DOCTYPE html><html><div id="app"></div></html>'))).toBe('parse');
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '{"data": {"attributes": {}}, "included": []}'))).toBe('schema');
  });
});

describe('feed adapter', () => {
  const page: StatusPage = { format: 'feed', url: 'https://status.claude.com/history.atom' };

  it('reads Statuspage Atom: key from the link, updates newest first, maintenance kind, yearless stamps', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('statuspage-history-claude.atom'));
    // An open incident the feed stops listing has ended or grown old.
    expect(r.listsAllOpen).toBe(true);
    const [open, resolved, maintenance] = r.incidents!;
    expect(open).toMatchObject({
      key: 'q4m8v2n7d1xk',
      state: 'identified',
      resolvedAt: null,
      url: 'https://status.claude.com/incidents/q4m8v2n7d1xk',
    });
    expect(open!.updates[0]).toMatchObject({
      state: 'identified',
      at: Date.parse('2026-10-06T12:20:00Z'),
      body: 'The issue has been identified and a fix is being implemented.',
    });
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: Date.parse('2026-10-03T10:31:00Z') });
    expect(maintenance).toMatchObject({ kind: 'maintenance', state: 'completed' });
    expect(maintenance!.updates.map((u) => u.state)).toEqual(['completed', 'in_progress', 'scheduled']);
  });

  it('reads the RSS twin the same way', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('statuspage-history-claude.rss'));
    expect(r.incidents!.map((i) => [i.key, i.state])).toEqual([
      ['q4m8v2n7d1xk', 'identified'],
      ['t6r2k9p4w8mc', 'resolved'],
    ]);
  });

  it('treats an empty feed as no incidents, not a failure', () => {
    expect(read(page, MAIN_DOCUMENT, fixture('feed-azure-empty.rss')).incidents).toEqual([]);
  });

  it('reads plain entries: resolution words resolve, a recent one stays open, an old silent one is unlisted', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('feed-aws-bedrock.rss'));
    const [recent, resolved, old] = r.incidents!;
    expect(recent).toMatchObject({
      state: 'unknown',
      resolvedAt: null,
      unlistedAt: null,
      url: null,
      startedAt: Date.parse('2026-10-06T11:12:00Z'),
    });
    expect(recent!.updates[0]!.body).toBe(
      'We are investigating increased error rates for InvokeModel requests in the US-EAST-1 Region & some "quotes".',
    );
    expect(recent!.key).not.toBe(resolved!.key);
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: Date.parse('2026-09-14T17:01:00Z') });
    expect(old).toMatchObject({ state: 'unknown', resolvedAt: null, unlistedAt: NOW });
    expect(
      read(page, MAIN_DOCUMENT, fixture('feed-aws-bedrock.rss'), Date.parse('2026-10-06T11:12:00Z') + FEED_CURRENT_MS)
        .incidents![0]!.unlistedAt,
    ).not.toBeNull();
  });

  it('infers the year of a stamp from the entry date, across new year', () => {
    expect(parseYearlessStamp('Dec 31, 23:50 UTC', Date.UTC(2027, 0, 1, 0, 10))).toBe(Date.UTC(2026, 11, 31, 23, 50));
    expect(parseYearlessStamp('Jan 1, 00:05 UTC', Date.UTC(2027, 0, 1, 0, 10))).toBe(Date.UTC(2027, 0, 1, 0, 5));
    expect(parseYearlessStamp('Jun 5, 01:40:38 GMT+5:30', Date.UTC(2026, 6, 1))).toBe(Date.UTC(2026, 5, 4, 20, 10, 38));
    expect(parseYearlessStamp('yesterday', Date.UTC(2026, 6, 1))).toBeNull();
    expect(DAY_MS).toBeGreaterThan(0);
  });

  it('rejects JSON and HTML', () => {
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '{"incidents": []}'))).toBe('parse');
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '<html><body>Just a moment...</body></html>'))).toBe('parse');
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '<rss><channel><item><title></title></item></channel></rss>'))).toBe(
      'schema',
    );
  });
});

describe('gcp adapter', () => {
  const page: StatusPage = {
    format: 'gcp',
    url: 'https://status.cloud.google.com/incidents.json',
    pageUrl: 'https://status.cloud.google.com',
    products: ['Z0FZJAMvEB4j3NbCJs6B'],
  };

  it('keeps only the catalog products, open while no end', () => {
    const r = read(page, MAIN_DOCUMENT, fixture('gcp-incidents.json'));
    expect(r.incidents).toHaveLength(1);
    expect(r.incidents![0]).toMatchObject({
      key: 'Xq3uZ8bN1rT5wY7eK2mC',
      state: 'unknown',
      rawState: 'SERVICE_DISRUPTION',
      impact: 'major',
      rawImpact: 'SERVICE_DISRUPTION',
      url: 'https://status.cloud.google.com/incidents/Xq3uZ8bN1rT5wY7eK2mC',
      resolvedAt: null,
      components: [{ key: 'Z0FZJAMvEB4j3NbCJs6B', name: 'Vertex Gemini API' }],
    });
    expect(r.incidents![0]!.updates).toHaveLength(2);
    expect(r.components).toBeUndefined();
  });

  it('resolves by end time, reads offsets, and ignores malformed incidents of other products', () => {
    const list = JSON.parse(fixture('gcp-incidents.json'));
    list[1].affected_products[0].id = 'Z0FZJAMvEB4j3NbCJs6B';
    list[1].end = '2026-09-29T03:55:00-07:00';
    list.push({ id: 'broken', service_key: 'other', affected_products: [{ id: 'other', title: 'x' }] });
    const r = read(page, MAIN_DOCUMENT, JSON.stringify(list));
    expect(r.incidents![1]).toMatchObject({
      state: 'resolved',
      resolvedAt: Date.parse('2026-09-29T10:55:00Z'),
      impact: 'critical',
    });
    expect(r.incidents![1]!.updates[0]).toMatchObject({ state: 'resolved', rawState: 'AVAILABLE' });
  });

  it('rejects an object where an array belongs', () => {
    expect(kindOf(() => read(page, MAIN_DOCUMENT, '{"incidents": []}'))).toBe('schema');
  });
});

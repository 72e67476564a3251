// A lone surrogate in an upstream incident id: the document is read, only that incident's link is repaired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { ADAPTERS } from '../../src/sources/adapters/index.ts';
import { catalogWith, createHarness, T0, type Harness } from '../helpers/app.ts';
import { pollRig, providerLike, type PollRig } from '../helpers/poll.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

/** The JSON text of the recorded incidents with the first one's id broken by a lone surrogate and no shortlink. */
function incidentsWithBrokenId(): string {
  const doc = JSON.parse(fixture('statuspage-incidents-anthropic.json'));
  doc.incidents[0].id = 'BROKEN_ID';
  doc.incidents[0].shortlink = null;
  return JSON.stringify(doc).replace('"BROKEN_ID"', '"i\\ud800x"');
}

describe('a lone surrogate in a Statuspage incident id', () => {
  let up: Upstream;
  let h: Harness;
  let rig: PollRig;
  beforeAll(async () => {
    up = await startUpstream({
      '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic.json')),
      '/api/v2/incidents.json': json(incidentsWithBrokenId()),
      '/api/v2/scheduled-maintenances.json': json('{"scheduled_maintenances":[]}'),
    });
    h = await createHarness({
      catalog: catalogWith([
        providerLike('anthropic', { format: 'statuspage', url: up.url, pageUrl: 'https://status.claude.com' }),
      ]),
      now: T0,
    });
    rig = pollRig(h);
  });
  afterAll(async () => {
    await rig.close();
    await h.close();
    await up.close();
  });

  it('reads the document, keeps every incident and repairs only the bad link', async () => {
    await rig.job.runCycle();
    expect(await h.store.checks.summary('anthropic', 'incidents')).toMatchObject({ lastFailure: null });
    expect((await h.store.checks.summary('anthropic', 'incidents')).lastOkAt).not.toBeNull();
    const incidents = await h.store.incidents.listRecent('anthropic', 0);
    expect(incidents).toHaveLength(3);
    const urls = incidents.map((i) => i.url);
    expect(urls).toContain('https://status.claude.com/incidents/i%EF%BF%BDx');
    expect(urls.filter((url) => url?.startsWith('https://stspg.io/'))).toHaveLength(2);
  });

  it('serves the provider page and its feed with that incident', async () => {
    h.clock.now = T0;
    const page = await h.app.inject({ url: '/anthropic' });
    expect(page.statusCode).toBe(200);
    const feed = await h.app.inject({ url: '/anthropic/feed.atom' });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('i%EF%BF%BDx');
  });
});

describe('a lone surrogate in a Better Stack report id', () => {
  it('reads the document and repairs only the bad link', () => {
    const doc = JSON.parse(fixture('betterstack-index-huggingface.json'));
    const report = doc.included.find((i: { type: string }) => i.type === 'status_report');
    report.id = 'BROKEN_ID';
    const body = JSON.stringify(doc).replace('"BROKEN_ID"', '"r\\udc00"');
    const page = { format: 'betterstack' as const, url: 'https://status.huggingface.co' };
    const reading = ADAPTERS.betterstack.read(MAIN_DOCUMENT, body, page, T0);
    expect(reading.incidents!.map((i) => i.url)).toContain('https://status.huggingface.co/incident/r%EF%BF%BD');
  });
});

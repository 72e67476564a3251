// An empty channel after a full one: the first empty reading of a feed that listed items is not believed (recorded
// as unreadable, nothing applied), so it never turns a provider green on its own; a second empty reading agrees.
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_FEED_DETAIL } from '../../src/jobs/poll.ts';
import { MAIN_DOCUMENT } from '../../src/domain.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { type Harness } from '../helpers/app.ts';
import { pollOne, type PollOne, type PollRig } from '../helpers/poll.ts';
import { fixture, startUpstream, type Upstream } from '../helpers/upstream.ts';

const SLUG = 'aws-bedrock';
const feed = (name: string) => ({ type: 'application/rss+xml', body: fixture(name) });

describe('a feed that turns empty', () => {
  let one: PollOne | undefined;
  let h: Harness;
  let rig: PollRig;
  let up: Upstream;
  afterEach(() => one?.close());

  it('is not believed on its first empty reading, and is on the second', async () => {
    up = await startUpstream({ '/rss/bedrock.rss': feed('feed-aws-bedrock.rss') });
    one = await pollOne(SLUG, { format: 'feed', url: `${up.url}/rss/bedrock.rss` }, up, {
      now: Date.UTC(2026, 9, 6, 16, 0),
    });
    ({ h, rig } = one);
    const api = async () => (await h.app.inject({ url: `/api/v1/providers/${SLUG}` })).json();
    const poll = async () => {
      h.clock.now += MINUTE_MS;
      await rig.job.runCycle();
    };
    await poll();
    const full = await api();
    expect(full.incidents.length).toBeGreaterThan(0);
    expect(full.level).not.toBe('operational');

    up.set('/rss/bedrock.rss', feed('feed-azure-empty.rss'));
    await poll();
    const latest = await h.store.checks.latest(SLUG, MAIN_DOCUMENT);
    expect(latest).toMatchObject({ outcome: 'schema', detail: EMPTY_FEED_DETAIL });
    const first = await api();
    expect(first.level).toBe(full.level);
    expect(first.incidents).toEqual(full.incidents);

    // A second empty reading agrees: it is read as the feed's word.
    h.clock.now += 2 * MINUTE_MS;
    await poll();
    expect((await h.store.checks.latest(SLUG, MAIN_DOCUMENT))?.outcome).toBe('ok');
    const agreed = await api();
    expect(agreed.incidents.filter((i: { open: boolean }) => i.open)).toEqual([]);

    // Nothing is open any more: every later empty reading is read at once, none is refused.
    for (let n = 0; n < 3; n += 1) {
      await poll();
      expect((await h.store.checks.latest(SLUG, MAIN_DOCUMENT))?.outcome).toBe('ok');
    }
  });
});

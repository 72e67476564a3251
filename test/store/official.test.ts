// Store modules the poller writes: damped page level, incidents applied from a poll, the unlisted rule.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotIncident } from '../../src/domain.ts';
import type { Store } from '../../src/store/index.ts';
import { confirmLevel } from '../../src/status/damping.ts';
import { ENGINES, openTestStore } from '../helpers/engines.ts';

const incident = (key: string, over: Partial<SnapshotIncident> = {}): SnapshotIncident => ({
  key,
  kind: 'incident',
  title: `Incident ${key}`,
  state: 'investigating',
  rawState: 'investigating',
  impact: 'minor',
  rawImpact: 'minor',
  url: null,
  startedAt: 1000,
  resolvedAt: null,
  scheduledFor: null,
  scheduledUntil: null,
  updates: [{ key: `${key}-u1`, state: 'investigating', rawState: 'investigating', body: 'Looking.', at: 1000 }],
  components: [],
  ...over,
});

describe.each(ENGINES)('on %s', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeEach(async () => {
    store = await openTestStore(engine);
    await store.providers.sync([{ slug: 'acme', name: 'Acme' }], 0);
  });
  afterEach(() => store.dispose());

  describe('page level', () => {
    it('publishes the first reading, then needs two agreeing polls to change', async () => {
      expect(await store.components.setPageLevel('acme', 'operational', 'none', 1, confirmLevel)).toBe(true);
      expect(await store.components.setPageLevel('acme', 'partial_outage', 'major', 2, confirmLevel)).toBe(false);
      expect(await store.components.pageLevel('acme')).toEqual({ level: 'operational', raw: 'major' });
      expect(await store.components.setPageLevel('acme', 'operational', 'none', 3, confirmLevel)).toBe(false);
      expect(await store.components.setPageLevel('acme', 'partial_outage', 'major', 4, confirmLevel)).toBe(false);
      expect(await store.components.setPageLevel('acme', 'partial_outage', 'major', 5, confirmLevel)).toBe(true);
      expect(await store.components.pageLevel('acme')).toEqual({ level: 'partial_outage', raw: 'major' });
    });

    it('lets an unchanged document confirm a pending component or page level', async () => {
      const item = {
        key: 'c1',
        name: 'API',
        groupName: null,
        position: 0,
        rawStatus: 'operational',
        onlyShowIfDegraded: false,
      };
      await store.components.applySnapshot('acme', [{ ...item, level: 'operational' }], 1, confirmLevel);
      await store.components.setPageLevel('acme', 'operational', 'none', 1, confirmLevel);
      await store.components.applySnapshot(
        'acme',
        [{ ...item, level: 'major_outage', rawStatus: 'major_outage' }],
        2,
        confirmLevel,
      );
      await store.components.setPageLevel('acme', 'major_outage', 'critical', 2, confirmLevel);
      expect(await store.components.reconfirm('acme', 3, { components: false, page: false }, confirmLevel)).toBe(false);
      expect((await store.components.list('acme'))[0]!.level).toBe('operational');
      expect(await store.components.reconfirm('acme', 4, { components: true, page: true }, confirmLevel)).toBe(true);
      expect((await store.components.list('acme'))[0]).toMatchObject({
        level: 'major_outage',
        rawStatus: 'major_outage',
        // Dated from the first poll that saw the change, not the one that confirmed it.
        changedAt: 2,
        firstSeen: false,
      });
      expect(await store.components.pageLevel('acme')).toEqual({ level: 'major_outage', raw: 'critical' });
      expect(
        (await store.components.history((await store.components.list('acme'))[0]!.id, 0)).map((c) => c.level),
      ).toEqual(['operational', 'major_outage']);
    });
  });

  describe('official incidents', () => {
    it('writes nothing when the same poll comes again', async () => {
      expect(await store.incidents.applyOfficial('acme', [incident('a')], true, 10)).toBe(true);
      const version = store.versions.of('acme');
      expect(await store.incidents.applyOfficial('acme', [incident('a')], true, 20)).toBe(false);
      expect(store.versions.of('acme')).toBe(version);
      expect((await store.incidents.listRecent('acme', 0))[0]!.updatedAt).toBe(10);
    });

    it('marks open incidents a complete list no longer has as unlisted, once, and only then', async () => {
      await store.incidents.applyOfficial(
        'acme',
        [incident('a'), incident('b'), incident('c', { state: 'resolved', resolvedAt: 900 })],
        true,
        10,
      );
      await store.incidents.applyOfficial('acme', [incident('b')], false, 20);
      expect((await store.incidents.listRecent('acme', 0)).every((i) => i.unlistedAt === null)).toBe(true);
      await store.incidents.applyOfficial('acme', [incident('b')], true, 30);
      await store.incidents.applyOfficial('acme', [], true, 40);
      const byKey = new Map((await store.incidents.listRecent('acme', 0)).map((i) => [i.key, i]));
      expect(byKey.get('a')).toMatchObject({ unlistedAt: 30, resolvedAt: null, state: 'investigating' });
      expect(byKey.get('b')!.unlistedAt).toBe(40);
      expect(byKey.get('c')!.unlistedAt).toBeNull();
    });

    it('clears the mark when the incident is listed again or its end is told', async () => {
      await store.incidents.applyOfficial('acme', [incident('a')], true, 10);
      await store.incidents.applyOfficial('acme', [], true, 20);
      await store.incidents.applyOfficial('acme', [incident('a', { state: 'resolved', resolvedAt: 15 })], false, 30);
      expect((await store.incidents.listRecent('acme', 0))[0]).toMatchObject({
        state: 'resolved',
        resolvedAt: 15,
        unlistedAt: null,
      });
    });

    it('never moves a start later, but takes an earlier one', async () => {
      await store.incidents.applyOfficial('acme', [incident('a', { startedAt: 1000 })], true, 10);
      await store.incidents.applyOfficial('acme', [incident('a', { startedAt: 5000 })], true, 20);
      expect((await store.incidents.listRecent('acme', 0))[0]!.startedAt).toBe(1000);
      await store.incidents.applyOfficial('acme', [incident('a', { startedAt: 400 })], true, 30);
      expect((await store.incidents.listRecent('acme', 0))[0]!.startedAt).toBe(400);
    });

    it("keeps a source's first unlisted time; unlisted incidents leave the recent list after the window", async () => {
      await store.incidents.applyOfficial(
        'acme',
        [incident('feed', { startedAt: 50, updates: [], unlistedAt: 100 })],
        false,
        100,
      );
      await store.incidents.applyOfficial(
        'acme',
        [incident('feed', { startedAt: 50, updates: [], unlistedAt: 200 })],
        false,
        200,
      );
      expect((await store.incidents.listRecent('acme', 0))[0]!.unlistedAt).toBe(100);
      expect(await store.incidents.listRecent('acme', 150)).toEqual([]);
    });
  });
});

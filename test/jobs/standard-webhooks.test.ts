// Webhooks made before Standard Webhooks, on both engines: migrated, they get a new secret shown once (on their page
// or in the API), every delivery verifies with the reference verifier, and the old header goes on beside the new
// ones, under the same id and timestamp, for 30 days only.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { verifyTimestampSignature } from '../../src/notify/signature.ts';
import { hashToken, newToken, newWebhookSecret } from '../../src/notify/tokens.ts';
import { openDatabase, openPostgres } from '../../src/store/db.ts';
import { sql } from '../../src/store/kysely.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { LEGACY_SIGNATURE_MS } from '../../src/store/subscriptions.ts';
import { DAY_MS, MINUTE_MS } from '../../src/time.ts';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { ENGINES, testDatabase, type TestDatabase } from '../helpers/engines.ts';
import { notifyRig, type NotifyRig } from '../helpers/notify.ts';
import { startReceiver, verifyDelivery, type Receiver } from '../helpers/receivers.ts';
import { recordOfficial } from '../helpers/signals.ts';

const SLUG = 'openai';
/** The database version before Standard Webhooks (migration 12 adds it). */
const BEFORE = 11;

type OldWebhook = { id: string; manageToken: string; secret: string };

/** A webhook subscription as the program before Standard Webhooks made it: a base64url secret of 31 usable bytes. */
function oldWebhook(target: string): OldWebhook & { values: unknown[] } {
  const s = { id: randomUUID(), manageToken: newToken(), secret: `whsec_${newToken()}` };
  const values = [s.id, 'webhook', target, new URL(target).origin, s.secret, hashToken(s.manageToken), newToken()];
  return { ...s, values };
}
const INSERT = `INSERT INTO subscriptions (id, channel, target, receiver, secret, manage_hash, unsubscribe_token,
  status, created_at, active_since) VALUES `;

async function databaseBefore(database: TestDatabase, hooks: { values: unknown[] }[], at: number): Promise<void> {
  const { databaseUrl, databasePath } = database.target;
  if (databaseUrl) {
    const handle = await openPostgres(databaseUrl, MIGRATIONS.slice(0, BEFORE));
    for (const { values } of hooks)
      await sql`${sql.raw(INSERT)} (${sql.join(values)}, 'active', ${at}, ${at})`.execute(handle.db);
    await handle.close();
    return;
  }
  const db = openDatabase(databasePath, MIGRATIONS.slice(0, BEFORE));
  const insert = db.prepare(`${INSERT} (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`);
  for (const { values } of hooks) insert.run(...values, at, at);
  db.close();
}

describe.each(ENGINES)('webhooks made before Standard Webhooks, on %s', (engine) => {
  let h: Harness | undefined;
  let rig: NotifyRig | undefined;
  let hook: Receiver | undefined;
  let database: TestDatabase | undefined;

  afterEach(async () => {
    await rig?.close();
    await h?.close();
    await hook?.close();
    await database?.drop();
  });

  it('get a new secret shown once, and the old header beside the new ones for 30 days', async () => {
    hook = await startReceiver();
    database = await testDatabase(engine);
    const byPage = oldWebhook(hook.url);
    const byApi = oldWebhook(hook.url);
    const T = Date.UTC(2026, 10, 22, 12, 0, 0);
    await databaseBefore(database, [byPage, byApi], T - DAY_MS);

    const target: Record<string, string> = database.target.databaseUrl
      ? { DATABASE_URL: database.target.databaseUrl, SECRET: 'test-secret-of-at-least-32-characters!' }
      : { DATABASE_PATH: database.target.databasePath };
    h = await createHarness({ now: T, env: { ALLOW_PRIVATE_UPSTREAMS: 'true', ...target } });
    // What the server does at boot; a second node starting later changes nothing.
    expect(await h.store.subscriptions.upgradeSecrets(h.clock.now, newWebhookSecret)).toBe(2);
    expect(await h.store.subscriptions.upgradeSecrets(h.clock.now, newWebhookSecret)).toBe(0);

    const page = textOf((await h.app.inject({ url: `/subscriptions/${byPage.manageToken}` })).body);
    expect(page).toContain('signed as Standard Webhooks');
    const pageSecret = /whsec_[A-Za-z0-9+/]{43}=/.exec(page)?.[0];
    expect(pageSecret).toBeDefined();
    expect(Buffer.from(pageSecret!.slice(6), 'base64')).toHaveLength(32);
    const again = (await h.app.inject({ url: `/subscriptions/${byPage.manageToken}` })).body;
    expect(again).not.toContain(pageSecret);
    expect(again).not.toMatch(/whsec_/);

    const api = (await h.app.inject({ url: `/api/v1/subscriptions/${byApi.manageToken}` })).json<{
      secret?: string;
    }>();
    expect(api.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(api.secret).not.toBe(pageSecret);
    expect((await h.app.inject({ url: `/api/v1/subscriptions/${byApi.manageToken}` })).json()).not.toHaveProperty(
      'secret',
    );
    const newSecret = new Map([
      [byPage.id, pageSecret!],
      [byApi.id, api.secret!],
    ]);
    const oldSecret = new Map([
      [byPage.id, byPage.secret],
      [byApi.id, byApi.secret],
    ]);

    rig = notifyRig(h);
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
    await rig.job.tick();
    const change = async (level: 'major_outage' | 'operational') => {
      for (let poll = 0; poll < 2; poll += 1) {
        h!.clock.now += MINUTE_MS;
        await recordOfficial(h!.store, SLUG, h!.clock.now, { API: level });
      }
      await rig!.job.tick();
      await rig!.job.idle();
    };
    /** Which subscription a delivery went to: the one whose new secret verifies it. */
    const subscriptionOf = (r: Receiver['received'][number]) =>
      [...newSecret].find(([, secret]) => {
        try {
          return verifyDelivery(secret, r) !== undefined;
        } catch {
          return false;
        }
      })?.[0];

    await change('major_outage');
    const first = await hook.waitFor(2);
    for (const r of first) {
      const id = subscriptionOf(r);
      expect(id, 'verified with a new secret').toBeDefined();
      const event = JSON.parse(r.body) as StatusEvent;
      expect(r.headers['webhook-id']).toBe(event.id);
      expect(r.headers['x-status-event-id']).toBe(event.id);
      expect(r.headers['x-status-timestamp']).toBe(r.headers['webhook-timestamp']);
      const given = String(r.headers['x-status-signature']);
      expect(
        verifyTimestampSignature(oldSecret.get(id!)!, String(r.headers['x-status-timestamp']), r.body, given),
      ).toBe(true);
    }

    // Past the 30 days, only the Standard Webhooks headers remain.
    h.clock.now = T + LEGACY_SIGNATURE_MS + MINUTE_MS;
    await change('operational');
    const later = (await hook.waitFor(4)).slice(2);
    expect(later).toHaveLength(2);
    for (const r of later) {
      expect(subscriptionOf(r)).toBeDefined();
      expect(r.headers['x-status-signature']).toBeUndefined();
      expect(r.headers['x-status-event-id']).toBeUndefined();
    }
    expect(new Set(later.map(subscriptionOf))).toEqual(new Set([byPage.id, byApi.id]));
    // A random key verifies nothing.
    expect(() => verifyDelivery(`whsec_${randomBytes(32).toString('base64')}`, later[0]!)).toThrow();
  });
});

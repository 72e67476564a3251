// Teams, Google Chat, ntfy, PagerDuty, Opsgenie and Telegram, each from the receiver's side on loopback: an outage
// and its recovery arrive well-formed and within the service's limits (a huge upstream title of emoji and markup cut
// between whole characters and escaped; PagerDuty resolves and Opsgenie closes what they opened, by the same key),
// a test event reaches each, a wrong target is refused naming what is wrong, and no key is shown back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { GOOGLE_CHAT_TEXT_MAX_CHARS, googleChatMessage } from '../../src/notify/channels/google-chat.ts';
import { NTFY_TITLE_MAX_CHARS, ntfyMessage } from '../../src/notify/channels/ntfy.ts';
import { OPSGENIE_DESCRIPTION_MAX_CHARS, OPSGENIE_MESSAGE_MAX_CHARS } from '../../src/notify/channels/opsgenie.ts';
import { PAGERDUTY_SUMMARY_MAX_CHARS } from '../../src/notify/channels/pagerduty.ts';
import { TELEGRAM_TEXT_MAX_CHARS, telegramRequest } from '../../src/notify/channels/telegram.ts';
import {
  TEAMS_MESSAGE_MAX_BYTES,
  TEAMS_TEXT_MAX_CHARS,
  TEAMS_TITLE_MAX_CHARS,
  teamsMessage,
} from '../../src/notify/channels/teams.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { createHarness, type Harness } from '../helpers/app.ts';
import { chatUrl, notifyRig, type NotifyRig } from '../helpers/notify.ts';
import { startReceiver, type Receiver } from '../helpers/receivers.ts';
import { incident } from '../helpers/seed.ts';
import { recordIncident, recordOfficial } from '../helpers/signals.ts';

const SLUG = 'openai';
/** A family emoji is one grapheme of 11 code units: a cut inside it would leave a broken character. */
const FAMILY = '👩‍👩‍👧‍👦';
const HUGE_TITLE = `${FAMILY.repeat(800)} <users/all> @everyone [click](https://evil.example) *bold* & more`;

/** No lone surrogate, and no grapheme cut: the text is whole family emoji, then an ellipsis, or an uncut text. */
function wellCut(text: string): void {
  expect(Buffer.from(text).toString()).toBe(text);
  const run = /(?:👩‍👩‍👧‍👦)+/u.exec(text);
  if (!run) return;
  // Right after the whole families: the ellipsis or other text, never a piece of one more family.
  expect(text.slice(run.index + run[0].length)).not.toMatch(/^[\u200d👩👧👦]/u);
}

type TeamsBody = {
  type: string;
  attachments: { contentType: string; content: { type: string; body: { text: string }[]; actions: unknown[] } }[];
};
type NtfyBody = { topic: string; title: string; message: string; priority: number; tags: string[]; click: string };

describe('channels from the receiver side', () => {
  let h: Harness;
  let rig: NotifyRig;
  let receivers: Receiver[] = [];

  beforeEach(async () => {
    h = await createHarness({ env: { ALLOW_PRIVATE_UPSTREAMS: 'true' }, testSender: async () => rig.sender });
    rig = notifyRig(h);
    await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
    await rig.job.tick();
  });
  afterEach(async () => {
    await rig.close();
    await h.close();
    for (const r of receivers) await r.close();
    receivers = [];
  });

  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  const subscribe = async (channel: string, target: string) => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: { channel, target } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ manageToken: string }>();
  };
  const deliver = async () => {
    await rig.job.tick();
    await rig.job.idle();
  };
  const level = async (api: 'major_outage' | 'operational') => {
    for (let poll = 0; poll < 2; poll += 1) {
      h.clock.now += MINUTE_MS;
      await recordOfficial(h.store, SLUG, h.clock.now, { API: api });
    }
    await deliver();
    await deliver();
  };

  it('delivers an outage and its recovery to Teams, Google Chat and ntfy, bounded and escaped', async () => {
    const teams = await receiver();
    const chat = await receiver();
    const ntfy = await receiver();
    await subscribe('teams', chatUrl('teams', teams.url));
    await subscribe('google_chat', chatUrl('google_chat', chat.url));
    await subscribe('ntfy', `${new URL(ntfy.url).origin}/base/status-alerts_1`);

    h.clock.now += MINUTE_MS;
    await recordIncident(h.store, SLUG, h.clock.now, HUGE_TITLE);
    await level('major_outage');
    await h.store.incidents.upsert(
      SLUG,
      'official',
      [incident(`inc-${HUGE_TITLE}`, { title: HUGE_TITLE, state: 'resolved', resolvedAt: h.clock.now })],
      h.clock.now,
    );
    await level('operational');
    for (const r of [teams, chat, ntfy]) await r.waitFor(4);

    for (const r of teams.received) {
      expect(r.path).toBe('/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01');
      expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(TEAMS_MESSAGE_MAX_BYTES);
      const body = JSON.parse(r.body) as TeamsBody;
      expect(body.type).toBe('message');
      const card = body.attachments[0]!;
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(card.content.type).toBe('AdaptiveCard');
      const [title, details] = card.content.body;
      expect(title!.text.length).toBeLessThanOrEqual(TEAMS_TITLE_MAX_CHARS);
      expect(details!.text.length).toBeLessThanOrEqual(TEAMS_TEXT_MAX_CHARS);
      wellCut(title!.text);
      expect(title!.text).not.toMatch(/(?<!\\)\[click\]/);
    }
    const teamsTexts = teams.received.map((r) => (JSON.parse(r.body) as TeamsBody).attachments[0]!.content.body);
    expect(teamsTexts[0]![0]!.text).toMatch(/^OpenAI: New incident: 👩‍👩‍👧‍👦.*…$/u);
    expect(teamsTexts.at(-1)![1]!.text).toContain('API: Operational (was Major Outage)');

    for (const r of chat.received) {
      expect(r.path).toBe('/v1/spaces/AAAA/messages?key=k&token=t');
      const { text } = JSON.parse(r.body) as { text: string };
      expect(text.length).toBeLessThanOrEqual(GOOGLE_CHAT_TEXT_MAX_CHARS);
      wellCut(text);
      expect(text).not.toContain('<users/all>');
    }
    const chatTexts = chat.received.map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(chatTexts[0]).toMatch(/^\*OpenAI: New incident: 👩‍👩‍👧‍👦/u);
    expect(chatTexts.at(-1)).toContain('API: Operational (was Major Outage)');
    expect(chatTexts.at(-1)).toContain(`<${h.config.siteUrl}/${SLUG}|Status page>`);

    for (const r of ntfy.received) {
      expect(r.path).toBe('/base/');
      expect(Buffer.byteLength(JSON.parse(r.body).message as string)).toBeLessThanOrEqual(4096);
      const body = JSON.parse(r.body) as NtfyBody;
      expect(body.topic).toBe('status-alerts_1');
      expect(body.title.length).toBeLessThanOrEqual(NTFY_TITLE_MAX_CHARS);
      wellCut(body.title);
      expect(body.click).toBe(`${h.config.siteUrl}/${SLUG}`);
    }
    const ntfyBodies = ntfy.received.map((r) => JSON.parse(r.body) as NtfyBody);
    expect(ntfyBodies.map((b) => b.priority)).toContain(5);
    expect(ntfyBodies.at(-1)).toMatchObject({ priority: 3, tags: ['white_check_mark'] });
    expect(ntfyBodies.at(-1)!.message).toContain('API: Operational (was Major Outage)');
  });

  it('sends a test event to each', async () => {
    const targets = { teams: await receiver(), google_chat: await receiver(), ntfy: await receiver() };
    for (const [channel, r] of Object.entries(targets)) {
      const target =
        channel === 'ntfy' ? `${new URL(r.url).origin}/topic` : chatUrl(channel as 'teams' | 'google_chat', r.url);
      const sub = await subscribe(channel, target);
      const sent = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${sub.manageToken}/test` });
      expect(sent.json()).toEqual({ delivered: true, status: 200, message: 'Test event delivered (HTTP 200).' });
      const [received] = await r.waitFor(1);
      expect(received!.body).toContain('test event: nothing happened');
    }
  });

  it('refuses a URL that is not the channel’s, naming what is wrong', async () => {
    const refused = async (channel: string, target: string) => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/subscriptions', payload: { channel, target } });
      expect(res.statusCode).toBe(400);
      return res.body;
    };
    expect(await refused('teams', 'https://example.com/workflows/x')).toContain('a Teams Workflows webhook URL');
    expect(await refused('google_chat', 'https://chat.googleapis.com/v2/x')).toContain(
      'a Google Chat incoming webhook URL',
    );
    expect(await refused('ntfy', 'https://ntfy.sh/')).toContain('an ntfy topic URL');
    expect(await refused('ntfy', 'https://ntfy.sh/has.dot')).toContain('an ntfy topic URL');
  });
});

describe('PagerDuty from the receiver side', () => {
  const KEY = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12';
  type PdBody = {
    routing_key: string;
    event_action: 'trigger' | 'resolve';
    dedup_key: string;
    payload?: { summary: string; severity: string; source: string; timestamp: string };
  };

  it('triggers an outage and resolves it under the same dedup_key, never showing the routing key back', async () => {
    const pd = await startReceiver();
    let rig: NotifyRig | undefined;
    const h = await createHarness({
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true', PAGERDUTY_EVENTS_URL: `${new URL(pd.url).origin}/v2/enqueue` },
      testSender: async () => rig!.sender,
    });
    try {
      rig = notifyRig(h);
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
      await rig.job.tick();
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'pagerduty', target: KEY, providers: [SLUG] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const { manageToken } = res.json<{ manageToken: string }>();
      const page = await h.app.inject({ url: `/subscriptions/${manageToken}` });
      expect(page.body).not.toContain(KEY);
      expect(page.body).toContain('routing key …ey12');
      expect(
        JSON.stringify((await h.app.inject({ url: `/api/v1/subscriptions/${manageToken}` })).json()),
      ).not.toContain(KEY);

      const step = async (api: 'major_outage' | 'operational') => {
        for (let poll = 0; poll < 2; poll += 1) {
          h.clock.now += MINUTE_MS;
          await recordOfficial(h.store, SLUG, h.clock.now, { API: api });
        }
        await rig!.job.tick();
        await rig!.job.idle();
        await rig!.job.tick();
        await rig!.job.idle();
      };
      h.clock.now += MINUTE_MS;
      await recordIncident(h.store, SLUG, h.clock.now, HUGE_TITLE);
      await step('major_outage');
      await h.store.incidents.upsert(
        SLUG,
        'official',
        [incident(`inc-${HUGE_TITLE}`, { title: HUGE_TITLE, state: 'resolved', resolvedAt: h.clock.now })],
        h.clock.now,
      );
      await step('operational');
      const received = await pd.waitFor(4);
      const bodies = received.map((r) => JSON.parse(r.body) as PdBody);
      for (const r of received) expect(r.path).toBe('/v2/enqueue');
      for (const b of bodies) expect(b.routing_key).toBe(KEY);
      const triggers = bodies.filter((b) => b.event_action === 'trigger');
      const resolves = bodies.filter((b) => b.event_action === 'resolve');
      expect(triggers).toHaveLength(2);
      expect(resolves).toHaveLength(2);
      for (const t of triggers) {
        expect(t.payload!.summary.length).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX_CHARS);
        wellCut(t.payload!.summary);
        expect(t.payload!.source).toBe(new URL(h.config.siteUrl).host);
      }
      expect(triggers.map((t) => t.payload!.severity)).toContain('critical');
      // Every alert raised is resolved under its own dedup_key: the incident's and the API level's.
      expect(new Set(resolves.map((r) => r.dedup_key))).toEqual(new Set(triggers.map((t) => t.dedup_key)));
      expect(new Set(triggers.map((t) => t.dedup_key)).size).toBe(2);
      expect(triggers.map((t) => t.dedup_key)).toContain(`status/${SLUG}/api`);

      // The test event checks the routing key and pages no one: a resolve of its own key.
      const sent = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${manageToken}/test` });
      expect(sent.json()).toMatchObject({ delivered: true, status: 200 });
      const test = JSON.parse((await pd.waitFor(5))[4]!.body) as PdBody;
      expect(test).toMatchObject({ routing_key: KEY, event_action: 'resolve' });
      expect(test.dedup_key).toMatch(new RegExp(`^status/${SLUG}/test/test-`));

      const bad = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'pagerduty', target: 'https://events.pagerduty.com/v2/enqueue' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('a PagerDuty routing key (32 letters and digits');
      expect(bad.body).not.toContain(KEY);
    } finally {
      await rig?.close();
      await h.close();
      await pd.close();
    }
  });
});

describe('Opsgenie from the receiver side', () => {
  const KEY = '0123abcd-4567-89ab-cdef-0123456789ab';

  it('creates an alert for an outage and closes it by the same alias, the key only in its header', async () => {
    const og = await startReceiver();
    let rig: NotifyRig | undefined;
    const h = await createHarness({
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true', OPSGENIE_API_URL: new URL(og.url).origin },
      testSender: async () => rig!.sender,
    });
    try {
      rig = notifyRig(h);
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
      await rig.job.tick();
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'opsgenie', target: KEY, providers: [SLUG] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const { manageToken } = res.json<{ manageToken: string }>();
      const page = await h.app.inject({ url: `/subscriptions/${manageToken}` });
      expect(page.body).not.toContain(KEY);
      expect(page.body).toContain('API key …89ab');

      const step = async (api: 'major_outage' | 'operational') => {
        for (let poll = 0; poll < 2; poll += 1) {
          h.clock.now += MINUTE_MS;
          await recordOfficial(h.store, SLUG, h.clock.now, { API: api });
        }
        for (let i = 0; i < 2; i += 1) {
          await rig!.job.tick();
          await rig!.job.idle();
        }
      };
      h.clock.now += MINUTE_MS;
      await recordIncident(h.store, SLUG, h.clock.now, HUGE_TITLE);
      await step('major_outage');
      await h.store.incidents.upsert(
        SLUG,
        'official',
        [incident(`inc-${HUGE_TITLE}`, { title: HUGE_TITLE, state: 'resolved', resolvedAt: h.clock.now })],
        h.clock.now,
      );
      await step('operational');
      const received = await og.waitFor(4);
      for (const r of received) {
        expect(r.headers.authorization).toBe(`GenieKey ${KEY}`);
        expect(r.body).not.toContain(KEY);
      }
      const creates = received.filter((r) => r.path === '/v2/alerts');
      const closes = received.filter((r) => r.path.endsWith('/close?identifierType=alias'));
      expect(creates).toHaveLength(2);
      expect(closes).toHaveLength(2);
      const aliases = creates.map((r) => {
        const body = JSON.parse(r.body) as { message: string; alias: string; description: string; priority: string };
        expect(body.message.length).toBeLessThanOrEqual(OPSGENIE_MESSAGE_MAX_CHARS);
        expect(body.description.length).toBeLessThanOrEqual(OPSGENIE_DESCRIPTION_MAX_CHARS);
        expect(body.alias.length).toBeLessThanOrEqual(512);
        wellCut(body.message);
        return body.alias;
      });
      expect(new Set(aliases).size).toBe(2);
      // Every alert created is closed by its alias.
      expect(new Set(closes.map((r) => decodeURIComponent(r.path.split('/')[3]!)))).toEqual(new Set(aliases));

      const sent = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${manageToken}/test` });
      expect(sent.json()).toMatchObject({ delivered: true, status: 200 });
      expect((await og.waitFor(5))[4]!.path).toMatch(/^\/v2\/alerts\/status%2Fopenai%2Ftest%2Ftest-[^/]+\/close/);

      const bad = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'opsgenie', target: 'not-a-key' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('an Opsgenie API integration key');
    } finally {
      await rig?.close();
      await h.close();
      await og.close();
    }
  });
});

describe('Telegram from the receiver side', () => {
  const TOKEN = '123456789:AAEhBOweik6ad6PsWqkNf3aTmz0EXAMPLE0';
  const TARGET = `${TOKEN}/-1001234567890`;

  it('sends an outage and its recovery to the chat, bounded and escaped, never showing the token back', async () => {
    const tg = await startReceiver();
    let rig: NotifyRig | undefined;
    const h = await createHarness({
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true', TELEGRAM_API_URL: new URL(tg.url).origin },
      testSender: async () => rig!.sender,
    });
    try {
      rig = notifyRig(h);
      await recordOfficial(h.store, SLUG, h.clock.now, { API: 'operational' });
      await rig.job.tick();
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'telegram', target: TARGET, providers: [SLUG] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const { manageToken } = res.json<{ manageToken: string }>();
      const page = await h.app.inject({ url: `/subscriptions/${manageToken}` });
      expect(page.body).not.toContain(TOKEN);
      expect(page.body).toContain('chat -1001234567890 (bot token …PLE0)');
      expect(
        JSON.stringify((await h.app.inject({ url: `/api/v1/subscriptions/${manageToken}` })).json()),
      ).not.toContain(TOKEN);

      const step = async (api: 'major_outage' | 'operational') => {
        for (let poll = 0; poll < 2; poll += 1) {
          h.clock.now += MINUTE_MS;
          await recordOfficial(h.store, SLUG, h.clock.now, { API: api });
        }
        for (let i = 0; i < 2; i += 1) {
          await rig!.job.tick();
          await rig!.job.idle();
        }
      };
      h.clock.now += MINUTE_MS;
      await recordIncident(h.store, SLUG, h.clock.now, HUGE_TITLE);
      await step('major_outage');
      await h.store.incidents.upsert(
        SLUG,
        'official',
        [incident(`inc-${HUGE_TITLE}`, { title: HUGE_TITLE, state: 'resolved', resolvedAt: h.clock.now })],
        h.clock.now,
      );
      await step('operational');
      const received = await tg.waitFor(4);
      const texts = received.map((r) => {
        expect(r.path).toBe(`/bot${TOKEN}/sendMessage`);
        const body = JSON.parse(r.body) as { chat_id: string; text: string; parse_mode: string };
        expect(body).toMatchObject({ chat_id: '-1001234567890', parse_mode: 'HTML' });
        expect(body.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX_CHARS);
        wellCut(body.text);
        // Only our own tags: upstream text arrives escaped.
        expect(body.text.replace(/<\/?b>|<a href="[^"<>]*">|<\/a>/g, '')).not.toMatch(/[<>]/);
        return body.text;
      });
      expect(texts[0]).toMatch(/^<b>OpenAI: New incident: 👩‍👩‍👧‍👦/u);
      expect(texts.at(-1)).toContain('API: Operational (was Major Outage)');

      const sent = await h.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${manageToken}/test` });
      expect(sent.json()).toMatchObject({ delivered: true, status: 200 });
      expect((await tg.waitFor(5))[4]!.body).toContain('test event: nothing happened');

      const bad = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        payload: { channel: 'telegram', target: TOKEN },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('a Telegram bot token and chat id as');
      expect(bad.body).not.toContain(TOKEN);
    } finally {
      await rig?.close();
      await h.close();
      await tg.close();
    }
  });
});

describe('channel formats', () => {
  const event: StatusEvent = {
    id: 'e1',
    type: 'incident_opened',
    at: '2026-11-22T12:00:00.000Z',
    provider: { slug: 'openai', name: 'OpenAI' },
    level: 'major_outage',
    previousLevel: 'operational',
    incident: {
      id: '1',
      title: `x${FAMILY.repeat(3000)}`,
      state: 'investigating',
      source: 'official',
      link: 'https://status.example/incidents/1',
      kind: 'incident',
      impact: 'major',
    },
    components: ['API'],
    url: 'https://status.example/openai',
  };

  it('escape upstream markup for the format each lands in', () => {
    const e = { ...event, incident: { ...event.incident!, title: '<b>x</b> <users/all> [y](https://evil) & *z*' } };
    const tg = (telegramRequest(e, 'x', 'https://api.telegram.org').body as { text: string }).text;
    expect(tg).toContain('&lt;b&gt;x&lt;/b&gt; &lt;users/all&gt; [y](https://evil) &amp; *z*');
    expect((googleChatMessage(e) as { text: string }).text).toContain('&lt;users/all&gt;');
    expect((teamsMessage(e) as TeamsBody).attachments[0]!.content.body[0]!.text).toContain('\\[y\\](https://evil)');
  });

  it('cut every title on a grapheme boundary at every length', () => {
    for (let n = 0; n < 40; n += 1) {
      const e = { ...event, incident: { ...event.incident!, title: `${'a'.repeat(n)}${FAMILY.repeat(600)}` } };
      const teams = teamsMessage(e) as TeamsBody;
      wellCut(teams.attachments[0]!.content.body[0]!.text.replace(/^[^👩]*/u, ''));
      wellCut((googleChatMessage(e) as { text: string }).text.replace(/^[^👩]*/u, ''));
      wellCut((ntfyMessage(e, 't') as NtfyBody).title.replace(/^[^👩]*/u, ''));
    }
  });
});

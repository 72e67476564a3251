// Subscriptions (routes and view models): the no-JavaScript form (GET /subscribe, GET /:provider/subscribe,
// POST /subscribe), the JSON API (POST /api/v1/subscriptions, GET and DELETE /api/v1/subscriptions/:manageToken,
// POST …/test), a subscription's page with its test event, e-mail confirmation (a page whose button POSTs) and
// one-click unsubscribe. Creation is rate limited per client (IPv4 address or IPv6 /48) under site-wide caps; the
// service behind them is notify/subscriptions.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CONFIRMATION_TTL_MS,
  createSubscriptionService,
  REFUSALS,
  renewedNotice,
  TEST_EVENTS_PER_HOUR,
  type Created,
} from '../../notify/subscriptions.ts';
import { hashToken } from '../../notify/tokens.ts';
import { upstreamPolicy } from '../../sources/addresses.ts';
import { HOUR_MS, SECOND_MS } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { BadRequest, NotFound, parseOr400, trackedProvider } from '../http/problems.ts';
import { CATALOG_ONLY, pageTemplate } from '../http/render.ts';
import {
  SUBSCRIPTION_BODY_LIMIT_BYTES,
  SubscriptionForm,
  subscriptionInput,
  checkSubscription,
  type SubscriptionRequest,
} from '../api/subscription-input.ts';
import { crossSiteProblem } from '../api/reports.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { Provider } from '../../catalog/schema.ts';
import { CHANNELS, CHANNEL_LABELS, LEVEL_LABELS, LEVELS, type EventType } from '../../domain.ts';
import type { DeliveryRow } from '../../store/deliveries.ts';
import { shownTelegramTarget } from '../../notify/channels/telegram.ts';
import type { ConfirmationState, SubscriptionRow } from '../../store/subscriptions.ts';
import { formatUtc } from '../../time.ts';
import { timeView } from '../blocks/common.ts';

export function subscribeView(catalog: Catalog, emailOffered: boolean, fixed: Provider | null) {
  return {
    heading: fixed ? `Get notified about ${fixed.name}` : 'Get notified when an AI API breaks',
    intro:
      'We tell you when an API level changes and when incidents or maintenance start, change or end, as soon as our ' +
      'checks see it.',
    // Without a mail server, e-mail is neither offered nor mentioned.
    channels: CHANNELS.filter((c) => c !== 'email' || emailOffered).map((c, i) => ({
      value: c,
      label: CHANNEL_LABELS[c],
      checked: i === 0,
    })),
    targetLabel: emailOffered
      ? 'Webhook or topic URL, PagerDuty or Opsgenie key, Telegram bot token/chat id, or e-mail address'
      : 'Webhook or topic URL, PagerDuty or Opsgenie key, or Telegram bot token/chat id',
    fixedProvider: fixed ? { slug: fixed.slug, name: fixed.name } : null,
    providers: catalog.providers.map((p) => ({ slug: p.slug, name: p.name })),
    componentExample: fixed
      ? fixed.components
          .slice(0, 2)
          .map((c) => c.name)
          .join(', ')
      : 'API, Chat Completions',
    levels: LEVELS.filter((l) => l !== 'unknown' && l !== 'operational').map((l) => ({
      value: l,
      label: LEVEL_LABELS[l],
    })),
    errors: catalog.errorTypes.map((e) => ({ slug: e.slug, name: e.shortTitle })),
    privacy: emailOffered
      ? 'An e-mail address gets one confirmation mail and nothing else until it is confirmed. We use the address ' +
        'or URL only to send what you asked for; every notification carries a way to unsubscribe.'
      : 'We use the URL only to send what you asked for; every subscription has a page to unsubscribe.',
  };
}

const EVENT_WORDS: Record<EventType, string> = {
  level_changed: 'API level changed',
  incident_opened: 'Incident opened',
  incident_updated: 'Incident updated',
  incident_resolved: 'Incident resolved',
  maintenance_started: 'Maintenance started',
  maintenance_ended: 'Maintenance ended',
};

function outcome(d: DeliveryRow, now: number): string {
  if (d.state === 'delivered') return `Delivered${d.lastStatus ? ` (HTTP ${d.lastStatus})` : ''}`;
  if (d.state === 'dropped') return `Given up after ${d.attempts} attempts (${d.lastError ?? 'failed'})`;
  if (d.attempts === 0) return 'Waiting to be sent';
  const next = d.nextAt > now ? `; next try ${formatUtc(d.nextAt)}` : '';
  return `Failed ${d.attempts} time${d.attempts === 1 ? '' : 's'} (${d.lastError ?? 'error'})${next}`;
}

/** What an e-mail subscription waits for, by where its confirmation mail is. */
const WAITING: Record<ConfirmationState, string> = {
  pending: 'Waiting for confirmation: the confirmation mail is being sent',
  sent: 'Waiting for confirmation: the mail server accepted the confirmation mail',
  refused: 'Not confirmed: the mail server refused the confirmation mail; check the address and subscribe again',
  expired: 'Not confirmed: the confirmation link expired; subscribe again',
  confirmed: 'Confirmed',
};

/** A subscription as JSON for its owner (the API's GET). */
/** Where a subscription sends, as shown back: a PagerDuty routing key or Opsgenie key is a secret, only its last 4 characters show. */
const shownTarget = (s: Pick<SubscriptionRow, 'channel' | 'target'>) =>
  s.channel === 'pagerduty'
    ? `routing key …${s.target.slice(-4)}`
    : s.channel === 'opsgenie'
      ? `API key …${s.target.slice(-4)}`
      : s.channel === 'telegram'
        ? shownTelegramTarget(s.target)
        : s.target;

export function subscriptionJson(
  s: SubscriptionRow,
  deliveries: readonly DeliveryRow[],
  confirmation: ConfirmationState | null,
) {
  return {
    id: s.id,
    channel: s.channel,
    target: shownTarget(s),
    status: s.state,
    confirmation,
    providers: s.providers,
    components: s.components,
    errors: s.errors,
    minLevel: s.minLevel,
    createdAt: new Date(s.createdAt).toISOString(),
    pausedAt: s.pausedAt === null ? null : new Date(s.pausedAt).toISOString(),
    pauseReason: s.pauseReason,
    dropped: s.dropped,
    deliveries: deliveries.map((d) => ({
      eventId: d.eventId,
      type: d.type,
      previousLevel: d.previousLevel,
      level: d.level,
      state: d.state,
      attempts: d.attempts,
      createdAt: new Date(d.createdAt).toISOString(),
      doneAt: d.doneAt === null ? null : new Date(d.doneAt).toISOString(),
      lastStatus: d.lastStatus,
      lastError: d.lastError,
    })),
  };
}

export function subscriptionView(
  s: SubscriptionRow,
  deliveries: readonly DeliveryRow[],
  catalog: Catalog,
  options: {
    now: number;
    manageUrl: string | null;
    token: string;
    secret: string | null;
    notice: { text: string; tone: 'ok' | 'warn' } | null;
    /** Whether this node can send a test event. */
    testEvents: boolean;
    confirmation: ConfirmationState | null;
  },
) {
  const names = (slugs: readonly string[] | null, of: (slug: string) => string | undefined, all: string) =>
    slugs ? slugs.map((slug) => of(slug) ?? slug).join(', ') : all;
  const state =
    s.state === 'pending_confirmation'
      ? WAITING[options.confirmation ?? 'pending']
      : s.state === 'paused'
        ? 'Paused'
        : 'Active';
  return {
    heading: `Your ${CHANNEL_LABELS[s.channel].split(' (')[0]} subscription`,
    notice: options.notice,
    secret: options.secret,
    manageUrl: options.manageUrl,
    facts: [
      { label: 'State', value: state },
      { label: 'Sends to', value: shownTarget(s) },
      { label: 'Providers', value: names(s.providers, (p) => catalog.providerBySlug.get(p)?.name, 'All providers') },
      { label: 'Components', value: s.components ? s.components.join(', ') : 'Any' },
      { label: 'Errors', value: names(s.errors, (e) => catalog.errorTypeBySlug.get(e)?.shortTitle, 'Any') },
      { label: 'Minimum level', value: s.minLevel ? LEVEL_LABELS[s.minLevel] : 'Any change' },
      ...(s.dropped > 0 ? [{ label: 'Given up', value: `${s.dropped} notifications after a day of retries` }] : []),
    ],
    paused: s.state === 'paused' ? (s.pauseReason ?? 'Deliveries kept failing.') : null,
    resumeAction: `/subscriptions/${options.token}/resume`,
    testAction: s.state === 'active' && options.testEvents ? `/subscriptions/${options.token}/test` : null,
    testIntro: !options.testEvents
      ? 'This server cannot send test events.'
      : s.state === 'active'
        ? `Sends one signed event marked "test" to ${shownTarget(s)} now, through the same code as real events, and ` +
          'shows what the receiver answered. Nothing is stored.'
        : s.state === 'paused'
          ? 'Resume deliveries first: a paused subscription gets no test events.'
          : 'Confirm the address first: nothing is sent to it before that.',
    unsubscribeAction: `/subscriptions/${options.token}/unsubscribe`,
    deliveries: deliveries.map((d) => ({
      what: `${EVENT_WORDS[d.type as EventType] ?? d.type}: ${d.title}`,
      change:
        d.previousLevel === d.level
          ? `${LEVEL_LABELS[d.level]} (unchanged)`
          : `${LEVEL_LABELS[d.previousLevel]} → ${LEVEL_LABELS[d.level]}`,
      created: { t: timeView(d.createdAt, options.now) },
      outcome: outcome(d, options.now),
    })),
  };
}

const subscribeTemplate = pageTemplate<ReturnType<typeof subscribeView>>('subscribe');
const subscriptionTemplate = pageTemplate<ReturnType<typeof subscriptionView>>('subscription');
/** A short page: a heading, a message and at most one button. */
type NoticeView = { heading: string; message: string; action?: { url: string; label: string } };
const noticeTemplate = pageTemplate<NoticeView>('notice');

/** The subscription form: HTML, revalidated on every use (its ETag makes that a 304). */
const FORM_TYPE = { contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' };

const PENDING_NOTE =
  'We are sending a confirmation mail: nothing else is sent to the address until its link is followed and confirmed.';

export async function subscriptionPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, store, pages, now, clientKeys, testSender } = deps;
  const service = createSubscriptionService({ catalog, config, store, now, testSender });
  const siteOrigin = new URL(config.siteUrl).origin;
  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const emailOffered = config.smtpUrl !== null;
  const SubscriptionBody = subscriptionInput({ catalog, emailOffered });
  const checks = { catalog, policy, emailOffered, componentNames: service.componentNames };

  const rateLimit = app.rateLimit({
    max: config.subscriptionRateLimitPerHour,
    timeWindow: HOUR_MS,
    // An IPv4 address, or an IPv6 /48: one holder of many /64s gets one budget.
    keyGenerator: (request) => `subscribe:${clientKeys.allocationKeyOf(request.ip, now())}`,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many subscriptions from your network: try again in ${context.after}.`), {
        statusCode: context.statusCode,
      }),
  });
  const sameSite = async (request: FastifyRequest) => {
    const problem = crossSiteProblem(request, siteOrigin);
    if (problem) throw new BadRequest(problem.replace('Reports', 'Subscriptions'), 403);
  };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  async function create(input: SubscriptionRequest, reply: FastifyReply): Promise<Created> {
    const created = await service.create(input);
    if ('limit' in created) {
      reply.header('retry-after', String(Math.max(1, Math.ceil((created.retryAt - now()) / SECOND_MS))));
      throw new BadRequest(REFUSALS[created.limit], 429);
    }
    return created;
  }

  async function byToken(token: string) {
    const found = await service.byManageToken(token);
    if (!found) throw new NotFound('There is no subscription with this link: it may have been unsubscribed.');
    return found;
  }

  const notice = (reply: FastifyReply, status: number, heading: string, view: Omit<NoticeView, 'heading'>) =>
    pages
      .html(
        noticeTemplate,
        { title: heading, description: heading, path: '/subscriptions', noindex: true },
        { heading, ...view },
      )
      .then((html) => noStore(reply).code(status).type('text/html; charset=utf-8').send(html));

  /** The form depends on the catalog only: rendered once into the render cache, revalidated by its ETag. */
  async function formPage(request: FastifyRequest, reply: FastifyReply, fixed: Provider | null) {
    const path = fixed ? `/${fixed.slug}/subscribe` : '/subscribe';
    return pages.serveAs(request, reply, `page:${path}`, CATALOG_ONLY, FORM_TYPE, () => {
      const view = subscribeView(catalog, emailOffered, fixed);
      return pages.html(subscribeTemplate, { title: view.heading, description: view.intro, path }, view);
    });
  }

  async function managePage(
    reply: FastifyReply,
    token: string,
    extra: {
      status?: number;
      secret?: string | null;
      notice?: string | null;
      /** A notice that something did not work. */
      warn?: boolean;
      showLink?: boolean;
    } = {},
  ) {
    const subscription = await byToken(token);
    // A webhook given a Standard Webhooks secret shows it here once, whichever view comes first.
    const { deliveries, confirmation, renewedSecret } = await service.details(subscription, {
      revealSecret: !extra.secret,
    });
    const renewed = renewedSecret ? { text: renewedNotice(subscription.legacyUntil), tone: 'warn' as const } : null;
    const view = subscriptionView(subscription, deliveries, catalog, {
      now: now(),
      manageUrl: extra.showLink ? `${config.siteUrl}/subscriptions/${token}` : null,
      token,
      secret: extra.secret ?? renewedSecret,
      notice: extra.notice ? { text: extra.notice, tone: extra.warn ? 'warn' : 'ok' } : renewed,
      testEvents: service.testEvents,
      confirmation,
    });
    const meta = { title: view.heading, description: view.heading, path: '/subscriptions', noindex: true };
    const html = await pages.html(subscriptionTemplate, meta, view);
    return noStore(reply)
      .code(extra.status ?? 200)
      .type('text/html; charset=utf-8')
      .send(html);
  }

  app.get('/subscribe', (request, reply) => formPage(request, reply, null));
  app.get<{ Params: { provider: string } }>('/:provider/subscribe', (request, reply) =>
    formPage(request, reply, trackedProvider(catalog, request.params.provider)),
  );

  const createOptions = { bodyLimit: SUBSCRIPTION_BODY_LIMIT_BYTES, onRequest: [sameSite, rateLimit] };

  app.post('/subscribe', createOptions, async (request, reply) => {
    const form = parseOr400(SubscriptionForm, request.body, 'subscription');
    const created = await create(await checkSubscription(form, checks), reply);
    return managePage(reply, created.manageToken, {
      status: 201,
      secret: created.secret,
      notice: created.confirmation ? PENDING_NOTE : 'Subscribed.',
      showLink: true,
    });
  });

  app.post('/api/v1/subscriptions', createOptions, async (request, reply) => {
    const body = parseOr400(SubscriptionBody, request.body, 'subscription');
    const created = await create(await checkSubscription(body, checks), reply);
    return noStore(reply)
      .code(201)
      .send({
        id: created.id,
        status: created.status,
        manageToken: created.manageToken,
        manageUrl: `${config.siteUrl}/subscriptions/${created.manageToken}`,
        ...(created.secret ? { secret: created.secret } : {}),
        ...(created.confirmation ? { confirmation: created.confirmation } : {}),
      });
  });

  app.get<{ Params: { token: string } }>('/api/v1/subscriptions/:token', async (request, reply) => {
    const subscription = await byToken(request.params.token);
    const { deliveries, confirmation, renewedSecret } = await service.details(subscription, { revealSecret: true });
    return noStore(reply).send({
      ...subscriptionJson(subscription, deliveries, confirmation),
      ...(renewedSecret ? { secret: renewedSecret, notice: renewedNotice(subscription.legacyUntil) } : {}),
    });
  });

  app.delete<{ Params: { token: string } }>('/api/v1/subscriptions/:token', async (request, reply) => {
    const subscription = await byToken(request.params.token);
    await service.remove(subscription);
    return noStore(reply).send({ id: subscription.id, status: 'unsubscribed' });
  });

  app.get<{ Params: { token: string } }>('/subscriptions/:token', (request, reply) =>
    managePage(reply, request.params.token),
  );

  app.post<{ Params: { token: string } }>(
    '/subscriptions/:token/unsubscribe',
    { onRequest: [sameSite] },
    async (request, reply) => {
      await service.remove(await byToken(request.params.token));
      return notice(reply, 200, 'Unsubscribed', { message: 'Nothing more will be sent for this subscription.' });
    },
  );

  app.post<{ Params: { token: string } }>(
    '/subscriptions/:token/resume',
    { onRequest: [sameSite] },
    async (request, reply) => {
      const resumed = await service.resume(await byToken(request.params.token));
      return managePage(reply, request.params.token, {
        notice: resumed ? 'Resumed: deliveries start again with the next event.' : null,
      });
    },
  );

  // A test event, at most a few an hour per subscription: the form on its page and the API.
  const testLimit = app.rateLimit({
    max: TEST_EVENTS_PER_HOUR,
    timeWindow: HOUR_MS,
    keyGenerator: (request) => `test-event:${hashToken((request.params as { token: string }).token)}`,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many test events for this subscription: try again in ${context.after}.`), {
        statusCode: context.statusCode,
      }),
  });
  async function sendTest(token: string) {
    const sent = await service.sendTest(await byToken(token));
    if ('refused' in sent) throw new BadRequest(sent.text, sent.refused === 'no_sender' ? 503 : 409);
    return sent;
  }
  const testOptions = { onRequest: [sameSite, testLimit] };

  app.post<{ Params: { token: string } }>('/subscriptions/:token/test', testOptions, async (request, reply) => {
    const sent = await sendTest(request.params.token);
    return managePage(reply, request.params.token, { notice: sent.text, warn: !sent.ok });
  });

  app.post<{ Params: { token: string } }>('/api/v1/subscriptions/:token/test', testOptions, async (request, reply) => {
    const sent = await sendTest(request.params.token);
    return noStore(reply).send({ delivered: sent.ok, status: sent.status, message: sent.text });
  });

  // Following the link only shows a button: mail scanners fetch links (GET, HEAD), only a person posts the form.
  const deadLink = (reply: FastifyReply) =>
    notice(reply, 404, 'This confirmation link does not work', {
      message: `It may have expired (links work for ${CONFIRMATION_TTL_MS / HOUR_MS} hours) or its subscription was removed. Subscribe again to get a new one.`,
    });

  app.get<{ Params: { token: string } }>('/subscriptions/confirm/:token', async (request, reply) => {
    if (!(await service.confirmationUsable(request.params.token))) return deadLink(reply);
    return notice(reply, 200, 'Confirm your subscription?', {
      message: 'Notifications start going to this address once you confirm. Every mail has a link to unsubscribe.',
      action: { url: `/subscriptions/confirm/${request.params.token}`, label: 'Confirm subscription' },
    });
  });

  app.post<{ Params: { token: string } }>(
    '/subscriptions/confirm/:token',
    { onRequest: [sameSite] },
    async (request, reply) => {
      if (!(await service.confirm(request.params.token))) return deadLink(reply);
      return notice(reply, 200, 'Subscription confirmed', {
        message: 'Notifications now go to this address. Every mail has a link to unsubscribe.',
      });
    },
  );

  app.get<{ Params: { token: string } }>('/subscriptions/unsubscribe/:token', async (request, reply) => {
    const subscription = await service.byUnsubscribeToken(request.params.token);
    if (!subscription)
      return notice(reply, 404, 'Already unsubscribed', { message: 'There is no subscription with this link.' });
    return notice(reply, 200, 'Unsubscribe?', {
      message: `Stop the notifications sent to ${subscription.target}.`,
      action: { url: `/subscriptions/unsubscribe/${request.params.token}`, label: 'Unsubscribe' },
    });
  });

  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" (urlencoded or multipart, whose body is
  // not needed: the token in the path says it all); the page's button posts here too.
  await app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
      payload.resume();
      payload.on('end', () => done(null, {}));
    });
    scope.post<{ Params: { token: string } }>('/subscriptions/unsubscribe/:token', async (request, reply) => {
      const subscription = await service.byUnsubscribeToken(request.params.token);
      if (subscription) await service.remove(subscription);
      return notice(reply, 200, 'Unsubscribed', { message: 'Nothing more will be sent to this address.' });
    });
  });
}

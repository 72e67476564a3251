// Subscriptions: the no-JavaScript form (GET /subscribe, GET /:provider/subscribe, POST /subscribe), the JSON API
// (POST /api/v1/subscriptions, GET and DELETE /api/v1/subscriptions/:manageToken, POST …/test), a subscription's
// page with its test event, e-mail confirmation (a page whose button POSTs) and one-click unsubscribe. Creation is
// rate limited per client (IPv4 address or IPv6 /48) under site-wide caps.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from '../../catalog/schema.ts';
import { sendTestEvent, testEvent } from '../../notify/test-event.ts';
import { newToken, newWebhookSecret, hashAddress, hashToken } from '../../notify/tokens.ts';
import { upstreamPolicy } from '../../sources/addresses.ts';
import type { CreationLimits, CreationRefusal } from '../../store/subscriptions.ts';
import { DAY_MS, HOUR_MS, SECOND_MS } from '../../time.ts';
import type { WebDeps } from '../deps.ts';
import { BadRequest, NotFound, parseOr400, trackedProvider } from '../problems.ts';
import {
  SUBSCRIPTION_BODY_LIMIT_BYTES,
  SubscriptionForm,
  subscriptionInput,
  checkSubscription,
  type SubscriptionRequest,
} from '../subscription-input.ts';
import { subscribeView, subscriptionJson, subscriptionView } from '../view-models/subscriptions.ts';
import { crossSiteProblem } from './reports.ts';

/** A confirmation link works this long. */
export const CONFIRMATION_TTL_MS = 2 * DAY_MS;
/** Confirmation mails one address may be sent in a day. */
export const CONFIRMATIONS_PER_DAY = 3;
/** Test events one subscription may be sent in an hour. */
export const TEST_EVENTS_PER_HOUR = 5;
/** Deliveries a subscription's page and JSON show. */
const RECENT_DELIVERIES = 20;
/** The subscription form: HTML, revalidated on every use (its ETag makes that a 304). */
const FORM_TYPE = { contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' };

type Created = {
  id: string;
  status: 'active' | 'pending_confirmation';
  manageToken: string;
  secret: string | null;
  /** For e-mail: the confirmation mail is queued ("pending" until the mail server accepts it). */
  confirmation: 'pending' | null;
};

/** What a visitor reads when a limit refuses a subscription. */
const REFUSALS: Record<CreationRefusal['limit'], string> = {
  subscriptions: 'This site holds as many subscriptions as it can: try again later.',
  pending_confirmations: 'Too many e-mail confirmations are waiting to be followed: try again later.',
  address: `This address was sent ${CONFIRMATIONS_PER_DAY} confirmation mails in the last day: try again later.`,
};

/** What the owner of a webhook reads beside its new Standard Webhooks secret. */
const renewedNotice = (legacyUntil: number | null) =>
  'Deliveries are now signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with a new ' +
  'secret, shown only this once. ' +
  (legacyUntil === null
    ? ''
    : `The old X-Status-Signature header goes on beside them until ${new Date(legacyUntil).toISOString().slice(0, 10)}.`);

const PENDING_NOTE =
  'We are sending a confirmation mail: nothing else is sent to the address until its link is followed and confirmed.';

export function registerSubscriptionRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, config, store, pages, now, clientKeys, testSender } = deps;
  const siteOrigin = new URL(config.siteUrl).origin;
  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const emailOffered = config.smtpUrl !== null;
  const SubscriptionBody = subscriptionInput({ catalog, emailOffered });

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

  async function componentNames(slugs: string[]): Promise<Set<string>> {
    const names = new Set<string>();
    for (const slug of slugs) {
      for (const c of catalog.providerBySlug.get(slug)?.components ?? []) names.add(c.name.toLowerCase());
      for (const c of await store.components.list(slug)) names.add(c.name.toLowerCase());
    }
    return names;
  }

  const limits: CreationLimits = {
    maxSubscriptions: config.maxSubscriptions,
    maxPendingConfirmations: config.maxPendingConfirmations,
    perAddress: CONFIRMATIONS_PER_DAY,
    addressWindowMs: DAY_MS,
  };

  async function create(input: SubscriptionRequest, reply: FastifyReply): Promise<Created> {
    const at = now();
    const id = randomUUID();
    const manageToken = newToken();
    const email = input.channel === 'email';
    const secret = input.channel === 'webhook' ? newWebhookSecret() : null;
    const token = email ? newToken() : null;
    const refusal = await store.subscriptions.create(
      {
        ...input,
        id,
        receiver: email
          ? 'smtp'
          : new URL(
              input.channel === 'pagerduty'
                ? config.pagerdutyEventsUrl
                : input.channel === 'opsgenie'
                  ? config.opsgenieApiUrl
                  : input.channel === 'telegram'
                    ? config.telegramApiUrl
                    : input.target,
            ).origin,
        addressHash: email ? hashAddress(input.target) : null,
        secret,
        manageHash: hashToken(manageToken),
        unsubscribeToken: newToken(),
        state: email ? 'pending_confirmation' : 'active',
        createdAt: at,
      },
      token ? { token, tokenHash: hashToken(token), expiresAt: at + CONFIRMATION_TTL_MS } : null,
      limits,
    );
    if (refusal) {
      reply.header('retry-after', String(Math.max(1, Math.ceil((refusal.retryAt - at) / SECOND_MS))));
      throw new BadRequest(REFUSALS[refusal.limit], 429);
    }
    return {
      id,
      status: email ? 'pending_confirmation' : 'active',
      manageToken,
      secret,
      confirmation: token ? 'pending' : null,
    };
  }

  async function byToken(token: string) {
    const found = token.length <= 100 ? await store.subscriptions.byManageHash(hashToken(token)) : undefined;
    if (!found) throw new NotFound('There is no subscription with this link: it may have been unsubscribed.');
    return found;
  }

  const providerOf = (slug: string): Provider => trackedProvider(catalog, slug);

  const notice = (reply: FastifyReply, status: number, title: string, view: object) =>
    pages
      .html('notice', { title, description: title, path: '/subscriptions', noindex: true }, { heading: title, ...view })
      .then((html) => noStore(reply).code(status).type('text/html; charset=utf-8').send(html));

  /** The form depends on the catalog only: rendered once into the render cache, revalidated by its ETag. */
  async function formPage(request: FastifyRequest, reply: FastifyReply, fixed: Provider | null) {
    const path = fixed ? `/${fixed.slug}/subscribe` : '/subscribe';
    return pages.serveAs(request, reply, `page:${path}`, 0, FORM_TYPE, () => {
      const view = subscribeView(catalog, emailOffered, fixed);
      return pages.html('subscribe', { title: view.heading, description: view.intro, path }, view);
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
    const deliveries = await store.deliveries.recent(subscription.id, RECENT_DELIVERIES);
    // A webhook given a Standard Webhooks secret shows it here once, whichever view comes first.
    const renewed = extra.secret ? null : await store.subscriptions.revealNewSecret(subscription.id);
    const notice = renewed ? { text: renewedNotice(subscription.legacyUntil), tone: 'warn' as const } : null;
    const view = subscriptionView(subscription, deliveries, catalog, {
      now: now(),
      manageUrl: extra.showLink ? `${config.siteUrl}/subscriptions/${token}` : null,
      token,
      secret: extra.secret ?? renewed,
      notice: extra.notice ? { text: extra.notice, tone: extra.warn ? 'warn' : 'ok' } : notice,
      testEvents: testSender !== null,
      confirmation: await store.subscriptions.confirmationOf(subscription.id, now()),
    });
    const html = await pages.html(
      'subscription',
      { title: view.heading, description: view.heading, path: '/subscriptions', noindex: true },
      view,
    );
    return noStore(reply)
      .code(extra.status ?? 200)
      .type('text/html; charset=utf-8')
      .send(html);
  }

  app.get('/subscribe', (request, reply) => formPage(request, reply, null));
  app.get<{ Params: { provider: string } }>('/:provider/subscribe', (request, reply) =>
    formPage(request, reply, providerOf(request.params.provider)),
  );

  const createOptions = { bodyLimit: SUBSCRIPTION_BODY_LIMIT_BYTES, onRequest: [sameSite, rateLimit] };

  app.post('/subscribe', createOptions, async (request, reply) => {
    const form = parseOr400(SubscriptionForm, request.body, 'subscription');
    const input = await checkSubscription(form, { catalog, policy, emailOffered, componentNames });
    const created = await create(input, reply);
    return managePage(reply, created.manageToken, {
      status: 201,
      secret: created.secret,
      notice: created.confirmation ? PENDING_NOTE : 'Subscribed.',
      showLink: true,
    });
  });

  app.post('/api/v1/subscriptions', createOptions, async (request, reply) => {
    const body = parseOr400(SubscriptionBody, request.body, 'subscription');
    const input = await checkSubscription(body, { catalog, policy, emailOffered, componentNames });
    const created = await create(input, reply);
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
    const deliveries = await store.deliveries.recent(subscription.id, RECENT_DELIVERIES);
    const confirmation = await store.subscriptions.confirmationOf(subscription.id, now());
    const renewed = await store.subscriptions.revealNewSecret(subscription.id);
    return noStore(reply).send({
      ...subscriptionJson(subscription, deliveries, confirmation),
      ...(renewed ? { secret: renewed, notice: renewedNotice(subscription.legacyUntil) } : {}),
    });
  });

  app.delete<{ Params: { token: string } }>('/api/v1/subscriptions/:token', async (request, reply) => {
    const subscription = await byToken(request.params.token);
    await store.subscriptions.remove(subscription.id);
    return noStore(reply).send({ id: subscription.id, status: 'unsubscribed' });
  });

  app.get<{ Params: { token: string } }>('/subscriptions/:token', (request, reply) =>
    managePage(reply, request.params.token),
  );

  app.post<{ Params: { token: string } }>(
    '/subscriptions/:token/unsubscribe',
    { onRequest: [sameSite] },
    async (request, reply) => {
      const subscription = await byToken(request.params.token);
      await store.subscriptions.remove(subscription.id);
      return notice(reply, 200, 'Unsubscribed', { message: 'Nothing more will be sent for this subscription.' });
    },
  );

  app.post<{ Params: { token: string } }>(
    '/subscriptions/:token/resume',
    { onRequest: [sameSite] },
    async (request, reply) => {
      const subscription = await byToken(request.params.token);
      const resumed = await store.subscriptions.resume(subscription.id, now());
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
  async function sendTest(token: string): Promise<{ ok: boolean; status: number | null; text: string }> {
    const subscription = await byToken(token);
    if (!testSender) throw new BadRequest('This server cannot send test events.', 503);
    if (subscription.state !== 'active')
      throw new BadRequest('Only an active subscription gets test events: confirm or resume it first.', 409);
    const outcome = await sendTestEvent(
      await testSender(),
      subscription,
      testEvent(subscription, catalog, config.siteUrl, now()),
    );
    const answer = outcome.status === null ? '' : ` (HTTP ${outcome.status})`;
    return outcome.ok
      ? { ok: true, status: outcome.status, text: `Test event delivered${answer}.` }
      : { ok: false, status: outcome.status, text: `Test event not delivered: ${outcome.error}.` };
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
  const confirmationHash = (token: string) => (token.length <= 100 ? hashToken(token) : null);
  const deadLink = (reply: FastifyReply) =>
    notice(reply, 404, 'This confirmation link does not work', {
      message: `It may have expired (links work for ${CONFIRMATION_TTL_MS / HOUR_MS} hours) or its subscription was removed. Subscribe again to get a new one.`,
    });

  app.get<{ Params: { token: string } }>('/subscriptions/confirm/:token', async (request, reply) => {
    const hash = confirmationHash(request.params.token);
    if (!hash || !(await store.subscriptions.confirmationUsable(hash, now()))) return deadLink(reply);
    return notice(reply, 200, 'Confirm your subscription?', {
      message: 'Notifications start going to this address once you confirm. Every mail has a link to unsubscribe.',
      action: { url: `/subscriptions/confirm/${request.params.token}`, label: 'Confirm subscription' },
    });
  });

  app.post<{ Params: { token: string } }>(
    '/subscriptions/confirm/:token',
    { onRequest: [sameSite] },
    async (request, reply) => {
      const hash = confirmationHash(request.params.token);
      const result = hash ? await store.subscriptions.confirm(hash, now()) : null;
      if (!result) return deadLink(reply);
      return notice(reply, 200, 'Subscription confirmed', {
        message: 'Notifications now go to this address. Every mail has a link to unsubscribe.',
      });
    },
  );

  const unsubscribeByMail = async (token: string) =>
    token.length <= 100 ? store.subscriptions.byUnsubscribeToken(token) : undefined;

  app.get<{ Params: { token: string } }>('/subscriptions/unsubscribe/:token', async (request, reply) => {
    const subscription = await unsubscribeByMail(request.params.token);
    if (!subscription)
      return notice(reply, 404, 'Already unsubscribed', { message: 'There is no subscription with this link.' });
    return notice(reply, 200, 'Unsubscribe?', {
      message: `Stop the notifications sent to ${subscription.target}.`,
      action: { url: `/subscriptions/unsubscribe/${request.params.token}`, label: 'Unsubscribe' },
    });
  });

  // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" (urlencoded or multipart, whose body is
  // not needed: the token in the path says it all); the page's button posts here too.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
      payload.resume();
      payload.on('end', () => done(null, {}));
    });
    scope.post<{ Params: { token: string } }>('/subscriptions/unsubscribe/:token', async (request, reply) => {
      const subscription = await unsubscribeByMail(request.params.token);
      if (subscription) await store.subscriptions.remove(subscription.id);
      return notice(reply, 200, 'Unsubscribed', { message: 'Nothing more will be sent to this address.' });
    });
  });
}

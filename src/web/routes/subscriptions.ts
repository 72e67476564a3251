// Subscriptions: the no-JavaScript form (GET /subscribe, GET /:provider/subscribe, POST /subscribe), the JSON API
// (POST /api/v1/subscriptions, GET and DELETE /api/v1/subscriptions/:manageToken), a subscription's page, and the
// e-mail confirmation and one-click unsubscribe links. Creation is rate limited per client like reports.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from '../../catalog/schema.ts';
import { newToken, hashAddress, hashToken } from '../../notify/tokens.ts';
import { upstreamPolicy } from '../../sources/addresses.ts';
import { DAY_MS, HOUR_MS } from '../../time.ts';
import type { WebDeps } from '../deps.ts';
import { BadRequest, NotFound, parseOr400, trackedProvider } from '../problems.ts';
import {
  SUBSCRIPTION_BODY_LIMIT_BYTES,
  SubscriptionForm,
  SubscriptionJson,
  checkSubscription,
  type SubscriptionRequest,
} from '../subscription-input.ts';
import { subscribeView, subscriptionJson, subscriptionView } from '../view-models/subscriptions.ts';
import { crossSiteProblem } from './reports.ts';

/** A confirmation link works this long. */
export const CONFIRMATION_TTL_MS = 2 * DAY_MS;
/** Confirmation mails one address may be sent in a day. */
export const CONFIRMATIONS_PER_DAY = 3;
/** Deliveries a subscription's page and JSON show. */
const RECENT_DELIVERIES = 20;

type Created = {
  id: string;
  status: 'active' | 'pending_confirmation';
  manageToken: string;
  secret: string | null;
  /** For e-mail: whether a confirmation mail goes out now, or why not. */
  confirmation: 'sent' | 'already_sent' | 'limit' | null;
};

const CONFIRMATION_NOTES: Record<Exclude<Created['confirmation'], null>, string> = {
  sent: 'We sent a confirmation mail: nothing else is sent to the address until its link is followed.',
  already_sent:
    'A confirmation mail was sent to this address recently: following its link confirms this subscription too.',
  limit: `This address was sent ${CONFIRMATIONS_PER_DAY} confirmation mails today: try again tomorrow.`,
};

export function registerSubscriptionRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { catalog, config, store, pages, now, clientKeys } = deps;
  const siteOrigin = new URL(config.siteUrl).origin;
  const policy = upstreamPolicy(config.allowPrivateUpstreams);
  const emailOffered = config.smtpUrl !== null;

  const rateLimit = app.rateLimit({
    max: config.subscriptionRateLimitPerHour,
    timeWindow: HOUR_MS,
    keyGenerator: (request) => `subscribe:${clientKeys.keyOf(request.ip, now())}`,
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

  async function create(input: SubscriptionRequest): Promise<Created> {
    const at = now();
    const id = randomUUID();
    const manageToken = newToken();
    const email = input.channel === 'email';
    const secret = input.channel === 'webhook' ? `whsec_${newToken()}` : null;
    const addressHash = email ? hashAddress(input.target) : null;
    await store.subscriptions.create({
      ...input,
      id,
      receiver: email ? 'smtp' : new URL(input.target).origin,
      addressHash,
      secret,
      manageHash: hashToken(manageToken),
      unsubscribeToken: newToken(),
      state: email ? 'pending_confirmation' : 'active',
      createdAt: at,
    });
    let confirmation: Created['confirmation'] = null;
    if (addressHash) {
      const sent = await store.subscriptions.confirmationsOf(addressHash, at - DAY_MS, at);
      confirmation = sent.open ? 'already_sent' : sent.count >= CONFIRMATIONS_PER_DAY ? 'limit' : 'sent';
      if (confirmation === 'sent') {
        const token = newToken();
        await store.subscriptions.addConfirmation({
          addressHash,
          subscriptionId: id,
          token,
          tokenHash: hashToken(token),
          createdAt: at,
          expiresAt: at + CONFIRMATION_TTL_MS,
        });
      }
    }
    return { id, status: email ? 'pending_confirmation' : 'active', manageToken, secret, confirmation };
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

  async function formPage(reply: FastifyReply, fixed: Provider | null) {
    const view = subscribeView(catalog, emailOffered, fixed);
    const path = fixed ? `/${fixed.slug}/subscribe` : '/subscribe';
    const html = await pages.html('subscribe', { title: view.heading, description: view.intro, path }, view);
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  }

  async function managePage(
    reply: FastifyReply,
    token: string,
    extra: { status?: number; secret?: string | null; notice?: string | null; showLink?: boolean } = {},
  ) {
    const subscription = await byToken(token);
    const deliveries = await store.deliveries.recent(subscription.id, RECENT_DELIVERIES);
    const view = subscriptionView(subscription, deliveries, catalog, {
      now: now(),
      manageUrl: extra.showLink ? `${config.siteUrl}/subscriptions/${token}` : null,
      token,
      secret: extra.secret ?? null,
      notice: extra.notice ?? null,
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

  app.get('/subscribe', (_request, reply) => formPage(reply, null));
  app.get<{ Params: { provider: string } }>('/:provider/subscribe', (request, reply) =>
    formPage(reply, providerOf(request.params.provider)),
  );

  const createOptions = { bodyLimit: SUBSCRIPTION_BODY_LIMIT_BYTES, onRequest: [sameSite, rateLimit] };

  app.post('/subscribe', createOptions, async (request, reply) => {
    const form = parseOr400(SubscriptionForm, request.body, 'subscription');
    const input = await checkSubscription(form, { catalog, policy, emailOffered, componentNames });
    const created = await create(input);
    return managePage(reply, created.manageToken, {
      status: 201,
      secret: created.secret,
      notice: created.confirmation ? CONFIRMATION_NOTES[created.confirmation] : 'Subscribed.',
      showLink: true,
    });
  });

  app.post('/api/v1/subscriptions', createOptions, async (request, reply) => {
    const body = parseOr400(SubscriptionJson, request.body, 'subscription');
    const input = await checkSubscription(body, { catalog, policy, emailOffered, componentNames });
    const created = await create(input);
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
    return noStore(reply).send(subscriptionJson(subscription, deliveries));
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

  app.get<{ Params: { token: string } }>('/subscriptions/confirm/:token', async (request, reply) => {
    const result =
      request.params.token.length <= 100
        ? await store.subscriptions.confirm(hashToken(request.params.token), now())
        : null;
    if (!result) {
      return notice(reply, 404, 'This confirmation link does not work', {
        message: 'It may have expired (links work for 48 hours) or been replaced. Subscribe again to get a new one.',
      });
    }
    return notice(reply, 200, 'Subscription confirmed', {
      message: 'Notifications now go to this address. Every mail has a link to unsubscribe.',
    });
  });

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

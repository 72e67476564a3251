// buildApp(deps): the Fastify application with its plugins and routes in one visible list. Tests call it; server.ts
// runs it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import { destination, type DestinationStream } from 'pino';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { Catalog } from './catalog/load.ts';
import type { Config } from './config.ts';
import type { Sender } from './notify/send.ts';
import { createReadiness, databaseFile, writeCheckFor, type ReadinessCheck } from './ops/readiness.ts';
import type { RenderRecorder, ReportRecorder, RequestRecorder } from './ops/recorder.ts';
import type { WarmUp } from './ops/warm-up.ts';
import { recordRequests } from './ops/request-metrics.ts';
import { closeConnectionsWhenClosing } from './shutdown.ts';
import type { Store } from './store/index.ts';
import type { JobRole } from './web/http/deps.ts';
import { registerAssets } from './web/http/assets.ts';
import { registerCompression } from './web/http/compression.ts';
import { createFront, serverWithFront, type Front } from './web/http/front.ts';
import { frameworkErrorOptions } from './web/http/framework-errors.ts';
import { helmetOptions, registerSecurityHeaders, securityHeaders } from './web/http/security-headers.ts';
import { createClientKeys } from './web/http/client-key.ts';
import { databaseRateLimits } from './web/http/rate-limit-store.ts';
import { createFormTokens } from './web/http/form-token.ts';
import { refuseNulCharacters } from './web/http/nul-characters.ts';
import { apiOperations } from './web/api/operations.ts';
import { refuseNonJsonBodies } from './web/api/json-bodies.ts';
import { createPageRenderer } from './web/http/render.ts';
import { answerProblem, registerProblemHandlers } from './web/http/problems.ts';
import { createAssessor } from './assessment/assessor.ts';
import { createHistoryReader } from './assessment/history.ts';
import {
  createRenderCache,
  PAGE_MIN_AGE_MS,
  PAGE_REFRESH_MS,
  PAGE_STALE_MS,
  type RenderCache,
} from './web/http/render-cache.ts';
import { watchAllowedMethods } from './web/http/allowed-methods.ts';
import { registerHealthRoutes } from './web/http/health.ts';
import { accountabilityPage } from './web/pages/accountability.ts';
import { apiPage } from './web/pages/api.ts';
import { diagnosePage } from './web/pages/diagnose.ts';
import { errorPage } from './web/pages/error.ts';
import { errorGuidePage } from './web/pages/error-guide.ts';
import { errorsPage } from './web/pages/errors.ts';
import { historyPage } from './web/pages/history.ts';
import { homePage } from './web/pages/home.ts';
import { isItDownPage } from './web/pages/is-it-down.ts';
import { methodologyPage } from './web/pages/methodology.ts';
import { providerPage } from './web/pages/provider.ts';
import { subscriptionPages } from './web/pages/subscriptions.ts';
import { agentsApi } from './web/api/agents.ts';
import { mcpApi } from './web/api/mcp.ts';
import { providersApi } from './web/api/providers.ts';
import { reportsApi } from './web/api/reports.ts';
import { statuspageApi } from './web/api/statuspage.ts';
import { badges } from './web/machine/badges.ts';
import { discovery } from './web/machine/discovery.ts';
import { embedWidget } from './web/machine/embed.ts';
import { feeds } from './web/machine/feeds.ts';
import { databaseAnswers, registerPressure } from './web/http/pressure.ts';

export const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));

export type AppDeps = {
  config: Config;
  catalog: Catalog;
  store: Store;
  /** The clock; tests pass a fixed one. */
  now?: () => number;
  logger?: FastifyServerOptions['logger'];
  cache?: RenderCache;
  /** Whether the app can serve (default: the database answers); false answers 503 like an overloaded event loop. */
  healthy?: () => boolean | Promise<boolean>;
  /** This node's part in the jobs, for readiness (default: 'off', as when JOBS=false). */
  jobRole?: () => JobRole;
  /** Readiness for /readyz (default: the database file is there and takes a write; no schedules watched). */
  readiness?: ReadinessCheck;
  /** Where requests, renders and reports are counted, when metrics are on. */
  metrics?: RequestRecorder & RenderRecorder & ReportRecorder;
  /** What sends a subscriber's test event, built on first use (default: none, test events answer 503). */
  testSender?: () => Promise<Sender>;
  /** Where the app, once ready, assesses every provider once (default: none, the first visitor pays for it). */
  warmUp?: WarmUp;
};

/** Requires a package the way Fastify itself does, so its own schema compilers are found. */
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

/**
 * Fastify's JSON-schema compilers (Ajv, fast-json-stringify), loaded by the first route that declares a schema.
 * Requests here are validated with zod, so a node that declares none never pays for them (about 8 MB and 50 ms).
 */
const lazySchemaCompilers = {
  buildValidator: (...args: unknown[]) => requireFromFastify('@fastify/ajv-compiler')()(...args),
  buildSerializer: (...args: unknown[]) => requireFromFastify('@fastify/fast-json-stringify-compiler')()(...args),
};

/** How often Node checks connections against the request and headers timeouts (its default is 30 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** A subscription's manage, confirmation or unsubscribe token in a path: whoever reads it holds the subscription. */
const TOKEN_IN_PATH = /(\/subscriptions\/(?:confirm\/|unsubscribe\/)?)[^/]+/;

/** A request's path as logs show it: no query, no token. */
export const loggedPath = (url: string): string => (url.split('?')[0] ?? '').replace(TOKEN_IN_PATH, '$1[token]');

/** Logs requests without the client's address (no raw IP is ever written anywhere) and without tokens. */
export function loggerOptions(level: Config['logLevel']): FastifyServerOptions['logger'] {
  return {
    level,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: loggedPath(req.url) }),
    },
  };
}

/** A request slower than this to answer is logged at info even when it succeeded. */
export const SLOW_REQUEST_MS = 1000;

/** Whether a request's answer belongs in the log at info: every write, every error and every slow answer. */
export const loggedAtInfo = (method: string, statusCode: number, elapsedMs: number): boolean =>
  (method !== 'GET' && method !== 'HEAD') || statusCode >= 400 || elapsedMs >= SLOW_REQUEST_MS;

/**
 * The request log: each answer at info when it is a write, an error or slow (loggedAtInfo), every other one and each
 * request's arrival at debug. Logging every quick successful read at info cost a third of a page's rate under load;
 * a proxy in front keeps the full access log. Fastify's other request lines (errors, streams) are kept as they are.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (loggedAtInfo(request.method, reply.statusCode, reply.elapsedTime)) reply.log.info(line, 'request completed');
    else reply.log.debug(line, 'request completed');
  }
}

/**
 * Standard output for the logs, written asynchronously: lines logged while a write is under way go out together in
 * the next one (one system call for many requests under load, at once when idle), and what is left is written
 * synchronously when the process exits.
 */
export function asyncStdout(): DestinationStream {
  return destination({ dest: 1, sync: false });
}

/** What a jobs process (ROLE=jobs) answers on its port: its health and readiness, no page. */
export const JOBS_ONLY_MESSAGE =
  'This process runs the jobs only (ROLE=jobs): the pages are served by the web processes.';

/** The app of a jobs process (ROLE=jobs): /healthz and /readyz, and 404 for anything else; no page, no write. */
export function buildJobsApp(
  deps: Pick<AppDeps, 'config' | 'catalog' | 'store' | 'logger' | 'jobRole' | 'readiness'>,
): FastifyInstance {
  const { config, catalog, store } = deps;
  const security = securityHeaders(helmetOptions(config));
  const app = Fastify({
    logger: deps.logger ?? false,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: { requestTimeout: config.requestTimeoutMs, headersTimeout: config.headersTimeoutMs },
  });
  registerSecurityHeaders(app, security);
  closeConnectionsWhenClosing(app);
  registerHealthRoutes(app, {
    store,
    catalog,
    jobRole: deps.jobRole ?? (() => 'off' as const),
    readiness:
      deps.readiness ??
      createReadiness({
        databasePath: store.sqlite ? databaseFile(config.databasePath) : null,
        writeCheck: writeCheckFor(store),
        now: Date.now,
      }),
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).type('text/plain; charset=utf-8').send(`${JOBS_ONLY_MESSAGE}\n`),
  );
  return app;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, catalog, store } = deps;
  const now = deps.now ?? Date.now;
  const security = securityHeaders(helmetOptions(config));
  const framework = frameworkErrorOptions(security);
  // The front answers a page the app has just served before Fastify sees the request; it is made once the app is.
  const made: { front?: Front } = {};
  const app = Fastify({
    serverFactory: serverWithFront(() => made.front),
    frameworkErrors: framework.frameworkErrors,
    clientErrorHandler: framework.clientErrorHandler,
    logger: deps.logger ?? false,
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    // A slow or idle client loses its connection: no complete headers within headersTimeout, no complete request
    // within requestTimeout, no bytes for connectionTimeout, or an idle keep-alive past keepAliveTimeout.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      // Node.js checks headersTimeout against the request timeout it is created with (300 s unless given).
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, config.headersTimeoutMs),
    },
    bodyLimit: 64 * 1024,
    logController: new RequestLog(),
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: lazySchemaCompilers },
  });

  const allowed = watchAllowedMethods(app);
  registerSecurityHeaders(app, security);
  refuseNulCharacters(app);
  refuseNonJsonBodies(app, apiOperations(catalog, { emailOffered: config.smtpUrl !== null }));
  const closing = closeConnectionsWhenClosing(app);
  registerCompression(app);
  if (deps.metrics) recordRequests(app, deps.metrics);
  // After the security headers, so a shed request's 503 still carries them.
  await registerPressure(app, {
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    healthy: deps.healthy ?? databaseAnswers(store),
  });
  await app.register(fastifyView, {
    engine: {
      eta: new Eta({ views: VIEWS_DIR, autoEscape: true, useWith: false, cache: true, autoTrim: [false, 'nl'] }),
    },
    templates: VIEWS_DIR,
    production: true,
  });
  await app.register(fastifyFormbody);
  // Only the routes that ask for it are limited (app.rateLimit in the report routes). With several nodes the counts
  // live in the database, so every node shares one budget per client; one SQLite process keeps them in memory.
  await app.register(fastifyRateLimit, {
    global: false,
    ...(store.engine === 'postgres' ? { store: databaseRateLimits(store, now) } : { cache: 100_000 }),
  });

  const assets = registerAssets(app, `${VIEWS_DIR}/assets`);
  const cache = deps.cache ?? createRenderCache(deps.metrics ? { recorder: deps.metrics } : {});
  const front = (made.front = createFront({
    baseline: { headers: security, closing },
    cache,
    now,
    // At debug every request is logged, so each goes through the app.
    answering: app.log.level !== 'debug' && app.log.level !== 'trace',
    ...(deps.metrics ? { recorder: deps.metrics } : {}),
  }));
  const pages = createPageRenderer(app, { config, catalog, assets, cache, now, front });
  // The pages' assessments are kept as their renders are: a read is reused while its data did not change, at most as
  // long as a changed page waits; the correlation is refreshed as the render cache refreshes one page.
  const assessor = createAssessor({
    store,
    catalog,
    config,
    timing: {
      correlation: { minAgeMs: PAGE_MIN_AGE_MS, refreshMs: PAGE_REFRESH_MS, reuseMs: PAGE_STALE_MS },
      reuseMs: PAGE_MIN_AGE_MS,
    },
  });
  const web = {
    config,
    catalog,
    store,
    assessor,
    history: createHistoryReader({ store, probeRegion: config.probeRegion }),
    pages,
    now,
    clientKeys: createClientKeys(config.secret),
    formTokens: createFormTokens(config.secret ?? undefined),
    jobRole: deps.jobRole ?? (() => 'off' as const),
    readiness:
      deps.readiness ??
      createReadiness({
        databasePath: store.sqlite ? databaseFile(config.databasePath) : null,
        writeCheck: writeCheckFor(store),
        now: Date.now,
      }),
    ...(deps.metrics ? { recorder: deps.metrics } : {}),
    testSender: deps.testSender ?? null,
  };

  const { warmUp } = deps;
  // Not awaited: the site listens meanwhile, and readiness says "starting" until every provider was assessed.
  if (warmUp)
    app.addHook('onReady', (done) => {
      // Every provider assessed, then the list every client asks for first rendered into the render cache.
      warmUp.run(async () => {
        await assessor.all(now());
        await app.inject({ method: 'GET', url: '/api/v1/providers' });
      });
      done();
    });

  registerProblemHandlers(app, pages, allowed);
  // A malformed or oversized address is never echoed, not even as the problem page's canonical link.
  framework.answerWith((request, reply, status, message) =>
    answerProblem(request, reply, pages, status, message, { path: '/' }),
  );
  registerHealthRoutes(app, web);
  // The page families, the JSON API and the machine-readable answers: each a plugin given what it needs.
  await app.register(homePage, web);
  await app.register(providerPage, web);
  await app.register(errorPage, web);
  await app.register(historyPage, web);
  await app.register(accountabilityPage, web);
  await app.register(isItDownPage, web);
  await app.register(errorsPage, web);
  await app.register(errorGuidePage, web);
  await app.register(methodologyPage, web);
  await app.register(diagnosePage, web);
  await app.register(apiPage, web);
  await app.register(subscriptionPages, web);
  await app.register(providersApi, web);
  await app.register(reportsApi, web);
  await app.register(agentsApi, web);
  await app.register(statuspageApi, web);
  await app.register(mcpApi, web);
  await app.register(feeds, web);
  await app.register(badges, web);
  await app.register(discovery, web);
  await app.register(embedWidget, {
    ...web,
    embed: { stylesheet: assets.url('embed.css'), siteCsp: security['content-security-policy'] ?? '' },
  });
  return app;
}

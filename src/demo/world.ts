// The demo world: every catalog provider's status page and API faked on its own loopback port, in named scenarios
// (operational, an API incident, a product-only maintenance, a page that stops answering, an auth outage, a report
// spike, three providers failing together, an API failing from one agent region only), and the catalog pointed at them. `npm run demo` and the browser tests run
// the real server against it.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Provider } from '../catalog/schema.ts';
import type { Level } from '../domain.ts';
import { MINUTE_MS } from '../time.ts';
import {
  awshealthEvents,
  betterstackFeed,
  betterstackOperational,
  betterstackWithReport,
  datadogOperational,
  flashdutyOperational,
  incidentioComponents,
  mistralFeed,
  emptyFeed,
  gcpIncidents,
  incidentOf,
  incidentioWithIncident,
  instatusOperational,
  maintenanceOf,
  nameOf,
  rejectionBody,
  statuspageClosedIncidents,
  statuspageSummary,
} from './documents.ts';

/** What one fake upstream answers to one request: a document, an error, or nothing at all (a hang). */
type Answer = { status: number; type: string; body: string | Buffer } | 'hang';
type Route = (request: { count: number }) => Answer;

export type Scenario = {
  name: string;
  slug: string;
  /** What a visitor should see, in one line (the README and `npm run demo` print it). */
  look: string;
  /** The API level the provider settles at. */
  settles: Level;
  /** Other providers in the same scenario, settling at the same level. */
  alongside?: readonly string[];
};

/** The scenarios, one provider each; every other provider is operational (or unknown without any signal). */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'all-operational',
    slug: 'cohere',
    look: 'every signal fresh and healthy: Operational, and the auth page says the problem is on your side',
    settles: 'operational',
  },
  {
    name: 'api-incident',
    slug: 'openai',
    look: 'an open incident with Chat Completions in full outage: an outage of the API, the provider is to blame',
    settles: 'partial_outage',
  },
  {
    name: 'product-maintenance',
    slug: 'anthropic',
    look: 'the Console under maintenance ("The API is not affected") while the probe gets its normal rejection',
    settles: 'operational',
  },
  {
    name: 'stale-page',
    slug: 'azure-openai',
    look: 'the status feed answers twice, then stops: fresh, then failing, then stale and Unknown',
    settles: 'unknown',
  },
  {
    name: 'auth-outage',
    slug: 'deepseek',
    look: 'the status page is all green, but the auth probe gets 503s and timeouts: an outage after 3 failures',
    settles: 'partial_outage',
  },
  {
    name: 'report-spike',
    slug: 'perplexity',
    look: 'official page and probe healthy, but a spike of authentication reports: Degraded at most',
    settles: 'degraded',
  },
  {
    name: 'shared-cloud',
    slug: 'groq',
    look:
      'Groq, Fireworks AI and Replicate (incident.io and Better Stack pages) post API incidents within 9 minutes of ' +
      'one another: each page names the others, a shared cloud or network being the likely cause',
    settles: 'degraded',
    alongside: ['fireworks-ai', 'replicate'],
  },
  {
    name: 'regional-failure',
    slug: 'xai',
    look:
      'the API fails only for the ap-southeast probe agent: "Partly: failing from ap-southeast, normal from local, ' +
      'us-east and eu-west" within two probe intervals, with the advice to route elsewhere',
    settles: 'degraded',
  },
];

/** The probe agents `npm run demo` starts, each its own process; the regional-failure API fails for the last one. */
export const DEMO_AGENT_REGIONS = ['us-east', 'eu-west', 'ap-southeast'] as const;
export const FAILING_REGION = 'ap-southeast';

/** The shared-cloud scenario's providers, with how long before the demo started each one's incident began. */
const SHARED_CLOUD_STARTS: Record<string, number> = { groq: 120, 'fireworks-ai': 116, replicate: 111 };

/** The API level each scenario's providers settle at, by slug. */
export const scenarioLevels = (): Record<string, Level> =>
  Object.fromEntries(SCENARIOS.flatMap((s) => [s.slug, ...(s.alongside ?? [])].map((slug) => [slug, s.settles])));

export const scenarioOf = (name: string): Scenario => {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no demo scenario called ${name}`);
  return found;
};

const json = (body: unknown, status = 200): Answer => ({
  status,
  type: 'application/json; charset=utf-8',
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const xml = (body: string): Answer => ({ status: 200, type: 'application/xml; charset=utf-8', body });

/** The status page's documents by path, for the provider's format and scenario. */
function statusRoutes(provider: Provider, now: number): Record<string, Route> {
  const page = provider.statusPage;
  if (!page) return {};
  const empty = { incidents: [] };
  switch (page.format) {
    case 'statuspage': {
      if (provider.slug === 'anthropic') {
        const names = provider.components.map(nameOf);
        const console = names.find((name) => /console/i.test(name))!;
        const maintenance = maintenanceOf(
          { id: `${provider.slug}-${names.indexOf(console)}`, name: console },
          'Claude Console maintenance',
          'Scheduled maintenance of the Claude Console is in progress: signing in and managing keys in the Console ' +
            'may be unavailable for a while. The API is not affected.',
          now,
        );
        const summary = statuspageSummary(provider, now, {
          states: { [console]: 'under_maintenance' },
          maintenances: [maintenance],
          indicator: 'maintenance',
        });
        return {
          '/api/v2/summary.json': () => json(summary),
          '/api/v2/incidents.json': () => json(statuspageClosedIncidents(now)),
          '/api/v2/scheduled-maintenances.json': () =>
            json({ page: summary.page, scheduled_maintenances: [maintenance] }),
        };
      }
      const summary = statuspageSummary(provider, now);
      return {
        '/api/v2/summary.json': () => json(summary),
        '/api/v2/incidents.json': () => json({ page: summary.page, ...empty }),
        '/api/v2/scheduled-maintenances.json': () => json({ page: summary.page, scheduled_maintenances: [] }),
      };
    }
    case 'incidentio': {
      if (provider.slug === scenarioOf('api-incident').slug) {
        const { summary, incidents } = incidentioWithIncident(now);
        return {
          '/api/v2/summary.json': () => json(summary),
          '/api/v2/incidents.json': () => json(incidents),
          '/api/v2/components.json': () => json(incidentioComponents(provider, summary)),
        };
      }
      // incident.io's quirks: no maintenances key or document, no incidents key when there are none.
      const { scheduled_maintenances: _none, incidents: _open, ...summary } = statuspageSummary(provider, now);
      const incident = sharedCloudIncident(provider, now);
      if (incident) {
        const api = (summary.components as { name: string; status: string }[])[0]!;
        api.status = 'degraded_performance';
        Object.assign(summary, {
          incidents: [incident],
          status: { indicator: 'minor', description: 'Minor Service Outage' },
        });
      }
      return {
        '/api/v2/summary.json': () => json(summary),
        '/api/v2/incidents.json': () => json({ page: summary.page, ...(incident ? { incidents: [incident] } : {}) }),
        '/api/v2/components.json': () => json(incidentioComponents(provider, summary)),
      };
    }
    case 'instatus': {
      const docs = instatusOperational(now);
      return {
        '/summary.json': () => json(docs.summary),
        '/v2/components.json': () => json(docs.components),
        '/history.atom': () => xml(docs.history),
      };
    }
    case 'betterstack': {
      const startedMinutesAgo = SHARED_CLOUD_STARTS[provider.slug];
      const index =
        startedMinutesAgo === undefined
          ? betterstackOperational(provider, now)
          : betterstackWithReport(
              provider,
              now,
              SHARED_CLOUD_TITLE,
              SHARED_CLOUD_BODY,
              now - startedMinutesAgo * MINUTE_MS,
              'degraded',
            );
      const feed = betterstackFeed(now);
      return { '/index.json': () => json(index), '/feed': () => xml(feed) };
    }
    case 'flashduty': {
      const { active, history } = flashdutyOperational(provider, now);
      const base = new URL(page.url).pathname.replace(/\/+$/, '');
      return { [`${base}/summary/active`]: () => json(active), [`${base}/change/list`]: () => json(history) };
    }
    case 'datadog': {
      const config = datadogOperational(provider, now);
      return { '/config.json': () => json(config) };
    }
    case 'awshealth': {
      const events = awshealthEvents(now);
      return { [new URL(page.url).pathname]: () => ({ status: 200, type: 'application/json', body: events }) };
    }
    case 'gcp': {
      const incidents = gcpIncidents(now);
      return { [new URL(page.url).pathname]: () => json(incidents) };
    }
    case 'feed': {
      const path = new URL(page.url).pathname;
      if (provider.slug === 'mistral') {
        const feed = mistralFeed(now);
        return { [path]: () => xml(feed) };
      }
      const feed = emptyFeed(`${provider.name} Status`, now);
      // The stale page: two good answers, then silence (every later poll times out).
      if (provider.slug === scenarioOf('stale-page').slug)
        return { [path]: ({ count }) => (count <= 2 ? xml(feed) : 'hang') };
      return { [path]: () => xml(feed) };
    }
  }
}

const SHARED_CLOUD_TITLE = 'Elevated error rates and timeouts on the API';
const SHARED_CLOUD_BODY =
  'We are seeing elevated error rates and timeouts on API requests, caused by an outage at our cloud provider. ' +
  'We are working with them on a fix.';

/** The shared-cloud scenario's incident on the provider's first component, as a Statuspage-shaped document. */
function sharedCloudIncident(provider: Provider, now: number) {
  const startedMinutesAgo = SHARED_CLOUD_STARTS[provider.slug];
  if (startedMinutesAgo === undefined) return null;
  const api = { id: `${provider.slug}-0`, name: nameOf(provider.components[0]!) };
  return {
    ...incidentOf(api, SHARED_CLOUD_TITLE, SHARED_CLOUD_BODY, now - startedMinutesAgo * MINUTE_MS),
    impact: 'minor',
  };
}

/** The API as the failing region reaches it: 500s on every request. */
function failingProbeRoutes(provider: Provider): Record<string, Route> {
  const path = new URL(provider.probe!.url).pathname;
  return { [path]: () => json({ error: { message: 'Internal server error', type: 'api_error' } }, 500) };
}

function probeRoutes(provider: Provider): Record<string, Route> {
  const probe = provider.probe;
  if (!probe) return {};
  const path = new URL(probe.url).pathname;
  const normal = json(rejectionBody(provider), probe.expect.statuses[0]);
  if (provider.slug === scenarioOf('auth-outage').slug) {
    // Auth outage: one normal answer, then 503s and timeouts in turn.
    const unavailable = json({ error: { message: 'Service Unavailable', type: 'api_error' } }, 503);
    return { [path]: ({ count }) => (count <= 1 ? normal : count % 2 === 0 ? unavailable : 'hang') };
  }
  return { [path]: () => normal };
}

type FakeUpstream = { provider: Provider; origin: string; close(): Promise<void> };

async function startUpstream(provider: Provider, routes: Record<string, Route>): Promise<FakeUpstream> {
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    const answer = route({ count });
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': answer.type, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    provider,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The provider's catalog entry pointed at its fake upstream (page links keep their real https addresses). */
function pointedAt(provider: Provider, origin: string): Provider {
  const local = (url: string) => {
    const parsed = new URL(url);
    return `${origin}${parsed.pathname}${parsed.search}`;
  };
  const page = provider.statusPage;
  return {
    ...provider,
    statusPage: page
      ? {
          ...page,
          url: local(page.url),
          pageUrl: page.pageUrl ?? (page.url.startsWith('https://') ? page.url : undefined),
        }
      : null,
    probe: provider.probe ? { ...provider.probe, url: local(provider.probe.url) } : null,
  };
}

export type DemoWorld = {
  /** The catalog's providers, pointed at the fake upstreams. */
  providers: Provider[];
  scenarios: readonly Scenario[];
  /** Writes the pointed catalog to `path` (for PROVIDERS_FILE), as the agent of `region` reaches the APIs if given. */
  writeProviders(path: string, region?: string): void;
  close(): Promise<void>;
};

/** Starts a fake status page and API for each provider of the catalog. */
export async function startDemoWorld(options: { providers: readonly Provider[]; now?: number }): Promise<DemoWorld> {
  const now = options.now ?? Date.now();
  const upstreams = await Promise.all(
    options.providers.map((p) => startUpstream(p, { ...statusRoutes(p, now), ...probeRoutes(p) })),
  );
  const providers = upstreams.map((u) => pointedAt(u.provider, u.origin));
  // The failing region's own resolver leads it to another copy of the regional-failure provider's API.
  const regional = options.providers.find((p) => p.slug === scenarioOf('regional-failure').slug && p.probe);
  const failing = regional ? await startUpstream(regional, failingProbeRoutes(regional)) : null;
  const fromFailingRegion = providers.map((p) =>
    failing && p.slug === failing.provider.slug
      ? { ...p, probe: pointedAt(failing.provider, failing.origin).probe }
      : p,
  );
  return {
    providers,
    scenarios: SCENARIOS,
    writeProviders: (path, region) =>
      writeFileSync(path, `${JSON.stringify(region === FAILING_REGION ? fromFailingRegion : providers, null, 2)}\n`),
    close: async () => {
      await Promise.all([...upstreams, ...(failing ? [failing] : [])].map((u) => u.close()));
    },
  };
}

/** Reports from `count` different networks (X-Forwarded-For, believed from TRUST_PROXY) through the public API; a
 * report shed with 503 under load is sent again. Returns how many were accepted. */
export async function sendReports(
  origin: string,
  slug: string,
  category: string,
  count: number,
  models: readonly string[] = [],
): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < count; i += 1) {
    const model = models.length > 0 ? models[i % models.length] : undefined;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const response = await fetch(`${origin}/api/v1/providers/${slug}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${10 + i}` },
        body: JSON.stringify({ category, ...(model ? { model } : {}) }),
      });
      await response.arrayBuffer();
      if (response.ok) accepted += 1;
      if (response.status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return accepted;
}

/** Polls and probes every few seconds so each scenario reaches its state within seconds. */
export const DEMO_INTERVAL_SECONDS = 2;

/** A fresh signing key for each demo agent region (the demo's own, never written anywhere). */
export const demoAgentKeys = (): Record<string, string> =>
  Object.fromEntries(DEMO_AGENT_REGIONS.map((region) => [region, randomBytes(24).toString('hex')]));

/**
 * The server's environment for the demo: a temp database, the pointed catalog, loopback upstreams allowed, and the
 * agents' keys.
 */
export function demoServerEnv(options: {
  databasePath: string;
  providersFile: string;
  port: number;
  agentKeys?: Record<string, string>;
}) {
  const seconds = String(DEMO_INTERVAL_SECONDS);
  const keys = Object.entries(options.agentKeys ?? {});
  return {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATABASE_PATH: options.databasePath,
    PROVIDERS_FILE: options.providersFile,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    POLL_INTERVAL_SECONDS: seconds,
    PROBE_INTERVAL_SECONDS: seconds,
    POLL_TIMEOUT_SECONDS: '1',
    PROBE_TIMEOUT_SECONDS: '1',
    // The report spike comes from distinct documentation addresses in X-Forwarded-For, believed from loopback only.
    TRUST_PROXY: '127.0.0.1',
    ...(options.port > 0 ? { SITE_URL: `http://127.0.0.1:${options.port}` } : {}),
    ...(keys.length > 0 ? { AGENT_KEYS: keys.map(([region, key]) => `${region}=${key}`).join(',') } : {}),
  };
}

/** A demo probe agent's environment: its region and key, the site, its catalog and buffer, the demo's schedule. */
export function demoAgentEnv(options: {
  region: string;
  key: string;
  centralUrl: string;
  providersFile: string;
  bufferFile: string;
}) {
  return {
    AGENT_REGION: options.region,
    AGENT_KEY: options.key,
    CENTRAL_URL: options.centralUrl,
    PROVIDERS_FILE: options.providersFile,
    AGENT_BUFFER_FILE: options.bufferFile,
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    PROBE_INTERVAL_SECONDS: String(DEMO_INTERVAL_SECONDS),
    PROBE_TIMEOUT_SECONDS: '1',
  };
}

/**
 * The report spike of the report-spike scenario: more than 3× the usual level of authentication reports, most naming
 * the model that failed.
 */
export const sendReportSpike = (origin: string): Promise<number> =>
  sendReports(origin, scenarioOf('report-spike').slug, 'auth', 12, ['sonar-pro', 'sonar-pro', 'sonar', '']);

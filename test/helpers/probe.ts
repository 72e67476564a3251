// Probe-test wiring: fake provider APIs on 127.0.0.1 (each on its own port), names that resolve to them or fail,
// catalog providers pointed at them, and the real probe job through the real door with the configured policy.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { LookupFunction, Socket } from 'node:net';
import type { Agent } from 'undici';
import type { Provider } from '../../src/catalog/schema.ts';
import type { Clock } from '../../src/jobs/clock.ts';
import { createProbeJob } from '../../src/jobs/probe.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import type { ProbeRecorder } from '../../src/ops/recorder.ts';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createConnectionLog, createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { realCatalog, type Harness } from './app.ts';
import { LOOPBACK_DEADLINE_MS } from './upstream.ts';

/**
 * Names under api.test resolve to loopback, any other name fails as an unknown host. The answer comes
 * asynchronously, as a real resolver's does.
 */
export const apiLookup: LookupFunction = (hostname, options, cb) => {
  setImmediate(() => {
    if (!hostname.endsWith('.api.test'))
      return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    if ((options as { all?: boolean }).all) return cb(null, [{ address: '127.0.0.1', family: 4 }]);
    cb(null, '127.0.0.1', 4);
  });
};

export type ApiBehaviour = {
  status?: number;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
  /** Waits this long before answering: a slow API. */
  delayMs?: number;
  fault?: 'hang' | 'reset';
};

export type FakeApi = {
  port: number;
  /** The URL of `path` under a host name that resolves here (`<name>.api.test`). */
  url(name: string, path?: string): string;
  set(behaviour: ApiBehaviour): void;
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  /** The most requests this server was answering at once. */
  maxInFlight(): number;
  /** Resolves when the next request has arrived. */
  received(): Promise<void>;
  close(): Promise<void>;
};

/** A fake provider API: answers every path the same way, as set. */
export async function startFakeApi(behaviour: ApiBehaviour = {}): Promise<FakeApi> {
  let current = behaviour;
  let inFlight = 0;
  let maxInFlight = 0;
  let waiters: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const requests: FakeApi['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      for (const wake of waiters) wake();
      waiters = [];
      const b = current;
      if (b.fault === 'hang') return;
      if (b.fault === 'reset') return req.socket.resetAndDestroy();
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const answer = () => {
        inFlight -= 1;
        res.writeHead(b.status ?? 401, { 'content-type': b.type ?? 'application/json', ...b.headers });
        res.end(b.body ?? '');
      };
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (name, path = '/v1/models') => `http://${name}.api.test:${port}${path}`,
    set: (b) => {
      current = b;
    },
    requests,
    maxInFlight: () => maxInFlight,
    received: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real catalog provider (default: OpenAI, with its real expectation) whose probe calls `url`. */
export function probingAt(url: string, as = 'openai', slug = as): Provider {
  const base = realCatalog().providerBySlug.get(as)!;
  return { ...base, slug, name: slug === base.slug ? base.name : `Test ${slug}`, probe: { ...base.probe!, url } };
}

export type ProbeRig = { job: Scheduler; agent: Agent; close(): Promise<void> };

/** The real probe job over the harness's catalog and store, through a door built as server.ts builds it. */
export function probeRig(
  h: Harness,
  options: {
    deadlineMs?: number;
    clock?: Clock;
    random?: () => number;
    onCycle?: () => void;
    recorder?: ProbeRecorder;
  } = {},
): ProbeRig {
  const policy = upstreamPolicy(h.config.allowPrivateUpstreams);
  const connectionLog = createConnectionLog();
  const agent = createUpstreamDispatcher({ policy, lookup: apiLookup, connectionLog });
  const door = createHttpDoor({ dispatcher: agent, policy, connectionLog, userAgent: 'test' });
  const clock = options.clock ?? { now: () => h.clock.now, setTimeout: () => 0, clearTimeout: () => undefined };
  const job = createProbeJob({
    catalog: h.catalog,
    results: h.store.probes,
    door,
    deadlineMs: options.deadlineMs ?? LOOPBACK_DEADLINE_MS,
    clock,
    intervalMs: h.config.probeIntervalMs,
    ...(options.random ? { random: options.random } : {}),
    ...(options.onCycle ? { onCycle: options.onCycle } : {}),
    ...(options.recorder ? { recorder: options.recorder } : {}),
  });
  return {
    job,
    agent,
    async close() {
      await job.close();
      await agent.close();
    },
  };
}

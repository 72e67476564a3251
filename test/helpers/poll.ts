// Poll-test wiring: providers pointed at fake upstreams, the real HTTP door with a test policy, the real poll job.
import type { LookupFunction } from 'node:net';
import type { Agent } from 'undici';
import type { Provider, StatusPage } from '../../src/catalog/schema.ts';
import { createPollJob } from '../../src/jobs/poll.ts';
import type { PollRecorder } from '../../src/ops/recorder.ts';
import type { Scheduler } from '../../src/jobs/scheduler.ts';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { createHttpDoor, createUpstreamDispatcher } from '../../src/sources/http.ts';
import { catalogWith, createHarness, realCatalog, type Harness } from './app.ts';
import { LOOPBACK_DEADLINE_MS } from './upstream.ts';

/** status.test names resolve to loopback, private.test to a private address (never connected to), the rest fail. */
export const testLookup: LookupFunction = (hostname, options, cb) => {
  const answer = hostname.endsWith('status.test') ? '127.0.0.1' : hostname === 'private.test' ? '10.1.2.3' : null;
  if (answer === null)
    return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
  if ((options as { all?: boolean }).all) return cb(null, [{ address: answer, family: 4 }]);
  cb(null, answer, 4);
};

/** A real catalog provider under a new slug (optional) with its status page replaced. */
export function providerLike(slug: string, statusPage: StatusPage | null, as = 'anthropic'): Provider {
  const base = realCatalog().providerBySlug.get(as)!;
  return { ...base, slug, name: slug === base.slug ? base.name : `Test ${slug}`, statusPage };
}

export type PollRig = { job: Scheduler; agent: Agent; close(): Promise<void> };

export function pollRig(
  h: Harness,
  options: { deadlineMs?: number; concurrency?: number; recorder?: PollRecorder } = {},
): PollRig {
  // The policy ALLOW_PRIVATE_UPSTREAMS=true gives: loopback and http allowed, LAN addresses still forbidden.
  const policy = upstreamPolicy(true);
  const agent = createUpstreamDispatcher({ policy, lookup: testLookup });
  const door = createHttpDoor({ dispatcher: agent, policy, userAgent: 'test' });
  const job = createPollJob({
    catalog: h.catalog,
    store: h.store,
    door,
    intervalMs: h.config.pollIntervalMs,
    deadlineMs: options.deadlineMs ?? LOOPBACK_DEADLINE_MS,
    concurrency: options.concurrency ?? 16,
    clock: { now: () => h.clock.now, setTimeout: () => 0, clearTimeout: () => undefined },
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

/** One provider (as `slug` is in the real catalog) on a fake upstream's page: its harness and poll rig. */
export type PollOne = { h: Harness; rig: PollRig; close(): Promise<void> };

/** Builds a PollOne; its close also closes the upstream. */
export async function pollOne(
  slug: string,
  statusPage: StatusPage,
  upstream: { close(): Promise<void> },
  options: { now?: number; recorder?: PollRecorder } = {},
): Promise<PollOne> {
  const h = await createHarness({
    catalog: catalogWith([providerLike(slug, statusPage, slug)]),
    env: { ALLOW_PRIVATE_UPSTREAMS: 'true' },
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const rig = pollRig(h, options.recorder ? { recorder: options.recorder } : {});
  return {
    h,
    rig,
    async close() {
      await rig.close();
      await h.close();
      await upstream.close();
    },
  };
}

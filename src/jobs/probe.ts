// The probe job: calls each provider's API with a deliberately invalid key through the HTTP door, classifies the
// answer, decides "slow" against the provider's 24-hour baseline and records every attempt. One task per host.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import type { ProbeOutcome } from '../domain.ts';
import { BASELINE_WINDOW_MS, isSlow, latencyBaseline } from '../probes/baseline.ts';
import { classifyProbe } from '../probes/classify.ts';
import { probeRequest } from '../probes/request.ts';
import type { ProbeRecorder } from '../ops/recorder.ts';
import type { HttpDoor } from '../sources/http.ts';
import { DEFAULT_REGION, type ProbeResultRow } from '../store/probes.ts';
import type { Clock } from './clock.ts';
import { createScheduler, type CycleStats, type JobLog, type Scheduler, type TaskOutcome } from './scheduler.ts';

/**
 * Where results go and where the slow baseline comes from: the store on a site node (store.probes, with this node's
 * region), the local buffer on a probe agent.
 */
export type ProbeResults = {
  normalLatencies(providerSlug: string, sinceAt: number, beforeAt: number, region?: string): Promise<number[]>;
  record(providerSlug: string, result: ProbeResultRow & { region?: string }): Promise<void>;
};

export type ProbeDeps = {
  results: ProbeResults;
  /** The region these probes run from (default: `local`). */
  region?: string;
  door: HttpDoor;
  clock: Pick<Clock, 'now'>;
  deadlineMs: number;
  log?: JobLog;
  recorder?: ProbeRecorder;
};

/** What one probe did: the recorded outcome, or nothing when the attempt said nothing about the provider. */
export type ProbeRun = { outcome: ProbeOutcome | null; retryAfterMs: number | null };

export function createProber(deps: ProbeDeps) {
  const { results, door, clock, deadlineMs } = deps;
  const region = deps.region ?? DEFAULT_REGION;

  async function probe(provider: Provider, signal?: AbortSignal): Promise<ProbeRun> {
    const definition = provider.probe;
    if (!definition) return { outcome: null, retryAfterMs: null };
    const slug = provider.slug;
    const at = clock.now();
    const result = await door.request(probeRequest(definition, deadlineMs, signal));
    const attempt = classifyProbe(definition.expect, result);
    if (attempt === null) {
      deps.recorder?.probeResult(slug, 'inconclusive', null);
      if (!result.ok && result.kind === 'blocked')
        deps.log?.warn({ provider: slug, detail: result.detail }, 'probe target refused by the address policy');
      return { outcome: null, retryAfterMs: null };
    }
    const baseline = latencyBaseline(await results.normalLatencies(slug, at - BASELINE_WINDOW_MS, at, region));
    const slow = attempt.outcome === 'rejected_as_expected' && isSlow(attempt.latencyMs, baseline);
    const outcome: ProbeOutcome = slow ? 'slow' : attempt.outcome;
    const detail = slow
      ? `${attempt.latencyMs} ms, slow above ${baseline.slowAboveMs} ` +
        `ms${baseline.medianMs !== null ? ` (usual ${baseline.medianMs} ms)` : ''}`
      : attempt.detail;
    await results.record(slug, {
      region,
      at,
      outcome,
      httpStatus: attempt.httpStatus,
      latencyMs: attempt.latencyMs,
      dnsMs: attempt.dnsMs,
      connectMs: attempt.connectMs,
      tlsMs: attempt.tlsMs,
      ttfbMs: attempt.ttfbMs,
      detail,
    });
    deps.recorder?.probeResult(slug, outcome, attempt.latencyMs);
    if (outcome !== 'rejected_as_expected')
      deps.log?.debug({ provider: slug, outcome, detail }, 'probe answered unusually');
    return {
      outcome,
      retryAfterMs: attempt.httpStatus === 429 || attempt.httpStatus === 503 ? attempt.retryAfterMs : null,
    };
  }

  return { probe };
}
export type Prober = ReturnType<typeof createProber>;

/** Providers grouped by the host their probe calls, in catalog order: one task, one request in flight, per host. */
export type HostTask = { host: string; providers: Provider[] };

export function hostTasks(providers: readonly Provider[]): HostTask[] {
  const byHost = new Map<string, Provider[]>();
  for (const provider of providers) {
    if (!provider.probe) continue;
    const host = new URL(provider.probe.url).hostname;
    byHost.set(host, [...(byHost.get(host) ?? []), provider]);
  }
  return [...byHost].map(([host, list]) => ({ host, providers: list }));
}

export type ProbeJobOptions = ProbeDeps & {
  catalog: Catalog;
  intervalMs: number;
  clock: Clock;
  random?: () => number;
  onCycle?: (stats: CycleStats) => void;
  onError?: (task: HostTask, error: unknown) => void;
};

/** Runs one host's probes in turn; a Retry-After on 429 or 503 makes the schedule wait for that host. */
async function runHost(prober: Prober, task: HostTask, signal: AbortSignal): Promise<TaskOutcome> {
  let retryAfterMs: number | null = null;
  for (const provider of task.providers) {
    if (signal.aborted) break;
    const run = await prober.probe(provider, signal);
    if (run.retryAfterMs !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, run.retryAfterMs);
  }
  return { ok: retryAfterMs === null, retryAfterMs };
}

/**
 * The probe schedule: every host at once each interval. Jitter only ever delays a cycle and backoff only ever
 * lengthens the wait, so two probes of a host are never closer together than the interval; backoff stops at two
 * intervals so that waiting never turns the signal stale.
 */
export function createProbeJob(options: ProbeJobOptions): Scheduler {
  const prober = createProber(options);
  const tasks = hostTasks(options.catalog.providers);
  const random = options.random ?? Math.random;
  return createScheduler<HostTask>({
    intervalMs: options.intervalMs,
    random: () => 0.5 + random() / 2,
    concurrency: Math.max(1, tasks.length),
    taskTimeoutMs: Math.max(...tasks.map((t) => t.providers.length), 1) * options.deadlineMs + 2000,
    maxBackoffMs: 2 * options.intervalMs,
    clock: options.clock,
    tasks: () => tasks,
    keyOf: (task) => task.host,
    run: (task, signal) => runHost(prober, task, signal),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onCycle ? { onCycle: options.onCycle } : {}),
  });
}

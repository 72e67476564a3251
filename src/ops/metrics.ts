// Prometheus metrics with prom-client, on a registry of their own: requests by route, polls, probes, the render
// cache, reports, the schedules' last runs, the database's size, and Node's own (event-loop delay, memory, GC).
import { statSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobWatch } from './job-watch.ts';
import type { Recorder } from './recorder.ts';

export type Metrics = Recorder & {
  registry: Registry;
  /** The exposition text and its content type, as a scrape receives them. */
  scrape(): Promise<{ contentType: string; body: string }>;
};

export type MetricsDeps = {
  /** The SQLite file whose size (with its write-ahead log) is reported; null for none. */
  databasePath: string | null;
  jobs?: JobWatch;
};

const REQUEST_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const PROBE_BUCKETS_S = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10];

const fileBytes = (path: string): number | null => {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
};

export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: REQUEST_BUCKETS_S,
    registers,
  });
  const polls = new Counter({
    name: 'status_poll_attempts_total',
    help: "Polls of a provider's official status page, by the outcome of its main document.",
    labelNames: ['provider', 'outcome'],
    registers,
  });
  const platformMoves = new Counter({
    name: 'status_platform_moves_total',
    help: "Times a provider's status page was found answering as another platform, by the platform found.",
    labelNames: ['provider', 'format'],
    registers,
  });
  const probes = new Counter({
    name: 'status_probe_results_total',
    help: "Probes of a provider's API with an invalid key, by outcome (inconclusive: nothing learnt about it).",
    labelNames: ['provider', 'outcome'],
    registers,
  });
  const probeLatency = new Histogram({
    name: 'status_probe_latency_seconds',
    help: "Time until a provider's API answered a probe (or the probe failed).",
    labelNames: ['provider'],
    buckets: PROBE_BUCKETS_S,
    registers,
  });
  const cacheHits = new Counter({
    name: 'status_render_cache_hits_total',
    help: 'Pages served from the render cache without rendering.',
    registers,
  });
  const renders = new Counter({ name: 'status_renders_total', help: 'Pages rendered.', registers });
  const reportsAccepted = new Counter({
    name: 'status_reports_accepted_total',
    help: 'Community reports stored and counted.',
    labelNames: ['provider'],
    registers,
  });
  const reportsIgnored = new Counter({
    name: 'status_reports_ignored_total',
    help: 'Community reports stored but not counted, by reason.',
    labelNames: ['provider', 'reason'],
    registers,
  });
  if (deps.jobs) {
    const jobs = deps.jobs;
    new Gauge({
      name: 'status_job_last_run_timestamp_seconds',
      help: 'When each schedule last completed a cycle (or started), in Unix seconds.',
      labelNames: ['job'],
      registers,
      collect() {
        for (const job of jobs.lastRuns()) this.set({ job: job.name }, job.lastRunAt / 1000);
      },
    });
  }
  if (deps.databasePath !== null) {
    const path = deps.databasePath;
    new Gauge({
      name: 'status_database_size_bytes',
      help: 'Size of the database file and of its write-ahead log.',
      labelNames: ['file'],
      registers,
      collect() {
        this.reset();
        for (const [file, bytes] of [
          ['database', fileBytes(path)],
          ['wal', fileBytes(`${path}-wal`)],
        ] as const) {
          if (bytes !== null) this.set({ file }, bytes);
        }
      },
    });
  }

  return {
    registry,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    request(method, route, statusCode, durationMs) {
      requests.observe({ method, route, status_code: String(statusCode) }, durationMs / 1000);
    },
    pollAttempt(provider, outcome) {
      polls.inc({ provider, outcome });
    },
    platformMoved(provider, format) {
      platformMoves.inc({ provider, format });
    },
    probeResult(provider, outcome, latencyMs) {
      probes.inc({ provider, outcome });
      if (latencyMs !== null) probeLatency.observe({ provider }, latencyMs / 1000);
    },
    cacheHit: () => cacheHits.inc(),
    render: () => renders.inc(),
    report(provider, ignoredReason) {
      if (ignoredReason === null) reportsAccepted.inc({ provider });
      else reportsIgnored.inc({ provider, reason: ignoredReason });
    },
  };
}

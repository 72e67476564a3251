// The poll job: fetches each provider's official status documents through the HTTP door, reads them with the
// format's adapter, records every attempt, and applies what was read to the store.
import type { Catalog } from '../catalog/load.ts';
import type { Provider } from '../catalog/schema.ts';
import { MAIN_DOCUMENT, type CheckOutcome } from '../domain.ts';
import type { DocumentReading, DocumentSpec } from '../sources/adapter.ts';
import { SourceError } from '../sources/adapter.ts';
import { ADAPTERS } from '../sources/adapters/index.ts';
import type { PollRecorder } from '../ops/recorder.ts';
import type { HttpDoor } from '../sources/http.ts';
import { mergeReadings } from '../sources/merge.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import { createScheduler, type CycleStats, type JobLog, type Scheduler, type TaskOutcome } from './scheduler.ts';
import { confirmLevel } from '../status/damping.ts';

/** A status document larger than this is refused: the biggest real ones are a few hundred KB. */
export const POLL_MAX_BYTES = 2 * 1024 * 1024;

export type PollDeps = {
  store: Store;
  door: HttpDoor;
  clock: Pick<Clock, 'now'>;
  deadlineMs: number;
  maxBytes?: number;
  log?: JobLog;
  recorder?: PollRecorder;
};

type Fetched =
  | {
      spec: DocumentSpec;
      outcome: 'ok';
      body: string;
      status: number;
      durationMs: number;
      validators: { etag: string | null; lastModified: string | null };
    }
  | {
      spec: DocumentSpec;
      outcome: Exclude<CheckOutcome, 'ok'>;
      status: number | null;
      durationMs: number;
      detail: string | null;
      retryAfterMs: number | null;
    };

export type PollResult = TaskOutcome & { documents: { name: string; outcome: CheckOutcome }[]; aborted?: boolean };

export function createPoller(deps: PollDeps) {
  const { store, door, clock, deadlineMs } = deps;
  const maxBytes = deps.maxBytes ?? POLL_MAX_BYTES;

  async function fetchDocument(slug: string, spec: DocumentSpec, signal: AbortSignal): Promise<Fetched> {
    const result = await door.request({
      url: spec.url,
      deadlineMs,
      maxBytes,
      accept: spec.accept,
      validators: spec.conditional === false ? undefined : await store.checks.validators(slug, spec.name),
      signal,
    });
    if (!result.ok) {
      return {
        spec,
        outcome: result.kind,
        status: result.status,
        durationMs: result.timing.totalMs,
        detail: result.detail,
        retryAfterMs: result.retryAfterMs,
      };
    }
    const base = { spec, status: result.status, durationMs: result.timing.totalMs };
    if (result.notModified) return { ...base, outcome: 'not_modified', detail: null, retryAfterMs: null };
    if (result.status < 200 || result.status >= 300) {
      return { ...base, outcome: 'http', detail: `HTTP ${result.status}`, retryAfterMs: result.retryAfterMs };
    }
    return { ...base, outcome: 'ok', body: result.body, validators: result.validators };
  }

  /** Polls one provider's official page once; every document attempt is recorded, an abort records nothing. */
  async function poll(provider: Provider, signal: AbortSignal): Promise<PollResult> {
    const page = provider.statusPage;
    if (!page) return { ok: true, documents: [] };
    const adapter = ADAPTERS[page.format];
    const slug = provider.slug;
    const startedAt = clock.now();
    const fetched = await Promise.all(
      adapter.documents(page, startedAt).map((spec) => fetchDocument(slug, spec, signal)),
    );
    if (signal.aborted || fetched.some((f) => f.outcome === 'aborted'))
      return { ok: false, documents: [], aborted: true };

    const readings: { name: string; reading: DocumentReading }[] = [];
    const documents: { name: string; outcome: CheckOutcome }[] = [];
    for (const f of fetched) {
      let outcome: CheckOutcome = f.outcome;
      let detail = f.outcome === 'ok' ? null : f.detail;
      if (f.outcome === 'ok') {
        try {
          readings.push({ name: f.spec.name, reading: adapter.read(f.spec.name, f.body, page, startedAt) });
          await store.checks.saveValidators(slug, f.spec.name, f.validators.etag, f.validators.lastModified);
        } catch (error) {
          outcome = error instanceof SourceError ? error.kind : 'parse';
          detail = (error as Error).message.slice(0, 300);
          deps.log?.warn(
            { provider: slug, document: f.spec.name, outcome, detail },
            'status document could not be read',
          );
        }
      } else if (f.outcome !== 'not_modified') {
        deps.log?.debug({ provider: slug, document: f.spec.name, outcome, detail }, 'status document fetch failed');
      }
      await store.checks.record({
        providerSlug: slug,
        document: f.spec.name,
        startedAt,
        durationMs: f.durationMs,
        outcome,
        httpStatus: f.status,
        detail,
      });
      documents.push({ name: f.spec.name, outcome });
    }

    if (readings.length > 0) {
      const mainRead = readings[0]!.name === MAIN_DOCUMENT;
      const snapshot = mergeReadings(readings.map((r) => r.reading));
      await store.transaction(async (tx) => {
        if (snapshot.components) await tx.components.applySnapshot(slug, snapshot.components, startedAt, confirmLevel);
        if (snapshot.pageLevel !== undefined)
          await tx.components.setPageLevel(slug, snapshot.pageLevel, snapshot.pageRaw ?? null, startedAt, confirmLevel);
        await tx.incidents.applyOfficial(
          slug,
          snapshot.incidents,
          mainRead && snapshot.listsAllOpen === true,
          startedAt,
        );
      });
    }
    const unchanged = new Set(documents.filter((d) => d.outcome === 'not_modified').map((d) => d.name));
    const componentsRead = readings.some((r) => r.reading.components !== undefined);
    const pageRead = readings.some((r) => r.reading.pageLevel !== undefined);
    if (unchanged.size > 0 && (!componentsRead || !pageRead)) {
      const parts = {
        components: !componentsRead && (unchanged.has(MAIN_DOCUMENT) || unchanged.has('components')),
        page: !pageRead && unchanged.has(MAIN_DOCUMENT),
      };
      await store.components.reconfirm(slug, startedAt, parts, confirmLevel);
    }
    const main = documents[0]!;
    const mainFetch = fetched[0]!;
    deps.recorder?.pollAttempt(slug, main.outcome);
    return {
      ok: main.outcome === 'ok' || main.outcome === 'not_modified',
      retryAfterMs: mainFetch.outcome !== 'ok' ? mainFetch.retryAfterMs : null,
      documents,
    };
  }

  return { poll };
}
export type Poller = ReturnType<typeof createPoller>;

export type PollJobOptions = PollDeps & {
  catalog: Catalog;
  intervalMs: number;
  concurrency: number;
  clock: Clock;
  onCycle?: (stats: CycleStats) => void;
  onError?: (provider: Provider, error: unknown) => void;
};

/** The poll schedule over every provider with an official page. */
export function createPollJob(options: PollJobOptions): Scheduler {
  const poller = createPoller(options);
  const providers = options.catalog.providers.filter((p) => p.statusPage !== null);
  return createScheduler<Provider>({
    intervalMs: options.intervalMs,
    concurrency: options.concurrency,
    // The door's deadline bounds each request; this only catches a task that ignores it.
    taskTimeoutMs: options.deadlineMs + 2000,
    clock: options.clock,
    tasks: () => providers,
    keyOf: (provider) => provider.slug,
    run: (provider, signal) => poller.poll(provider, signal),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onCycle ? { onCycle: options.onCycle } : {}),
  });
}

// The poll job: fetches each provider's official status documents through the HTTP door, reads them with the
// format's adapter, records every attempt, and applies what was read to the store.
import type { Catalog } from '../catalog/load.ts';
import type { Provider, StatusPage } from '../catalog/schema.ts';
import { MAIN_DOCUMENT, type CheckOutcome } from '../domain.ts';
import type { DocumentReading, DocumentSpec } from '../sources/adapter.ts';
import { SourceError } from '../sources/adapter.ts';
import { ADAPTERS } from '../sources/adapters/index.ts';
import type { PollRecorder } from '../ops/recorder.ts';
import type { HttpDoor } from '../sources/http.ts';
import { mergeReadings } from '../sources/merge.ts';
import { answersAs, looksMisplaced, MOVED_AFTER_FAILURES, platformCandidates } from '../sources/moved.ts';
import { PLATFORM_DOCUMENT, platformDetail, platformFor } from '../sources/platform.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from './clock.ts';
import { createScheduler, type CycleStats, type JobLog, type Scheduler, type TaskOutcome } from './scheduler.ts';
import { confirmLevel } from '../status/damping.ts';

/** Why a feed's first empty channel after items was not believed (its check's detail). */
export const EMPTY_FEED_DETAIL = 'the feed answered an empty channel after listing items; waiting for a second reading';

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

  /**
   * A feed that listed open items and now answers an empty channel (a degraded front can serve one for hours during
   * an outage) is not believed until a second reading agrees: the first empty one is recorded as unreadable. Once an
   * empty channel is believed nothing is left open, so later empty readings are read at once.
   */
  async function emptiedSuddenly(slug: string, page: StatusPage, reading: DocumentReading): Promise<boolean> {
    if (page.format !== 'feed' || (reading.incidents ?? []).length > 0) return false;
    const previous = await store.checks.latest(slug, MAIN_DOCUMENT);
    if (previous?.detail === EMPTY_FEED_DETAIL) return false;
    return store.incidents.hasOpenOfficial(slug);
  }

  /** The page as it answers now: the catalog's, or the platform it was found to have moved to. */
  async function currentPage(slug: string, page: StatusPage): Promise<StatusPage> {
    const found = platformFor(page, (await store.checks.latest(slug, PLATFORM_DOCUMENT))?.detail ?? null);
    return found ? { ...page, format: found.format, url: found.url } : page;
  }

  /** Tries the known platforms' signatures on the page's host; records and tells the first that answers. */
  async function findPlatform(provider: Provider, page: StatusPage, signal: AbortSignal): Promise<boolean> {
    const catalogPage = provider.statusPage!;
    for (const candidate of platformCandidates(page)) {
      const spec = ADAPTERS[candidate.format].documents(candidate, clock.now())[0]!;
      const result = await door.request({ url: spec.url, deadlineMs, maxBytes, accept: spec.accept, signal });
      if (signal.aborted) return false;
      if (!result.ok || result.notModified || result.status !== 200) continue;
      if (!answersAs(candidate, result.body, clock.now())) continue;
      const from = { format: catalogPage.format, url: catalogPage.url };
      await store.checks.record({
        providerSlug: provider.slug,
        document: PLATFORM_DOCUMENT,
        startedAt: clock.now(),
        durationMs: result.timing.totalMs,
        outcome: 'ok',
        httpStatus: result.status,
        detail: platformDetail({ format: candidate.format, url: candidate.url, from }),
      });
      deps.log?.warn(
        { provider: provider.slug, from: page.format, to: candidate.format, url: candidate.url },
        'status page answers as another platform now: reading it as that; update the catalog',
      );
      deps.recorder?.platformMoved?.(provider.slug, candidate.format);
      return true;
    }
    return false;
  }

  /** Polls one provider's official page once; every document attempt is recorded, an abort records nothing. */
  async function poll(provider: Provider, signal: AbortSignal, retried = false): Promise<PollResult> {
    if (!provider.statusPage) return { ok: true, documents: [] };
    const page = await currentPage(provider.slug, provider.statusPage);
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
          const reading = adapter.read(f.spec.name, f.body, page, startedAt);
          if (f.spec.name === MAIN_DOCUMENT && (await emptiedSuddenly(slug, page, reading))) {
            throw new SourceError('schema', EMPTY_FEED_DETAIL);
          }
          readings.push({ name: f.spec.name, reading });
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
    if (!retried && looksMisplaced(main.outcome, mainFetch.status)) {
      const { consecutiveFailures } = await store.checks.summary(slug, MAIN_DOCUMENT);
      // Read the page as its new platform in this very poll, once.
      if (consecutiveFailures >= MOVED_AFTER_FAILURES && (await findPlatform(provider, page, signal))) {
        return poll(provider, signal, true);
      }
    }
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

// Graceful shutdown: on SIGTERM or SIGINT stop accepting, finish in-flight requests, close the jobs, checkpoint and
// close the database, exit 0 within the grace period; a second signal (or the grace running out) exits at once.
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Store } from './store/index.ts';

/** Anything with a close: jobs (polls, probes, timers), the upstream dispatcher. */
export type Closable = { close(): Promise<unknown> | void };

/** Under the 3 s most process managers wait before SIGKILL, so a slow close still exits on our terms. */
export const SHUTDOWN_GRACE_MS = 2500;

export type ShutdownDeps = {
  app: FastifyInstance;
  /** Closed together with the server: each aborts its running work. */
  jobs: readonly Closable[];
  /** Closed after the server and jobs, before the database (e.g. the upstream dispatcher). */
  resources: readonly Closable[];
  store: Store;
};

/** Answers every response sent while the app closes with Connection: close, so a keep-alive client cannot hold the
 * server open past its request in flight (idle connections are closed by Fastify itself). Called by buildApp; returns
 * whether the app is closing, for the answers the front writes without Fastify's hooks. */
export function closeConnectionsWhenClosing(app: FastifyInstance): () => boolean {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  return () => closing;
}

/** How long requests in flight may take to finish; then their connections are closed (their work is not done). */
export const SHUTDOWN_DRAIN_MS = 1500;
/** How long each resource (the upstream dispatcher, a resolver) gets to close before we stop waiting for it. */
export const RESOURCE_CLOSE_MS = 300;

/** Waits for `work` at most `ms`; whatever is still pending then is left behind (the process is about to exit). */
async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops accepting, lets requests in flight finish for up to `drainMs`, then closes whatever connections remain. */
async function closeServer(app: FastifyInstance, drainMs: number): Promise<void> {
  const closing = app.close();
  await atMost(closing, drainMs);
  app.server.closeAllConnections();
  await atMost(closing, RESOURCE_CLOSE_MS);
}

/**
 * The shutdown sequence itself, callable without a signal. Jobs are aborted at once and never waited for beyond
 * their abort (a lookup in the thread pool cannot be cancelled: it is left behind); requests get `drainMs`. Resources
 * (the dispatcher, a resolver) get a bounded close; the database is checkpointed and closed last.
 */
export async function shutDown(
  { app, jobs, resources, store }: ShutdownDeps,
  drainMs: number = SHUTDOWN_DRAIN_MS,
): Promise<void> {
  await Promise.all([closeServer(app, drainMs), atMost(Promise.all(jobs.map(async (job) => job.close())), drainMs)]);
  await Promise.all(
    resources.map((resource) =>
      atMost(
        Promise.resolve().then(() => resource.close()),
        RESOURCE_CLOSE_MS,
      ),
    ),
  );
  await store.close();
}

/** Installs the signal handlers; close-with-grace exits 1 on a second signal or when the grace runs out. */
export function installShutdown(deps: ShutdownDeps): void {
  const { app } = deps;
  closeWithGrace(
    { delay: SHUTDOWN_GRACE_MS, logger: { error: (message: unknown) => app.log.error(message) } },
    async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'shutting down after an error');
      else app.log.info({ signal }, 'shutting down');
      // close-with-grace exits 0 right after this resolves, through promise callbacks only: no timer or I/O callback
      // of abandoned work (a late lookup answer) can run between the database's close and the exit.
      await shutDown(deps);
      app.log.info('shut down cleanly');
    },
  );
}

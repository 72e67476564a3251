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
 * server open past its request in flight (idle connections are closed by Fastify itself). Called by buildApp. */
export function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}

/** The shutdown sequence itself, callable without a signal. */
export async function shutDown({ app, jobs, resources, store }: ShutdownDeps): Promise<void> {
  await Promise.all([app.close(), ...jobs.map(async (job) => job.close())]);
  await Promise.all(resources.map(async (resource) => resource.close()));
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
      await shutDown(deps);
      app.log.info('shut down cleanly');
    },
  );
}

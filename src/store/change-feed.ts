// The change feed between nodes on PostgreSQL: each node announces the providers it wrote (batched, NOTIFY) and
// listens on a dedicated connection for the others', so every node's render cache learns of new data within a second.
import { randomUUID } from 'node:crypto';
import { sql } from './kysely.ts';
import type pg from 'pg';
import { loadPg, type Db } from './db.ts';
import type { DataVersions } from './versions.ts';

export const CHANGE_CHANNEL = 'status_changes';
/** Announcements are batched this long: one NOTIFY per batch however many reports arrive. */
export const CHANGE_FLUSH_MS = 200;
/** Wait before reconnecting a lost listener. */
export const LISTEN_RETRY_MS = 1000;
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD_BYTES = 7000;

export type ChangeFeed = {
  announce(providerSlug: string): void;
  /** Whether the listener is connected (readiness). */
  readonly listening: boolean;
  /** Settles once the first attempt to listen has ended (connected or not). */
  readonly started: Promise<void>;
  close(): Promise<void>;
};

type Log = { warn(details: object, message: string): void };

export function createChangeFeed(options: {
  db: Db;
  settings: pg.ClientConfig;
  versions: DataVersions;
  log?: Log;
  flushMs?: number;
}): ChangeFeed {
  const { db, settings, versions } = options;
  const flushMs = options.flushMs ?? CHANGE_FLUSH_MS;
  const node = randomUUID().slice(0, 8);
  const pending = new Set<string>();
  let flushTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let client: pg.Client | null = null;
  let listening = false;
  let everListened = false;
  let closed = false;

  function payloads(): string[] {
    const out: string[] = [];
    let current: string[] = [];
    for (const slug of pending) {
      if (`${node} ${[...current, slug].join(',')}`.length > MAX_PAYLOAD_BYTES) {
        out.push(`${node} ${current.join(',')}`);
        current = [];
      }
      current.push(slug);
    }
    if (current.length > 0) out.push(`${node} ${current.join(',')}`);
    pending.clear();
    return out;
  }

  async function flush(): Promise<void> {
    flushTimer = null;
    for (const payload of payloads()) {
      try {
        await sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(db);
      } catch (err) {
        // Other nodes re-render within the cache's refresh time anyway; a lost announcement costs freshness only.
        options.log?.warn({ err }, 'announcing a data change failed');
      }
    }
  }

  function onNotification(message: pg.Notification): void {
    const [from, list = ''] = (message.payload ?? '').split(' ');
    if (from !== node && list !== '') versions.apply(list.split(','));
  }

  function retry(): void {
    listening = false;
    client?.removeAllListeners();
    // A dropped client may still report its failure: heard and ignored, never an unhandled 'error'.
    client?.on('error', () => {});
    void client?.end().catch(() => {});
    client = null;
    if (!closed && retryTimer === null) retryTimer = setTimeout(() => void listen(), LISTEN_RETRY_MS);
  }

  async function listen(): Promise<void> {
    retryTimer = null;
    if (closed) return;
    const driver = await loadPg();
    if (closed) return;
    const next = new driver.Client(settings);
    client = next;
    next.on('error', retry);
    next.on('end', retry);
    next.on('notification', onNotification);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (closed) return void next.end().catch(() => {});
      // Announcements sent while we were not listening are lost: treat every page as changed.
      if (everListened) versions.invalidateAll();
      everListened = true;
      listening = true;
    } catch (err) {
      if (!closed) options.log?.warn({ err }, 'listening for data changes failed; retrying');
      retry();
    }
  }

  const started = listen();
  return {
    started,
    announce(providerSlug) {
      if (closed) return;
      pending.add(providerSlug);
      flushTimer ??= setTimeout(() => void flush(), flushMs);
    },
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (flushTimer) {
        clearTimeout(flushTimer);
        await flush();
      }
      const last = client;
      client = null;
      last?.removeAllListeners();
      last?.on('error', () => {});
      await last?.end().catch(() => {});
    },
  };
}

// Sends a probe agent's buffered results to the site, oldest first, one signed batch at a time. A batch leaves the
// buffer only once the site has it (200, or 409 for a batch it already took) or refuses it for good (400, 413, 422).
import { request, type Dispatcher } from 'undici';
import { AGENT_RESULTS_PATH, MAX_BATCH_RESULTS, signedHeaders } from './batch.ts';
import type { ResultBuffer } from './buffer.ts';

export type PushLog = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
};

export type PushDeps = {
  centralUrl: string;
  region: string;
  key: string;
  buffer: ResultBuffer;
  dispatcher: Dispatcher;
  now: () => number;
  timeoutMs: number;
  log: PushLog;
};

/** Statuses that say the batch itself is wrong: sending it again would be refused again. */
const REFUSED_FOR_GOOD = new Set([400, 413, 422]);

export function createPusher(deps: PushDeps) {
  const { buffer, log } = deps;
  const url = new URL(AGENT_RESULTS_PATH, deps.centralUrl).href;
  let sending: Promise<void> | null = null;
  let away = false;
  let refused = 0;

  async function sendOne(): Promise<boolean> {
    const results = buffer.oldest(MAX_BATCH_RESULTS);
    if (results.length === 0) return false;
    const body = JSON.stringify({ region: deps.region, dropped: buffer.dropped, results });
    let status: number;
    let answer: string;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: signedHeaders(deps.region, deps.key, body, Math.floor(deps.now() / 1000)),
        body,
        dispatcher: deps.dispatcher,
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
      });
      status = res.statusCode;
      answer = (await res.body.text()).slice(0, 300);
    } catch (error) {
      if (!away) log.warn({ waiting: buffer.size, error: (error as Error).message }, 'the site is unreachable');
      away = true;
      return false;
    }
    const ids = new Set(results.map((r) => r.id));
    if (status === 200 || status === 409) {
      buffer.remove(ids);
      if (away) log.info({ waiting: buffer.size }, 'the site answers again: sending what waited');
      away = false;
      return true;
    }
    if (REFUSED_FOR_GOOD.has(status)) {
      refused += results.length;
      buffer.remove(ids);
      log.warn({ status, answer, results: results.length, refusedInAll: refused }, 'the site refused a batch');
      return true;
    }
    if (!away) log.warn({ status, answer, waiting: buffer.size }, 'the site did not take the batch: will retry');
    away = true;
    return false;
  }

  return {
    /** Sends batches until the buffer is empty or the site does not take one; one flush at a time. */
    flush(): Promise<void> {
      sending ??= (async () => {
        try {
          while (await sendOne());
        } finally {
          sending = null;
        }
      })();
      return sending;
    },
  };
}
export type Pusher = ReturnType<typeof createPusher>;

// Fake status servers: real HTTP servers on 127.0.0.1, each on its own port, with per-path answers and faults.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * The deadline of a request to a fake upstream that is meant to answer: generous, so a loaded machine cannot turn
 * an answer into a timeout. Tests of timeouts set their own, shorter deadline.
 */
export const LOOPBACK_DEADLINE_MS = 5000;

export type Answer = {
  status?: number;
  type?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Answers 304 to a request that carries this ETag in If-None-Match. */
  etag?: string;
  gzip?: boolean;
  fault?: 'hang-before-headers' | 'hang-mid-body' | 'reset';
};

export type Upstream = {
  url: string;
  port: number;
  /** Sets (or replaces) the answer of a path. */
  set(path: string, answer: Answer | ((req: IncomingMessage) => Answer)): void;
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
};

export const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

export const json = (body: string | object, extra: Partial<Answer> = {}): Answer => ({
  type: 'application/json; charset=utf-8',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...extra,
});

export async function startUpstream(routes: Record<string, Answer> = {}): Promise<Upstream> {
  const answers = new Map<string, Answer | ((req: IncomingMessage) => Answer)>(Object.entries(routes));
  const sockets = new Set<Socket>();
  const requests: Upstream['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, headers: req.headers });
    const found = answers.get(path);
    const answer: Answer =
      typeof found === 'function'
        ? found(req)
        : (found ?? { status: 404, type: 'text/html', body: '<html>Not found</html>' });
    if (answer.fault === 'hang-before-headers') return;
    if (answer.fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (answer.etag && req.headers['if-none-match'] === answer.etag) {
      res.writeHead(304, { etag: answer.etag });
      res.end();
      return;
    }
    let body = typeof answer.body === 'string' ? Buffer.from(answer.body) : (answer.body ?? Buffer.alloc(0));
    const headers: Record<string, string> = { 'content-type': answer.type ?? 'application/json', ...answer.headers };
    if (answer.etag) headers.etag = answer.etag;
    if (answer.gzip) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    if (answer.fault === 'hang-mid-body') {
      res.writeHead(answer.status ?? 200, headers);
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    res.writeHead(answer.status ?? 200, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    set: (path, answer) => answers.set(path, answer),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The recorded Anthropic summary with its API component at `status` and the page's indicator at `indicator`. */
export function anthropicSummaryWith(status: string, indicator: string): string {
  const doc = JSON.parse(fixture('statuspage-summary-anthropic.json'));
  doc.components.find((c: { id: string }) => c.id === 'k8w3r06qmzrp').status = status;
  doc.status.indicator = indicator;
  return JSON.stringify(doc);
}

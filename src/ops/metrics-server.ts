// The metrics listener's handler: GET /metrics answers the exposition text; it runs apart from the public port.
import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.ts';

/** A plain HTTP server for scrapes (server.ts makes it listen on METRICS_HOST:METRICS_PORT). */
export function createMetricsServer(metrics: Pick<Metrics, 'scrape'>): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: scrape /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`Metrics could not be collected: ${(error as Error).message}\n`);
      },
    );
  });
}

// The metrics listener's handler: GET /metrics answers the exposition text, GET /readyz readiness with its details
// (file paths, hosts, driver messages); it runs apart from the public port.
import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.ts';
import type { ReadinessCheck } from './readiness.ts';

/** A plain HTTP server for scrapes (server.ts makes it listen on METRICS_HOST:METRICS_PORT). */
export function createMetricsServer(metrics: Pick<Metrics, 'scrape'>, readiness?: ReadinessCheck): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/readyz' && readiness && request.method === 'GET') {
      readiness().then(
        ({ ready, reasons, details }) => {
          response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', reasons, details }));
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`Readiness could not be checked: ${(error as Error).message}\n`);
        },
      );
      return;
    }
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

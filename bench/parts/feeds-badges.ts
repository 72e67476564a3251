// Feeds, badges, sitemap and OpenAPI under load: first render, then requests per second from the render cache.
import autocannon from 'autocannon';
import { createHarness } from '../../test/helpers/app.ts';
import { seedScenario } from '../../test/helpers/seed.ts';

const DURATION_S = 3;
const CONNECTIONS = 16;
const PATHS = [
  '/feed.atom',
  '/anthropic/feed.atom',
  '/anthropic/badge.svg',
  '/anthropic/components/claude-code/badge.svg',
  '/sitemap.xml',
  '/api/v1/openapi.json',
];

export default async function (): Promise<Record<string, unknown>> {
  const h = await createHarness({ now: Date.now() });
  await seedScenario(h.store, h.clock.now);
  const origin = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const rows: {
    path: string;
    firstRenderMs: number;
    requestsPerSecond: number;
    p99LatencyMs: number;
    bytes: number;
    errors: number;
  }[] = [];
  try {
    for (const path of PATHS) {
      const started = performance.now();
      const first = await h.app.inject({ method: 'GET', url: path });
      const firstRenderMs = Math.round((performance.now() - started) * 100) / 100;
      const result = await autocannon({
        url: `${origin}${path}`,
        connections: CONNECTIONS,
        duration: DURATION_S,
        headers: { 'accept-encoding': 'gzip' },
      });
      rows.push({
        path,
        firstRenderMs,
        requestsPerSecond: Math.round(result.requests.average),
        p99LatencyMs: result.latency.p99,
        bytes: first.rawPayload.length,
        errors: result.errors + result.non2xx,
      });
    }
  } finally {
    await h.close();
  }
  console.table(rows);
  return { durationSeconds: DURATION_S, connections: CONNECTIONS, renders: rows };
}

// The real server process with METRICS_PORT: scrapes on their own listener (polls counted as the schedule runs),
// nothing on the public port, and /readyz turning 503 when the database file is deleted under it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';
import { fixture, json, startUpstream, type Upstream } from '../helpers/upstream.ts';

let server: ServerProcess | undefined;
let upstream: Upstream | undefined;
afterEach(async () => {
  await server?.kill();
  await upstream?.close();
  server = upstream = undefined;
});

/** The real anthropic entry, its status page pointed at `url` and its probe off (no request leaves the machine). */
function providersFile(dir: string, url: string): string {
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string }[];
  const path = join(dir, 'providers.json');
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  writeFileSync(path, JSON.stringify([{ ...anthropic, statusPage: { format: 'statuspage', url }, probe: null }]));
  return path;
}

/** Scrapes until `series` has a sample (the schedule runs on its own time), at most ~10 s. */
async function scrapeUntil(url: string, series: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const text = await (await fetch(url)).text();
    if (text.split('\n').some((line) => line.startsWith(series)) || attempt >= 100) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the server process', () => {
  it('serves metrics on METRICS_PORT only, and readiness follows the database file', async () => {
    const dir = tempDir();
    upstream = await startUpstream({
      '/api/v2/summary.json': json(fixture('statuspage-summary-anthropic.json')),
      '/api/v2/incidents.json': json(fixture('statuspage-incidents-anthropic.json')),
      '/api/v2/scheduled-maintenances.json': json(fixture('statuspage-scheduled-maintenances-upcoming.json')),
    });
    const databasePath = join(dir, 'status.db');
    server = await startServer({
      DATABASE_PATH: databasePath,
      PROVIDERS_FILE: providersFile(dir, upstream.url),
      ALLOW_PRIVATE_UPSTREAMS: 'true',
      POLL_INTERVAL_SECONDS: '1',
      METRICS_PORT: '0',
    });
    const metricsUrl = (await server.waitForLog(/^Metrics listening at /)).msg!.replace('Metrics listening at ', '');
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);

    expect((await fetch(`${server.url}/anthropic`)).status).toBe(200);
    const text = await scrapeUntil(metricsUrl, 'status_poll_attempts_total{provider="anthropic",outcome="ok"}');
    expect(text).toMatch(/^status_poll_attempts_total\{provider="anthropic",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/:provider",status_code="200"\} 1$/m,
    );
    expect(text).toMatch(/^status_job_last_run_timestamp_seconds\{job="poll"\} \d+(\.\d+)?$/m);
    expect(text).toMatch(/^status_database_size_bytes\{file="database"\} [1-9]\d*$/m);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);

    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({
      status: 'ready',
      database: 'sqlite',
      jobs: 'leader',
    });
    rmSync(databasePath);
    const gone = await fetch(`${server.url}/readyz`);
    expect(gone.status).toBe(503);
    expect(await gone.json()).toEqual({
      status: 'not ready',
      reasons: ['the database file is gone: writes would be lost'],
      database: 'sqlite',
      jobs: 'leader',
    });
    // The file's path only on the metrics port.
    const details = await fetch(metricsUrl.replace(/\/metrics$/, '/readyz'));
    expect(details.status).toBe(503);
    expect(await details.json()).toEqual({
      status: 'not ready',
      reasons: ['the database file is gone: writes would be lost'],
      details: [`the database file is gone: writes would be lost (${databasePath})`],
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

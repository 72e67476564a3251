// Load generator for the reports benchmark, run as its own process: JSON reports, each from a distinct client
// (X-Forwarded-For from the benchmarking ranges), and the id of every report the server answered 2xx.
// Usage: tsx bench/load/report-flood.ts <base url> <seconds> <connections> <ids file> [first id]; prints autocannon's
// figures. Several generators against several nodes take disjoint id ranges (and so disjoint clients).
import { writeFileSync } from 'node:fs';
import autocannon, { type Request } from 'autocannon';

type Context = { id?: number };
import { REPORT_CATEGORIES } from '../../src/domain.ts';

const [baseUrl = '', seconds = '10', connections = '32', idsFile = '', firstId = '0'] = process.argv.slice(2);
const PROVIDERS = ['openai', 'anthropic', 'deepseek', 'mistral', 'groq'];

/**
 * Distinct clients: 198.18.0.0/15 (RFC 2544) and IPv6 /64s of 2001:db8::/32, alternately. Headers only: no traffic
 * goes there.
 */
function clientOf(id: number): string {
  const n = id >> 1;
  if (id % 2 === 0) return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
  return `2001:db8:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}::1`;
}

let next = Number(firstId);
const accepted: number[] = [];

function setupRequest(request: Request, context: Context): Request {
  const id = next++;
  context.id = id;
  return {
    ...request,
    method: 'POST',
    path: `/api/v1/providers/${PROVIDERS[id % PROVIDERS.length]}/reports`,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientOf(id) },
    body: JSON.stringify({
      category: REPORT_CATEGORIES[id % REPORT_CATEGORIES.length],
      httpStatus: 500 + (id % 5),
      model: `bench-${id}`,
    }),
  };
}

function onResponse(status: number, _body: string, context: Context): void {
  if (status >= 200 && status < 300) accepted.push(context.id as number);
}

const run = (duration: number) =>
  autocannon({ url: baseUrl, connections: Number(connections), duration, requests: [{ setupRequest, onResponse }] });

await run(2);
const warmup = accepted.length;
const result = await run(Number(seconds));
writeFileSync(idsFile, accepted.join('\n'));
process.stdout.write(`${JSON.stringify({ warmupAccepted: warmup, ...result })}\n`);

// Pages during a fan-out, beside an idle twin at the same moment: two site processes (app and delivery job on one
// event loop each), one with subscriptions and one without, both told "the API went down", both loaded by wrk at once.
// Two runs: 10,000 webhooks answering (100 origins), and 2,000 hanging (100 origins) beside 20 genuine subscribers.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { wrk, type Figures } from './pages.ts';
import { startReceivers } from './subscriptions.ts';

const FAN_OUT = Number(process.env.BENCH_FANOUT ?? 10_000);
const HANGING = Number(process.env.BENCH_HANGING ?? 2000);
const GENUINE = 20;
const ORIGINS = 100;
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 15);
const PAGE = '/openai';

type Site = { origin: string; send(line: string): void; next(): Promise<string>; stop(): Promise<void> };

async function startSite(targets: { id: string; url: string }[]): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-twin-'));
  const file = join(dir, 'targets.json');
  writeFileSync(file, JSON.stringify(targets));
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('../fanout-site.ts', import.meta.url))],
    { env: { ...process.env, TARGETS_FILE: file, LOG_LEVEL: 'silent' } },
  );
  child.stderr.resume();
  const lines: Interface = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => (waiting.shift() ?? ((l: string) => queue.push(l)))(line));
  const next = () =>
    new Promise<string>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve)));
  const { origin } = JSON.parse(await next()) as { origin: string };
  return {
    origin,
    send: (line) => void child.stdin.write(`${line}\n`),
    next,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.stdin.write('stop\n');
      }),
  };
}

/** Both sites hear "the API went down" at once; wrk loads both for the same seconds. */
async function twinRun(targets: { id: string; url: string }[]) {
  const [busy, twin] = await Promise.all([startSite(targets), startSite([])]);
  try {
    await Promise.all([wrk(`${busy.origin}${PAGE}`, 3), wrk(`${twin.origin}${PAGE}`, 3)]);
    busy.send('go');
    twin.send('go');
    const [loaded, idle]: Figures[] = await Promise.all([
      wrk(`${busy.origin}${PAGE}`, SECONDS),
      wrk(`${twin.origin}${PAGE}`, SECONDS),
    ]);
    busy.send('report');
    const report = JSON.parse(await busy.next()) as Record<string, number | null>;
    return {
      pageDuringFanOut: loaded,
      pageOnIdleTwin: idle,
      ratio: Math.round((loaded!.requestsPerSecond / Math.max(1, idle!.requestsPerSecond)) * 100) / 100,
      afterSeconds: SECONDS,
      deliveries: report,
    };
  } finally {
    await Promise.all([busy.stop(), twin.stop()]);
  }
}

export default async function (): Promise<Record<string, unknown>> {
  const answering = await startReceivers(ORIGINS);
  const hanging = await startReceivers(ORIGINS, true);
  try {
    const fanOut = await twinRun(
      Array.from({ length: FAN_OUT }, (_, i) => ({ id: `bench-${i}`, url: `${answering.urls[i % ORIGINS]}/${i}` })),
    );
    const hostile = await twinRun([
      ...Array.from({ length: HANGING }, (_, i) => ({ id: `hostile-${i}`, url: `${hanging.urls[i % ORIGINS]}/${i}` })),
      ...Array.from({ length: GENUINE }, (_, i) => ({ id: `genuine-${i}`, url: `${answering.urls[i]}/genuine-${i}` })),
    ]);
    const figures = {
      fanOut: { subscriptions: FAN_OUT, origins: ORIGINS, ...fanOut },
      hanging: { hanging: HANGING, genuine: GENUINE, origins: ORIGINS, ...hostile },
      targets: 'pages ≥ 0.7× the idle twin; genuine subscribers delivered within 10 s while the others hang',
      limitedBy: 'two cores shared by both sites, both wrk processes and the receivers',
    };
    console.table({
      [`fan-out ${FAN_OUT}: during`]: fanOut.pageDuringFanOut,
      'fan-out: idle twin': fanOut.pageOnIdleTwin,
      [`${HANGING} hanging: during`]: hostile.pageDuringFanOut,
      'hanging: idle twin': hostile.pageOnIdleTwin,
    });
    console.log(
      `ratio during fan-out ${fanOut.ratio} (${JSON.stringify(fanOut.deliveries)}); ` +
        `while ${HANGING} hang ${hostile.ratio}, genuine delivered in ${hostile.deliveries.genuineDeliveredMs} ms`,
    );
    return figures;
  } finally {
    answering.stop();
    hanging.stop();
  }
}

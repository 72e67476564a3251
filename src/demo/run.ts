// `npm run demo`: the real server (src/server.ts, its own process) and three probe agents (src/agent.ts, each its own
// process) against the demo world on loopback, with a temp database and the catalog pointed at the fakes. Prints
// where to look; Ctrl-C stops them all and removes the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../catalog/load.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openStore } from '../store/index.ts';
import { recordDemoPast } from './history.ts';
import {
  DEMO_AGENT_REGIONS,
  demoAgentEnv,
  demoAgentKeys,
  demoServerEnv,
  SCENARIOS,
  sendReportSpike,
  startDemoWorld,
} from './world.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
const catalog = loadCatalog(config);
const dir = mkdtempSync(join(tmpdir(), 'ai-status-demo-'));
const world = await startDemoWorld({ providers: catalog.providers });
const providersFile = join(dir, 'providers.json');
world.writeProviders(providersFile);
const agentKeys = demoAgentKeys();
const env = demoServerEnv({ databasePath: join(dir, 'demo.db'), providersFile, port: config.port, agentKeys });
const origin = `http://127.0.0.1:${config.port}`;

const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
  stdio: ['ignore', 'inherit', 'inherit'],
});

const agents: ChildProcess[] = [];

/** Stops a child with SIGTERM and waits for it to exit. */
async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(agents.map(end));
  await end(server);
  await world.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
server.once('exit', (code) => void stop(code ?? 1));

for (;;) {
  try {
    if ((await fetch(`${origin}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
for (const region of DEMO_AGENT_REGIONS) {
  const file = join(dir, `providers-${region}.json`);
  world.writeProviders(file, region);
  const agentEnv = demoAgentEnv({
    region,
    key: agentKeys[region]!,
    centralUrl: origin,
    providersFile: file,
    bufferFile: join(dir, `agent-${region}.jsonl`),
  });
  agents.push(
    spawn(process.execPath, ['--import', 'tsx', 'src/agent.ts'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...agentEnv },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
}
await sendReportSpike(origin);
// The simulated past of the history bars, once the server has read each status page.
const store = await openStore(env.DATABASE_PATH);
await recordDemoPast(store, catalog, Date.now());
await store.close();
const silent = catalog.providers.filter((p) => p.statusPage === null && p.probe === null).map((p) => p.name);
const lines = [
  `Demo world running at ${origin} (polls and probes every ${env.POLL_INTERVAL_SECONDS} s; states settle in ~15 s).`,
  `Probe agents: ${DEMO_AGENT_REGIONS.join(', ')}, each its own process, beside the site's own region (local).`,
  ...SCENARIOS.map((s) => `  ${`${origin}/${s.slug}`.padEnd(44)} ${s.name}: ${s.look}`),
  `Each also has /error/auth-error, /is-it-down and /history (30 simulated days before today; older days: no data);`,
  `  every other provider is operational; ${silent.join(', ')} have no signal and read Unknown.`,
  'Ctrl-C stops the server and the world and removes the temp database.',
];
process.stdout.write(`${lines.join('\n')}\n`);

// The demo world with the real server process against it, for tests: started on free ports, settled on demand.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Level } from '../../src/domain.ts';
import {
  DEMO_AGENT_REGIONS,
  demoAgentEnv,
  demoAgentKeys,
  demoServerEnv,
  scenarioLevels,
  sendReportSpike,
  startDemoWorld,
  type DemoWorld,
} from '../../src/demo/world.ts';
import { recordDemoPast } from '../../src/demo/history.ts';
import { openStore } from '../../src/store/index.ts';
import { startAgent, startServer, tempDir, type LoggedProcess, type ServerProcess } from './process.ts';

export type Demo = {
  world: DemoWorld;
  server: ServerProcess;
  /** The three probe agents, each its own process, by region. */
  agents: Map<string, LoggedProcess>;
  origin: string;
  /** The server's SQLite file, for tests that add history the world would take long to make. */
  databasePath: string;
  /** Waits until every scenario shows the API level it settles at; returns each provider's level. */
  settled(timeoutMs?: number): Promise<Record<string, Level>>;
  close(): Promise<void>;
};

/** The API level of a provider's JSON: `api.level` where the assessment gives it, else the headline. */
export const apiLevelOf = (body: { level: Level; api?: { level: Level } }): Level => body.api?.level ?? body.level;

export async function startDemo(): Promise<Demo> {
  const dir = tempDir();
  const catalog = loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
  const world = await startDemoWorld({ providers: catalog.providers });
  const providersFile = join(dir, 'providers.json');
  world.writeProviders(providersFile);
  const agentKeys = demoAgentKeys();
  const server = await startServer({
    ...demoServerEnv({ databasePath: join(dir, 'demo.db'), providersFile, port: 0, agentKeys }),
    LOG_LEVEL: 'info',
    // A busy machine is no overload: the tests' server never sheds load (see test/helpers/app.ts).
    MAX_EVENT_LOOP_DELAY_MS: '0',
  });
  const origin = server.url;
  const agents = new Map(
    await Promise.all(
      DEMO_AGENT_REGIONS.map(async (region) => {
        const file = join(dir, `providers-${region}.json`);
        world.writeProviders(file, region);
        const env = demoAgentEnv({
          region,
          key: agentKeys[region]!,
          centralUrl: origin,
          providersFile: file,
          bufferFile: join(dir, `agent-${region}.jsonl`),
        });
        return [region, await startAgent(env)] as const;
      }),
    ),
  );
  await sendReportSpike(origin);
  const store = await openStore(join(dir, 'demo.db'));
  await recordDemoPast(store, catalog, Date.now());
  await store.close();
  const levels = async () => {
    const out: Record<string, Level> = {};
    for (const slug of Object.keys(scenarioLevels())) {
      const response = await fetch(`${origin}/api/v1/providers/${slug}`);
      out[slug] = apiLevelOf((await response.json()) as { level: Level; api?: { level: Level } });
    }
    return out;
  };
  return {
    world,
    server,
    agents,
    origin,
    databasePath: join(dir, 'demo.db'),
    async settled(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const now = await levels();
        if (Object.entries(scenarioLevels()).every(([slug, level]) => now[slug] === level)) return now;
        if (Date.now() > until) return now;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async close() {
      await Promise.all([...agents.values()].map((agent) => agent.kill()));
      server.child.kill('SIGTERM');
      await server.exited;
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

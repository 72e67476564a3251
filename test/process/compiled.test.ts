// The compiled start: src/ bundled by scripts/build.ts (as `npm install` does) runs under plain node with its code cache, finds its views
// and data from the compiled location, and serves pages; `npm start` runs exactly that build's entry.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCommand } from '../../scripts/start-command.ts';
import { testDatabase } from '../helpers/engines.ts';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';

/** Compiles the bundle named by its argument with the cache beside it; prints whether V8 took the cache. */
const COMPILE_WITH_CACHE = `
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const file = process.argv[1];
const script = new Script(readFileSync(file, 'utf8'), { filename: file, cachedData: readFileSync(file + '.cache') });
console.log(script.cachedDataRejected ? 'rejected' : 'accepted');`;

const ROOT = resolve('.');
/** What `npm start` runs: its flags decide whether V8 takes the code cache, so the built server starts with them. */
const START = startCommand(ROOT);
const out = mkdtempSync(join(tmpdir(), 'status-build-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(out, { recursive: true, force: true });
});

const asNpmStart = () => ({ nodeArgs: [...START.args.slice(0, -1), join(out, 'dist/server.js')] });

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [e.name]));

describe('the compiled server', () => {
  it('is what npm start runs and what install builds', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^([A-Z_]+=\S+ )*node (--[\w-]+=\S+ )*dist\/server\.js$/);
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(pkg.scripts.build).toBe('tsx scripts/build.ts');
  });

  it(
    'builds to JavaScript that plain node runs, serving pages from the project root',
    { timeout: 90_000 },
    async () => {
      // The build goes to a temporary copy of the layout (views and node_modules beside it), never into the project.
      symlinkSync(join(ROOT, 'views'), join(out, 'views'));
      symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
      const build = spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts', '--outdir', join(out, 'dist')],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(build.status).toBe(0);
      expect(build.stderr).toBe('');
      const built = files(join(out, 'dist'));
      for (const name of ['server.js', 'server.cjs', 'server.cjs.cache', 'agent.js', 'agent.cjs'])
        expect(built).toContain(name);
      expect(built.filter((name) => name.endsWith('.ts'))).toEqual([]);
      // The jobs' HTTP client stays out of the bundle every start holds in memory: required when the jobs start.
      const bundle = readFileSync(join(out, 'dist/server.cjs'), 'utf8');
      expect(bundle).toContain('require("undici")');
      expect(bundle).not.toContain('undici/lib');

      const dir = tempDir();
      server = await startServer({ ...START.env, DATABASE_PATH: join(dir, 'status.db'), JOBS: 'false' }, asNpmStart());
      const page = await fetch(`${server.url}/anthropic/error/auth-error`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Anthropic');
      const css = (await (await fetch(`${server.url}/`)).text()).match(/href="(\/assets\/site\.css[^"]*)"/)?.[1];
      expect(css).toBeDefined();
      expect((await fetch(`${server.url}${css}`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    },
  );

  it(
    'loads what the bundle leaves to node_modules on first use: PostgreSQL, the metrics, the MCP server',
    { timeout: 90_000 },
    async () => {
      const database = await testDatabase('postgres');
      const site = await startServer(
        {
          ...START.env,
          DATABASE_URL: database.target.databaseUrl!,
          SECRET: 's'.repeat(32),
          JOBS: 'false',
          METRICS_PORT: '0',
        },
        asNpmStart(),
      );
      try {
        const scrape = (await site.waitForLog(/^Metrics listening at /)).msg!.replace('Metrics listening at ', '');
        expect(await (await fetch(scrape)).text()).toMatch(/^# HELP /m);
        const call = await fetch(`${site.url}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: 'get_status', arguments: { provider: 'openai' } },
          }),
        });
        const answer = (await call.json()) as { result: { content: { text: string }[]; isError?: boolean } };
        expect(answer.result.isError).toBeFalsy();
        expect(answer.result.content[0]!.text).toMatch(/^OpenAI API: /);
      } finally {
        await site.kill();
        await database.drop();
      }
    },
  );

  it('leaves a code cache that V8 accepts under the flags of npm start, and none that it accepts under others', () => {
    const accepted = (flags: string[]): string =>
      execFileSync(process.execPath, [...flags, '-e', COMPILE_WITH_CACHE, join(out, 'dist/server.cjs')], {
        encoding: 'utf8',
      }).trim();
    expect(accepted(START.args.slice(0, -1))).toBe('accepted');
    expect(accepted(['--max-semi-space-size=64'])).toBe('rejected');
  });

  it('runs the probe agent from its bundle: a missing setting is named, not a crash', () => {
    const run = spawnSync(process.execPath, [join(out, 'dist/agent.js')], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/^Invalid configuration:\n {2}AGENT_REGION=/);
    expect(run.stderr).not.toMatch(/ at /);
  });
});

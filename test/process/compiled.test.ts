// The compiled start: src/ bundled by scripts/build.ts (as `npm install` does) runs under plain node, finds its views
// and data from the compiled location, and serves pages; `npm start` runs exactly that build's entry.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, type ServerProcess } from '../helpers/process.ts';

const ROOT = resolve('.');
const out = mkdtempSync(join(tmpdir(), 'status-build-'));
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(out, { recursive: true, force: true });
});

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
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts', '--outdir', join(out, 'dist')],
        { cwd: ROOT, stdio: 'pipe' },
      );
      symlinkSync(join(ROOT, 'views'), join(out, 'views'));
      symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
      const built = files(join(out, 'dist'));
      expect(built).toContain('server.js');
      expect(built).toContain('agent.js');
      expect(built.filter((name) => name.endsWith('.ts'))).toEqual([]);
      // The modules loaded on first use are chunks of their own, not read at start.
      const entry = readFileSync(join(out, 'dist/server.js'), 'utf8');
      expect(entry).toMatch(/import\("\.\/wiring-[\w-]+\.js"\)/);
      expect(entry).not.toContain('undici');

      const dir = tempDir();
      server = await startServer(
        { DATABASE_PATH: join(dir, 'status.db'), JOBS: 'false' },
        { nodeArgs: [join(out, 'dist/server.js')] },
      );
      const page = await fetch(`${server.url}/anthropic/error/auth-error`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Anthropic');
      const css = (await (await fetch(`${server.url}/`)).text()).match(/href="(\/assets\/site\.css[^"]*)"/)?.[1];
      expect(css).toBeDefined();
      expect((await fetch(`${server.url}${css}`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    },
  );
});

// The build `npm install` runs (the prepare script) and `npm start` serves: src/server.ts and src/agent.ts bundled by
// esbuild into dist/, one CommonJS bundle each (`server.cjs`, `agent.cjs`) run by a small entry (`server.js`,
// `agent.js`, src/boot.ts) that compiles it with a V8 code cache. The cache is made here: the built server is started
// once with the flags of `npm start` on a throwaway database and, once ready, stopped; on exit it writes the code it
// compiled (`server.cjs.cache`). A start then reads two files and compiles little: ready in about 0.25 s. Our modules
// used on first use only stay in the bundle as functions not yet run; the packages only they use are loaded from
// node_modules when first used (EXTERNAL). Types are checked by `npm run typecheck`, not here.
//
//   npm run build                 (into dist/)
//   npm run build -- --outdir DIR (elsewhere, e.g. a test's temporary copy)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { cacheFileOf, WRITE_CACHE_ENV } from '../src/boot.ts';
import { startCommand } from './start-command.ts';

/** Left to Node at run time: the SQLite binding is native code, pg-native an optional addon of pg, Fastify's
 * JSON-schema compilers are loaded only by a route that declares a schema (none does: requests are checked by zod),
 * and the packages only some processes use when first needed (undici for the jobs, nodemailer for mail, pg, prom-client
 * for the metrics, the MCP SDK) are loaded from node_modules then: kept out of the text every start holds in memory. */
const EXTERNAL = [
  'better-sqlite3',
  'pg-native',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'undici',
  'nodemailer',
  'pg',
  'prom-client',
  '@modelcontextprotocol/sdk',
];
const ENTRIES = ['server', 'agent'] as const;
/** How long the training start may take before the build goes on without a cache. */
const TRAINING_MS = 60_000;

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = resolve(values.outdir);
const root = resolve('.');

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  // Less to read at start; names are kept, so stack traces still name their functions (and the source map places
  // them: run with --enable-source-maps to see src/ lines).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, `src/${name}.ts`])),
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: EXTERNAL,
  // The bundle is one function expression (see src/boot.ts), module.exports when Node loads it itself.
  banner: {
    js:
      '(function (body) { if (typeof module === "object") module.exports = body; return body; })' +
      '(function (exports, require, module, __filename, __dirname) {' +
      "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '})' },
  define: { 'import.meta.url': '__import_meta_url' },
  // import() of a package left to node_modules becomes require(): a script compiled with a code cache has no loader
  // for import() (V8 keeps no host options in the cache), and every such package has a CommonJS entry.
  supported: { 'dynamic-import': false },
  sourcemap: 'linked',
  legalComments: 'linked',
});
for (const name of ENTRIES)
  await build({
    ...common,
    stdin: {
      contents: `import { runBundle } from './src/boot.ts';\nrunBundle(new URL('./${name}.cjs', import.meta.url));\n`,
      resolveDir: root,
      sourcefile: `${name}.js`,
    },
    outfile: join(outdir, `${name}.js`),
    format: 'esm',
  });

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

/** Starts the built server as `npm start` would (its flags, its environment, nothing of this shell's but PATH) with
 * the jobs off on a throwaway database, waits for it to be ready and stops it: it writes the cache as it exits. */
async function trainCodeCache(): Promise<string | undefined> {
  const { env, args } = startCommand(root);
  const flags = args.slice(0, -1);
  const data = mkdtempSync(join(tmpdir(), 'status-build-cache-'));
  const port = await freePort();
  const child = spawn(process.execPath, [...flags, join(outdir, 'server.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      [WRITE_CACHE_ENV]: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      JOBS: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_PATH: join(data, 'status.db'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    const deadline = Date.now() + TRAINING_MS;
    for (let ready = false; !ready;) {
      if (child.exitCode !== null || Date.now() > deadline) return `the server did not start: ${stderr.trim()}`;
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (!ready) await new Promise((done) => setTimeout(done, 20));
    }
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0 || !existsSync(cacheFileOf(join(outdir, 'server.cjs'))))
      return `the server stopped with ${code}: ${stderr.trim()}`;
    return undefined;
  } finally {
    child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
}

const problem = await trainCodeCache();
if (problem) process.stderr.write(`build: no code cache (${problem}); the server starts without it, more slowly\n`);

// What `dist/server.js` and `dist/agent.js` run: their bundle (`dist/<entry>.cjs`, made by scripts/build.ts), compiled
// with the V8 code cache the build left beside it (`<bundle>.cache`), so a start skips parsing and compiling the code
// it runs (about 70 ms of a 330 ms start). The cache is only a shortcut: V8 refuses one made by another Node version or
// with other V8 flags (the build makes it with the flags of `npm start`), and the bundle then compiles as usual.
//
// The bundle is one function expression, `module.exports = function (exports, require, module, __filename, __dirname)
// {…}` when Node loads it as a CommonJS file, the bare function when compiled here: its text is compiled as it is, no
// wrapped copy of it held in memory. With --enable-source-maps Node loads it itself (its source map then places stack
// frames in src/); a script compiled here has no source map, and no import(): the build turns each into require().
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** The bundle's body, called as Node calls a CommonJS module's. */
type BundleBody = (
  this: object,
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

/** Set by the build's training start (`1`): on exit, the code compiled so far is written as the bundle's cache. */
export const WRITE_CACHE_ENV = 'BUILD_CODE_CACHE';

export const cacheFileOf = (bundle: string): string => `${bundle}.cache`;

/** The cache beside the bundle, unless the bundle changed after it was made: V8 checks a cache against the length
 * of the source, not its text, so a bundle edited in place must not meet the cache of its former self. */
export function usableCache(file: string): Buffer | undefined {
  try {
    const cache = cacheFileOf(file);
    return statSync(cache).mtimeMs >= statSync(file).mtimeMs ? readFileSync(cache) : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles (with the cache when V8 accepts it) and runs the bundle at `url`. */
export function runBundle(url: URL): void {
  const file = fileURLToPath(url);
  const require = createRequire(file);
  const module = { exports: {} };
  const run = (body: BundleBody): void =>
    body.call(module.exports, module.exports, require, module, file, dirname(file));
  if (process.sourceMapsEnabled) return run(require(file) as BundleBody);
  const script = new Script(readFileSync(file, 'utf8'), {
    filename: file,
    cachedData: process.env[WRITE_CACHE_ENV] === '1' ? undefined : usableCache(file),
  });
  run(script.runInThisContext() as BundleBody);
  if (process.env[WRITE_CACHE_ENV] === '1')
    process.once('exit', () => writeFileSync(cacheFileOf(file), script.createCachedData()));
}

// The compiled server the benchmarks start: built once per bench run from src/ (as `npm install` does) and started
// with the arguments of `npm start`, so the figures measure what `npm start` runs, never a stale dist/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

let built = false;

/** Runs `npm run build` the first time it is called; returns the arguments `npm start` gives `node`. */
export function compiledServer(): string[] {
  if (!built) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const [command, ...args] = start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${start}", not node: the bench cannot start it directly`);
  return args;
}

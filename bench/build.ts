// The compiled server the benchmarks start: built once per bench run from src/ (as `npm install` does) and started
// with the arguments of `npm start`, so the figures measure what `npm start` runs, never a stale dist/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

let built = false;

/** The start script's command: its environment assignments (`NAME=value`), then node's arguments. */
export type StartCommand = { env: Record<string, string>; args: string[] };

/** Runs `npm run build` the first time it is called; returns what `npm start` runs, to start it without npm. */
export function compiledServer(): StartCommand {
  if (!built) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const words = start.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const [command, ...args] = words;
  if (command !== 'node') throw new Error(`npm start runs "${start}", not node: the bench cannot start it directly`);
  return { env, args };
}

// The compiled server the benchmarks start: built once per bench run from src/ (as `npm install` does) and started
// with the arguments of `npm start`, so the figures measure what `npm start` runs, never a stale dist/.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCommand, type StartCommand } from '../scripts/start-command.ts';

export type { StartCommand };

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

let built = false;

/** Runs `npm run build` the first time it is called; returns what `npm start` runs, to start it without npm. */
export function compiledServer(): StartCommand {
  if (!built) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  return startCommand(ROOT);
}

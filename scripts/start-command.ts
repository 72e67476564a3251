// What `npm start` runs, read from package.json: the build trains its code cache with it (V8 accepts a cache only under
// the flags it was made with) and the benchmarks start the server with it, without npm in between.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The start script's command: its environment assignments (`NAME=value`), then node's arguments. */
export type StartCommand = { env: Record<string, string>; args: string[] };

export function startCommand(root: string): StartCommand {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts
    .start;
  const words = start.split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  const [command, ...args] = words;
  if (command !== 'node') throw new Error(`npm start runs "${start}", not node: it cannot be started without npm`);
  return { env, args };
}

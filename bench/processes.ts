// What the benchmark parts share about processes: a free port, a server process started and awaited, stopped, and
// CPU time read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ROOT, type StartCommand } from './build.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
  });
}

/**
 * Spawns `node <args>` (one process, so its pid is the server's) on a free port with only PATH, the command's
 * environment and `env`, its output discarded, and waits for a 200 from `readyPath` (at most 2 minutes).
 */
export async function startProcess(
  command: StartCommand,
  env: Record<string, string>,
  readyPath = '/',
): Promise<{ child: ChildProcess; url: string; readyMs: number }> {
  const { args } = command;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...command.env, ...env },
  });
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with code ${child.exitCode}`);
    if (Date.now() > until) throw new Error(`${args.join(' ')} did not answer within 2 minutes`);
    try {
      if ((await fetch(`${url}${readyPath}`)).status === 200)
        return { child, url, readyMs: performance.now() - spawnedAt };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU time (user + system) so far, in seconds, from /proc: a process's own, or its children's that exited. */
export function cpuSeconds(pid: number | 'self', children = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return children ? (Number(fields[13]) + Number(fields[14])) / 100 : (Number(fields[11]) + Number(fields[12])) / 100;
}

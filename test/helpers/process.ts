// Real server processes for tests: `node --import tsx src/server.ts` (or other node arguments, e.g. a compiled
// entry) with its own environment, its log lines read as they come, its listening address taken from the log, and its
// exit awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type LogLine = { msg?: string; level?: number; [key: string]: unknown };
export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  lines: LogLine[];
  /** Resolves with the first log line (past or future) whose msg matches. */
  waitForLog(match: RegExp): Promise<LogLine>;
  exited: Promise<Exit>;
  /** SIGKILLs the process if it is still running (test clean-up). */
  kill(): Promise<Exit>;
};

/** A temporary directory for one test's database and catalog. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'status-proc-'));

/** Writes a providers file: the real anthropic entry with its status page pointed at `statusUrl`. */
export function providersFileFor(dir: string, statusUrl: string): string {
  const real = JSON.parse(readFileSync('data/providers.json', 'utf8')) as { slug: string; statusPage: object }[];
  const anthropic = real.find((p) => p.slug === 'anthropic')!;
  const path = join(dir, 'providers.json');
  writeFileSync(
    path,
    JSON.stringify([
      { ...anthropic, statusPage: { format: 'statuspage', url: statusUrl, pageUrl: 'https://status.claude.com' } },
    ]),
  );
  return path;
}

/** How tests start the server by default: from source. */
export const FROM_SOURCE = ['--import', 'tsx', 'src/server.ts'];

/** A process started with its log lines read as they come (JSON lines, or plain text as `msg`). */
export type LoggedProcess = Omit<ServerProcess, 'url'>;

/** Spawns `node <nodeArgs>` with only `env` (and PATH); its stdout is read as log lines. */
export function spawnLogged(env: Record<string, string>, nodeArgs: string[]): LoggedProcess {
  const child = spawn(process.execPath, nodeArgs, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { match: RegExp; resolve: (line: LogLine) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.match.test(line.msg ?? ''))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const waitForLog = (match: RegExp) => {
    const seen = lines.find((line) => match.test(line.msg ?? ''));
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      waiters.push({ match, resolve });
      void exited.then((exit) =>
        reject(new Error(`process exited (${exit.code ?? exit.signal}) before logging ${match}: ${stderr}`)),
      );
    });
  };
  return {
    child,
    lines,
    waitForLog,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/**
 * Starts the real server (from source unless `nodeArgs` say otherwise); `preload` modules are imported before it
 * (`node --import`), e.g. to replace a resolver.
 */
export async function startServer(
  env: Record<string, string>,
  options: { preload?: string[]; nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  const preloads = (options.preload ?? []).flatMap((module) => ['--import', module]);
  const started = spawnLogged({ PORT: '0', LOG_LEVEL: 'info', ...env }, [
    ...preloads,
    ...(options.nodeArgs ?? FROM_SOURCE),
  ]);
  const listening = await started.waitForLog(/^Server listening at http:\/\/127\.0\.0\.1:\d+$/);
  return { ...started, url: listening.msg!.replace('Server listening at ', '') };
}

/** Starts a probe agent from source (`npm run agent`) and waits for it to say it started. */
export async function startAgent(env: Record<string, string>): Promise<LoggedProcess> {
  const started = spawnLogged({ LOG_LEVEL: 'info', ...env }, ['--import', 'tsx', 'src/agent.ts']);
  await started.waitForLog(/^probe agent for .+ started$/);
  return started;
}

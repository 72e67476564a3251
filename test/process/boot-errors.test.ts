// Bad settings and unusable database files stop the real server at boot with one line and exit 78, no stack trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/index.ts';
import { tempDir } from '../helpers/process.ts';

let dir: string;
let good: string;
beforeAll(async () => {
  dir = tempDir();
  good = join(dir, 'good.db');
  const store = await openStore(good);
  const db = store.sqlite!;
  db.exec("INSERT INTO providers VALUES ('x', 'X', 1, 0, 1, 1)");
  const insert = db.prepare(
    "INSERT INTO reports (provider_slug, category, client_hash, counted, at) VALUES ('x', 'auth', ?, 1, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < 3000; i += 1) insert.run(`client-${i}`, i);
  })();
  await store.close();
});
afterAll(() => {
  try {
    execFileSync('chattr', ['-i', join(dir, 'immutable.db')], { stdio: 'ignore' });
  } catch {
    // Not made immutable on this machine.
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Boots the real server with `env` and returns its exit code and stderr lines. */
function boot(env: Record<string, string>): { status: number | null; lines: string[] } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', DATABASE_PATH: join(dir, 'unused.db'), ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { status: run.status, lines: run.stderr.trim().split('\n') };
}

/** A copy of the good database under `name`. */
function copyOf(name: string): string {
  const path = join(dir, name);
  copyFileSync(good, path);
  return path;
}

/** A file this process cannot write even as root: immutable (chattr +i); null where that is not possible. */
function immutableCopy(): string | null {
  const path = copyOf('immutable.db');
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    return path;
  } catch {
    return null;
  }
}

describe('bad settings at boot', () => {
  it.each(['10.0.0.0/33', '10.0.0.0/abc', '::1/129', '10.0.0.0/8/8', '10.0.0.0/'])(
    'TRUST_PROXY=%s: one line naming it, exit 78',
    (value) => {
      expect(boot({ TRUST_PROXY: value })).toEqual({
        status: 78,
        lines: [
          'Invalid configuration:',
          `  TRUST_PROXY=${JSON.stringify(value)}: expected a comma-separated list of IP addresses or CIDR ranges ` +
            '(e.g. 127.0.0.1,10.0.0.0/8)',
        ],
      });
    },
  );
});

describe('unusable database files at boot', () => {
  const cases: [string, () => string, RegExp][] = [
    [
      'garbage',
      () => {
        const path = join(dir, 'garbage.db');
        writeFileSync(path, 'this is not a database\n'.repeat(400));
        return path;
      },
      /: it is not a SQLite database$/,
    ],
    [
      'truncated',
      () => {
        const path = copyOf('truncated.db');
        truncateSync(path, Math.floor(statSync(path).size / 2));
        return path;
      },
      /: it is damaged \(truncated or overwritten\); restore a backup or move it away$/,
    ],
    [
      'newer schema',
      () => {
        const path = copyOf('newer.db');
        const db = new Database(path);
        db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
        db.close();
        return path;
      },
      new RegExp(
        `: its schema version ${MIGRATIONS.length + 1} is newer than this program's \\(${MIGRATIONS.length}\\)`,
      ),
    ],
    ['a directory', () => dir, /: it cannot be opened \(unable to open database file\)$/],
  ];

  it.each(cases)('%s: one line naming DATABASE_PATH and the problem, exit 78', (_name, make, problem) => {
    const path = make();
    const { status, lines } = boot({ DATABASE_PATH: path });
    expect(status).toBe(78);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Cannot use the database DATABASE_PATH=${JSON.stringify(path)}`);
    expect(lines[0]).toMatch(problem);
  });

  it('read-only: one line naming DATABASE_PATH and the problem, exit 78', (context) => {
    const path = immutableCopy();
    if (path === null) return context.skip();
    const { status, lines } = boot({ DATABASE_PATH: path });
    expect(status).toBe(78);
    expect(lines).toEqual([
      `Cannot use the database DATABASE_PATH=${JSON.stringify(path)}: ` +
        'it cannot be written (attempt to write a readonly database)',
    ]);
  });
});

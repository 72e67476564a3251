import { join } from 'node:path';
import { startServer, tempDir } from './test/helpers/process.ts';
for (const [name, env] of [['real resolver', {}], ['JOBS=false', { JOBS: 'false' }]] as const) {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = tempDir();
    const s = await startServer({ DATABASE_PATH: join(dir, 'status.db'), ALLOW_PRIVATE_UPSTREAMS: 'true', ...env });
    await new Promise((r) => setTimeout(r, 500));
    const at = Date.now();
    s.child.kill('SIGTERM');
    const exit = await s.exited;
    times.push(exit.at - at);
    if (exit.code !== 0) console.log('exit code', exit.code);
    if (i === 0) console.log(s.lines.filter((l) => /poll|probe|document/.test(String(l.msg))).slice(0, 3).map((l) => JSON.stringify(l).slice(0, 300)));
  }
  console.log(name, times.join(' ms, '), 'ms');
}

// Diagnosis speed: recorded error bodies, SDK pastes and a worst-case 20 000-character paste, engine and HTTP.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../src/app.ts';
import { errorTypesFor, loadCatalog } from '../../src/catalog/load.ts';
import { parseConfig } from '../../src/config.ts';
import { createDiagnoser, MAX_PASTE_CHARS } from '../../src/diagnose/match.ts';
import { openStore } from '../../src/store/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures/errors');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function time(runs: number, fn: () => void): { medianMs: number; p99Ms: number } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: +percentile(samples, 50).toFixed(3), p99Ms: +percentile(samples, 99).toFixed(3) };
}

export default async function (): Promise<Record<string, unknown>> {
  const catalog = loadCatalog({
    providersFile: join(root, 'data/providers.json'),
    errorsFile: join(root, 'data/errors.json'),
  });
  const diagnoser = createDiagnoser(catalog);
  const bodies = readdirSync(fixtures).map((f) => readFileSync(join(fixtures, f), 'utf8'));
  const sdk =
    'anthropic.InternalServerError: Error code: 529 - ' +
    "{'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}";
  const unit =
    `${sdk}\n  File "/app/worker.py", line 42, in handle\n` +
    '    response = client.messages.create(model="claude-sonnet-4-5", max_tokens=1024)\n';
  const worst = unit.repeat(Math.ceil(MAX_PASTE_CHARS / unit.length)).slice(0, MAX_PASTE_CHARS);

  const engineBodies = time(2000, () => {
    for (const b of bodies) diagnoser.diagnose(b);
  });
  const engineSdk = time(2000, () => diagnoser.diagnose(sdk));
  const engineWorst = time(200, () => diagnoser.diagnose(worst));

  const dir = mkdtempSync(join(tmpdir(), 'bench-diagnose-'));
  const config = parseConfig({ DATABASE_PATH: join(dir, 'status.db'), JOBS: 'false' });
  const store = await openStore(config.databasePath);
  await store.providers.sync(catalog.providers, Date.now());
  const app = await buildApp({ config, catalog, store });
  const payload = new URLSearchParams({ text: sdk }).toString();
  const samples: number[] = [];
  for (let i = 0; i < 300; i += 1) {
    const start = process.hrtime.bigint();
    await app.inject({
      method: 'POST',
      url: '/diagnose',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const figures = {
    providerErrorPairs: catalog.providers.reduce((n, p) => n + errorTypesFor(catalog, p).length, 0),
    recordedBodies: bodies.length,
    engineAllRecordedBodiesMedianMs: engineBodies.medianMs,
    engineAllRecordedBodiesP99Ms: engineBodies.p99Ms,
    engineSdkPasteMedianMs: engineSdk.medianMs,
    engineSdkPasteP99Ms: engineSdk.p99Ms,
    engineWorst20kMedianMs: engineWorst.medianMs,
    engineWorst20kP99Ms: engineWorst.p99Ms,
    httpPostDiagnoseMedianMs: +percentile(samples, 50).toFixed(3),
    httpPostDiagnoseP99Ms: +percentile(samples, 99).toFixed(3),
  };
  console.table(figures);
  return figures;
}

// `npm run bench [part…]`: runs each benchmark part in bench/parts/ (or the named ones), printing figures and
// writing them to bench/results/<part>.json. Benchmarks report; they never fail the build.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BenchPart = () => Promise<Record<string, unknown>>;

const here = fileURLToPath(new URL('.', import.meta.url));
// Options (`--quick`, `--seconds N`, `--rounds N`, `--against DIR`) are read by the parts themselves; the rest
// name parts.
const args = process.argv.slice(2);
const wanted = args.filter((arg, i) => !arg.startsWith('-') && !/^--(seconds|rounds|against)$/.test(args[i - 1] ?? ''));
const parts = readdirSync(join(here, 'parts'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => basename(file, '.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (parts.length === 0) {
  console.error(`No benchmark part matches ${wanted.join(', ')}.`);
  process.exit(2);
}
mkdirSync(join(here, 'results'), { recursive: true });
for (const name of parts) {
  console.log(`\n== ${name} ==`);
  const part = (await import(join(here, 'parts', `${name}.ts`))) as { default: BenchPart };
  const figures = await part.default();
  writeFileSync(
    join(here, 'results', `${name}.json`),
    `${JSON.stringify({ part: name, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}

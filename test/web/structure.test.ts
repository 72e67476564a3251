// The shape of the tree, drawn from the code: no import cycles, no arrow from a lower layer up into the web layer or
// from the web's plumbing up into its pages, and every page and machine template named by exactly one typed
// declaration (so a template name is written once and tied to its view's type).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, ending);
    return entry.name.endsWith(ending) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?'(\.{1,2}\/[^']+)'/g;
const sources = filesUnder(SRC, '.ts').map((path) => relative(SRC, path));
/** Each module's relative imports (type-only ones too), as paths under src/. */
const imports = new Map(
  sources.map((file) => {
    const text = readFileSync(join(SRC, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(file), m[1]!)));
    return [file, targets] as const;
  }),
);

const under = (file: string, folder: string) => file.startsWith(`${folder}/`);

describe('the tree', () => {
  it('reads every module and finds imports in them', () => {
    expect(sources.length).toBeGreaterThan(150);
    expect(imports.get('app.ts')!.length).toBeGreaterThan(20);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of imports.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of sources) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('never imports the web layer from below it, nor the pages from the web plumbing', () => {
    const below = [
      'assessment',
      'jobs',
      'notify',
      'store',
      'status',
      'sources',
      'catalog',
      'probes',
      'diagnose',
      'ops',
    ];
    const upward: string[] = [];
    for (const [file, targets] of imports) {
      for (const target of targets) {
        const fromBelow = below.some((folder) => under(file, folder)) && under(target, 'web');
        const fromPlumbing =
          (under(file, 'web/http') || under(file, 'web/blocks')) &&
          ['web/pages', 'web/api', 'web/machine'].some((folder) => under(target, folder));
        const assessmentToJobs = under(file, 'assessment') && under(target, 'jobs');
        if (fromBelow || fromPlumbing || assessmentToJobs) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('names every page and machine template once, typed with its view', () => {
    const declared = sources.flatMap((file) =>
      [...readFileSync(join(SRC, file), 'utf8').matchAll(/(page|machine)Template<[\s\S]*?>\(\s*'([\w-]+)'\s*\)/g)].map(
        (m) => `${m[1] === 'page' ? 'pages' : 'machine'}/${m[2]}`,
      ),
    );
    const templates = ['pages', 'machine'].flatMap((folder) =>
      filesUnder(join(ROOT, 'views', folder), '.eta').map(
        (path) => `${folder}/${relative(join(ROOT, 'views', folder), path).replace(/\.eta$/, '')}`,
      ),
    );
    expect([...declared].sort()).toEqual([...templates].sort());
  });
});

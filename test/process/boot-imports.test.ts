// What the process loads before it answers: the static imports reachable from src/server.ts. Heavy modules that only
// the jobs, metrics, PostgreSQL, mail or MCP use are imported dynamically when they are needed, so a start-up and a
// web-only node (JOBS=false) pay neither their load time nor their memory (undici alone is some 15 MB): the bundle
// (scripts/build.ts) puts each in a chunk read on first use. Kysely's values come through src/store/kysely.ts only.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

/** The module specifiers a file loads when it runs: type-only imports and exports are erased, all others stay. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

/** Every source file and package reached through static imports from `entry`. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
      else if (!specifier.startsWith('node:'))
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return { files: new Set([...files].map((f) => relative(SRC, f))), packages };
}

describe('the modules loaded at start-up', () => {
  const boot = staticGraph(join(SRC, 'server.ts'));

  it('are found by following the imports (the check itself sees the app, the store and the catalog)', () => {
    expect(boot.files).toContain('app.ts');
    expect(boot.files).toContain('store/kysely.ts');
    expect(boot.files).toContain('catalog/schema.ts');
    expect(boot.packages).toContain('fastify');
    expect(boot.packages).toContain('zod');
  });

  it('leave out what only the jobs, metrics, PostgreSQL and mail use', () => {
    for (const heavy of ['undici', 'pg', 'nodemailer', 'prom-client', '@modelcontextprotocol/sdk'])
      expect(boot.packages, `${heavy} is imported at start-up`).not.toContain(heavy);
    const jobsOnly = [...boot.files].filter((f) =>
      /^(web\/mcp-server|jobs\/wiring|sources\/(http|adapters\/|parse|xml)|probes\/request|notify\/send)/.test(f),
    );
    expect(jobsOnly).toEqual([]);
  });

  it("take Kysely's values through src/store/kysely.ts only", () => {
    expect(runtimeImports(join(SRC, 'store/kysely.ts'))).toEqual(['kysely']);
    const others = [...boot.files].filter(
      (f) => f !== 'store/kysely.ts' && runtimeImports(join(SRC, f)).includes('kysely'),
    );
    expect(others).toEqual([]);
  });
});

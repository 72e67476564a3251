// Catalog loader: reads and validates the provider and error-type files, naming file, entry and field at fault.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ErrorTypeList, ProviderList, type ErrorType, type Provider } from './schema.ts';

export type Catalog = Readonly<{
  providers: readonly Provider[];
  errorTypes: readonly ErrorType[];
  providerBySlug: ReadonlyMap<string, Provider>;
  errorTypeBySlug: ReadonlyMap<string, ErrorType>;
}>;

export class CatalogError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid catalog file ${file}:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CatalogError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CatalogError(file, [`is not valid JSON: ${(error as Error).message}`]);
  }
}

/** Names the entry (by its slug when it has one) and the field path of each issue. */
function describeIssues(raw: unknown, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const [index, ...rest] = issue.path;
    if (typeof index !== 'number') return `${issue.message}`;
    const entry = Array.isArray(raw) ? (raw[index] as { slug?: unknown } | undefined) : undefined;
    const name = typeof entry?.slug === 'string' ? `entry ${index} ("${entry.slug}")` : `entry ${index}`;
    const field = rest.length > 0 ? rest.map(String).join('.') : '(the entry itself)';
    return `${name}, field ${field}: ${issue.message}`;
  });
}

function parseFile<T>(file: string, schema: z.ZodType<T>): T {
  const raw = readJson(file);
  const result = schema.safeParse(raw);
  if (!result.success) throw new CatalogError(file, describeIssues(raw, result.error.issues));
  return result.data;
}

function duplicates(slugs: string[]): string[] {
  return slugs.filter((slug, index) => slugs.indexOf(slug) !== index);
}

/** Loads both catalog files; throws CatalogError on the first file that is invalid. */
export function loadCatalog(files: { providersFile: string; errorsFile: string }): Catalog {
  const errorTypes = parseFile(files.errorsFile, ErrorTypeList);
  const providers = parseFile(files.providersFile, ProviderList);
  return buildCatalog(providers, errorTypes, files);
}

/** Cross-checks a parsed catalog: unique slugs, overrides that name known error types. */
export function buildCatalog(
  providers: Provider[],
  errorTypes: ErrorType[],
  files = { providersFile: 'providers', errorsFile: 'errors' },
): Catalog {
  const dupErrors = duplicates(errorTypes.map((e) => e.slug));
  if (dupErrors.length > 0)
    throw new CatalogError(
      files.errorsFile,
      dupErrors.map((s) => `slug "${s}" is used twice`),
    );
  const known = new Set(errorTypes.map((e) => e.slug));
  const problems = duplicates(providers.map((p) => p.slug)).map((s) => `slug "${s}" is used twice`);
  providers.forEach((provider, index) => {
    for (const slug of Object.keys(provider.errors)) {
      if (!known.has(slug)) {
        problems.push(
          `entry ${index} ("${provider.slug}"), field errors.${slug}: no such error type in ${files.errorsFile}`,
        );
      }
    }
  });
  if (problems.length > 0) throw new CatalogError(files.providersFile, problems);
  return Object.freeze({
    providers: Object.freeze(providers),
    errorTypes: Object.freeze(errorTypes),
    providerBySlug: new Map(providers.map((p) => [p.slug, p])),
    errorTypeBySlug: new Map(errorTypes.map((e) => [e.slug, e])),
  });
}

/** Each provider's applicable error types, per list of error types (a catalog's): asked on every error page. */
const applicable = new WeakMap<Provider, { from: readonly ErrorType[]; types: ErrorType[] }>();

/** The error types that apply to a provider, in catalog order (one shared list per provider: do not change it). */
export function errorTypesFor(catalog: Catalog, provider: Provider): ErrorType[] {
  const known = applicable.get(provider);
  if (known && known.from === catalog.errorTypes) return known.types;
  const types = catalog.errorTypes.filter((type) => provider.errors[type.slug]?.applies !== false);
  applicable.set(provider, { from: catalog.errorTypes, types });
  return types;
}

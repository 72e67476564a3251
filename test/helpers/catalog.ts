// The real catalog files, read as the server reads them, for tests that need no app or database.
import { buildCatalog, loadCatalog, type Catalog } from '../../src/catalog/load.ts';
import type { ErrorType, Provider } from '../../src/catalog/schema.ts';

export function realCatalog(): Catalog {
  return loadCatalog({ providersFile: 'data/providers.json', errorsFile: 'data/errors.json' });
}

/** A catalog from the real files with providers (or error types) replaced. */
export function catalogWith(providers?: Provider[], errorTypes?: ErrorType[]): Catalog {
  const real = realCatalog();
  return buildCatalog(providers ?? [...real.providers], errorTypes ?? [...real.errorTypes]);
}

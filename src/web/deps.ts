// What the web layer is built from: passed explicitly to every route plugin.
import type { Catalog } from '../catalog/load.ts';
import type { Config } from '../config.ts';
import type { Store } from '../store/index.ts';
import type { PageRenderer } from './pages.ts';
import type { ProviderReader } from './provider-data.ts';

export type WebDeps = {
  config: Config;
  catalog: Catalog;
  store: Store;
  reader: ProviderReader;
  pages: PageRenderer;
  now: () => number;
};

// Providers table: the catalog's providers, seeded idempotently at boot; dropped ones are hidden, never deleted.
import type { Db } from './db.ts';
import type { DataVersions } from './versions.ts';

export type ProviderRow = { slug: string; name: string; position: number; hidden: boolean };

export function createProvidersStore(db: Db, versions: DataVersions) {
  const upsert = db.prepare<{ slug: string; name: string; position: number; now: number }>(
    `INSERT INTO providers (slug, name, position, hidden, added_at, updated_at)
     VALUES (@slug, @name, @position, 0, @now, @now)
     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, position = excluded.position, hidden = 0,
       updated_at = CASE WHEN name IS excluded.name AND position IS excluded.position AND hidden = 0
                         THEN updated_at ELSE excluded.updated_at END`,
  );
  const hide = db.prepare<{ slug: string; now: number }>(
    'UPDATE providers SET hidden = 1, updated_at = @now WHERE slug = @slug AND hidden = 0',
  );
  const all = db.prepare<[], { slug: string; name: string; position: number; hidden: number }>(
    'SELECT slug, name, position, hidden FROM providers ORDER BY position, slug',
  );

  const list = (): ProviderRow[] => all.all().map((row) => ({ ...row, hidden: row.hidden === 1 }));

  return {
    list,
    /** Makes the table match the catalog: inserts and renames, hides providers no longer listed. */
    sync(catalog: readonly { slug: string; name: string }[], now: number): void {
      const listed = new Set(catalog.map((p) => p.slug));
      db.transaction(() => {
        catalog.forEach((provider, position) =>
          upsert.run({ slug: provider.slug, name: provider.name, position, now }),
        );
        for (const row of list()) if (!listed.has(row.slug)) hide.run({ slug: row.slug, now });
      })();
      for (const provider of catalog) versions.bump(provider.slug);
    },
  };
}
export type ProvidersStore = ReturnType<typeof createProvidersStore>;

// Providers table: the catalog's providers, seeded idempotently at boot; dropped ones are hidden, never deleted.
import { sql } from './kysely.ts';
import { atomically, type Db } from './db.ts';
import type { DataVersions } from './versions.ts';

/** `addedAt`: when the provider was first tracked (kept across renames and restarts). */
export type ProviderRow = { slug: string; name: string; position: number; hidden: boolean; addedAt: number };

export function createProvidersStore(db: Db, versions: DataVersions) {
  const list = async (): Promise<ProviderRow[]> => {
    const { rows } = await sql<{ slug: string; name: string; position: number; hidden: number; addedAt: number }>`
      SELECT slug, name, position, hidden, added_at AS "addedAt" FROM providers ORDER BY position, slug`.execute(db);
    return rows.map((row) => ({ ...row, addedAt: Number(row.addedAt), hidden: row.hidden === 1 }));
  };

  return {
    list,
    /** Makes the table match the catalog: inserts and renames, hides providers no longer listed. */
    async sync(catalog: readonly { slug: string; name: string }[], now: number): Promise<void> {
      const listed = new Set(catalog.map((p) => p.slug));
      await atomically(db, async (trx) => {
        for (const [position, provider] of catalog.entries()) {
          await sql`
            INSERT INTO providers (slug, name, position, hidden, added_at, updated_at)
            VALUES (${provider.slug}, ${provider.name}, ${position}, 0, ${now}, ${now})
            ON CONFLICT (slug) DO UPDATE SET name = excluded.name, position = excluded.position, hidden = 0,
              updated_at = CASE WHEN providers.name = excluded.name AND providers.position = excluded.position
                                 AND providers.hidden = 0
                                THEN providers.updated_at ELSE excluded.updated_at END`.execute(trx);
        }
        const { rows } = await sql<{ slug: string }>`SELECT slug FROM providers WHERE hidden = 0`.execute(trx);
        for (const row of rows) {
          if (!listed.has(row.slug))
            await sql`UPDATE providers SET hidden = 1, updated_at = ${now} WHERE slug = ${row.slug}`.execute(trx);
        }
      });
      for (const provider of catalog) versions.bump(provider.slug);
    },
  };
}
export type ProvidersStore = ReturnType<typeof createProvidersStore>;

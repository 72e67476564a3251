// Providers table: the catalog's providers, seeded idempotently at boot; dropped ones are hidden, never deleted.
import { sql } from './kysely.ts';
import { atomically, type Db } from './db.ts';
import type { DataVersions } from './versions.ts';

/** `addedAt`: when the provider was first tracked (kept across renames and restarts). */
export type ProviderRow = { slug: string; name: string; position: number; hidden: boolean; addedAt: number };

export function createProvidersStore(db: Db, versions: DataVersions) {
  const list = async (): Promise<ProviderRow[]> => {
    const rows = await db
      .selectFrom('providers')
      .select(['slug', 'name', 'position', 'hidden', 'added_at as addedAt'])
      .orderBy('position')
      .orderBy('slug')
      .execute();
    return rows.map((row) => ({ ...row, hidden: row.hidden === 1 }));
  };

  return {
    list,
    /** Makes the table match the catalog: inserts and renames, hides providers no longer listed. */
    async sync(catalog: readonly { slug: string; name: string }[], now: number): Promise<void> {
      const listed = new Set(catalog.map((p) => p.slug));
      await atomically(db, async (trx) => {
        for (const [position, provider] of catalog.entries()) {
          await trx
            .insertInto('providers')
            .values({ slug: provider.slug, name: provider.name, position, hidden: 0, added_at: now, updated_at: now })
            .onConflict((oc) =>
              oc.column('slug').doUpdateSet({
                name: (eb) => eb.ref('excluded.name'),
                position: (eb) => eb.ref('excluded.position'),
                hidden: 0,
                // Moved only when something changed.
                updated_at: sql`CASE WHEN providers.name = excluded.name AND providers.position = excluded.position
                  AND providers.hidden = 0 THEN providers.updated_at ELSE excluded.updated_at END`,
              }),
            )
            .execute();
        }
        const shown = await trx.selectFrom('providers').select('slug').where('hidden', '=', 0).execute();
        for (const { slug } of shown) {
          if (!listed.has(slug))
            await trx.updateTable('providers').set({ hidden: 1, updated_at: now }).where('slug', '=', slug).execute();
        }
      });
      for (const provider of catalog) versions.bump(provider.slug);
    },
  };
}
export type ProvidersStore = ReturnType<typeof createProvidersStore>;

import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as m0001 from './migrations/0001_events.ts';

// Migrations are imported, not read from a folder, so they work the same from any working
// directory. Add new ones here in order.
const migrations: Record<string, Migration> = {
  '0001_events': m0001,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

function migratorFor(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider });
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migratorFor(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const known = await migratorFor(db).getMigrations();
  return known.every((m) => m.executedAt !== undefined);
}

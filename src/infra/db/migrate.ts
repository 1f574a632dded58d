import type { DatabaseHandle } from './database.ts';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as m0001 from './migrations/0001_events.ts';
import * as m0002 from './migrations/0002_visitors.ts';
import * as m0003 from './migrations/0003_connections.ts';
import * as m0004 from './migrations/0004_outbox.ts';
import * as m0005 from './migrations/0005_pushed_copies.ts';
import * as m0006 from './migrations/0006_request_gates.ts';
import * as m0007 from './migrations/0007_outbox_notify.ts';
import * as m0008 from './migrations/0008_busy_calendars.ts';
import * as m0009 from './migrations/0009_copy_generation.ts';
import * as m0010 from './migrations/0010_visitor_activity_and_rate_limits.ts';
import * as m0011 from './migrations/0011_event_cancel_note.ts';
import * as m0012 from './migrations/0012_feed_token_sealed.ts';
import * as m0013 from './migrations/0013_event_series.ts';
import * as m0017 from './migrations/0017_feed_version_notify.ts';
import * as m0014 from './migrations/0014_email_invites.ts';

// Migrations are imported, not read from a folder, so they work the same from any working
// directory. Add new ones here in order.
const migrations: Record<string, Migration> = {
  '0001_events': m0001,
  '0002_visitors': m0002,
  '0003_connections': m0003,
  '0004_outbox': m0004,
  '0005_pushed_copies': m0005,
  '0006_request_gates': m0006,
  '0007_outbox_notify': m0007,
  '0008_busy_calendars': m0008,
  '0009_copy_generation': m0009,
  '0010_visitor_activity_and_rate_limits': m0010,
  '0011_event_cancel_note': m0011,
  '0012_feed_token_sealed': m0012,
  '0013_event_series': m0013,
  '0014_email_invites': m0014,
  '0017_feed_version_notify': m0017,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

// Kysely looks for its bookkeeping tables across all schemas unless told which one is ours.
function migratorFor({ db, schema }: Pick<DatabaseHandle, 'db' | 'schema'>): Migrator {
  // Unordered: numbers were handed out to parallel work, so a database may already hold a later
  // one (0012) when an earlier one (0011) arrives; each touches its own columns.
  return new Migrator({ db, provider, migrationTableSchema: schema, allowUnorderedMigrations: true });
}

/**
 * Kysely's PostgreSQL introspector evaluates has_schema_privilege() over every schema in the
 * database, so a schema another process drops at that moment fails the query with 3F000
 * ("schema … does not exist") though it is not ours (seen when test runs drop their schemas
 * while a server starts). Nothing was changed when that happens: ask again, a few times.
 */
export async function retryingCatalogRaces<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '3F000' || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(handle: Pick<DatabaseHandle, 'db' | 'schema'>): Promise<string[]> {
  const { error, results } = await retryingCatalogRaces(async () => {
    const outcome = await migratorFor(handle).migrateToLatest();
    // A failed migration comes back as a value: rethrow a catalog race so it is retried.
    if ((outcome.error as { code?: string } | undefined)?.code === '3F000' && !outcome.results?.some((r) => r.status === 'Success')) throw outcome.error;
    return outcome;
  });
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied. */
export async function isMigrated(handle: Pick<DatabaseHandle, 'db' | 'schema'>): Promise<boolean> {
  const known = await retryingCatalogRaces(() => migratorFor(handle).getMigrations());
  return known.every((m) => m.executedAt !== undefined);
}

import { sql, type Kysely } from 'kysely';

// Issue 12, finding 3. Visitors: when a visitor last wrote anything, so that one holding nothing
// (no saved event, no feed, no connection) can be removed once idle. Rate limits: request
// counters shared by every process on one PostgreSQL database (one row per limit and client).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').addColumn('active_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update visitors set active_at = created_at`.execute(db);
  await db.schema.createIndex('visitors_by_active_at').on('visitors').column('active_at').execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    // The end of the current window: the count starts again from 1 after it.
    .addColumn('resets_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_by_resets_at').on('rate_limits').column('resets_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
  await db.schema.dropIndex('visitors_by_active_at').ifExists().execute();
  await db.schema.alterTable('visitors').dropColumn('active_at').execute();
}

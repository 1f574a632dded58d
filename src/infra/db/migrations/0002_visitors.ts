import type { Kysely } from 'kysely';

// Visitors (anonymous accounts), their saved events and personal feed token, who fetches that
// feed, and the organizer-visible history of event changes.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // SHA-256 of the personal feed token; the token itself is never stored.
    .addColumn('feed_token_hash', 'text', (c) => c.unique())
    .addColumn('feed_token_created_at', 'bigint')
    .execute();

  await db.schema
    .createTable('saved_events')
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('saved_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('saved_events_pk', ['visitor_id', 'event_id'])
    .execute();
  await db.schema.createIndex('saved_events_by_event').on('saved_events').columns(['event_id', 'visitor_id']).execute();

  // One row per (visitor, client family): enough for "Google last checked 9 hours ago" without
  // keeping a row (or an IP address) per request.
  await db.schema
    .createTable('feed_clients')
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('last_fetch_at', 'bigint', (c) => c.notNull())
    .addColumn('last_status', 'integer', (c) => c.notNull())
    .addColumn('fetch_count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_clients_pk', ['visitor_id', 'client'])
    .execute();

  await db.schema
    .createTable('event_changes')
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('changed_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_changes_pk', ['event_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['event_changes', 'feed_clients', 'saved_events', 'visitors']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

import type { Kysely } from 'kysely';

// Our event <-> its copy in a connected calendar: their id and etag, the SEQUENCE last pushed
// (an older one never overwrites a newer one), and the copy's sync state for the status pages.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pushed_copies')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('calendar_id', 'text')
    .addColumn('remote_id', 'text')
    .addColumn('etag', 'text')
    .addColumn('sequence', 'integer')
    .addColumn('pushed_version', 'bigint')
    // pending | synced | removed | deleted_by_person | failed
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pushed_copies_pk', ['connection_id', 'event_id'])
    .execute();
  await db.schema.createIndex('pushed_copies_by_event').on('pushed_copies').columns(['event_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pushed_copies').ifExists().execute();
}

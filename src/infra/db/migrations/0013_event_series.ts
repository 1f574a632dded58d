import { sql, type Kysely } from 'kysely';

// Recurring events: a series is one events row with its rule, plus one row per changed or
// cancelled occurrence. range_end_utc (end of the last occurrence; end_utc for a one-off
// event) lets feeds and lists window a series with the same indexable comparison as before.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('rrule', 'text').execute();
  await db.schema.alterTable('events').addColumn('range_end_utc', 'bigint').execute();
  await sql`update events set range_end_utc = end_utc`.execute(db);
  await db.schema.createIndex('events_range_end_utc').on('events').column('range_end_utc').execute();
  await db.schema
    .createTable('event_occurrences')
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('occurrence', 'text', (c) => c.notNull())
    .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('changes_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_occurrences_pk', ['event_id', 'occurrence'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_occurrences').ifExists().execute();
  await db.schema.dropIndex('events_range_end_utc').ifExists().execute();
  await db.schema.alterTable('events').dropColumn('range_end_utc').execute();
  await db.schema.alterTable('events').dropColumn('rrule').execute();
}

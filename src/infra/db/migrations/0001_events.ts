import { sql, type Kysely } from 'kysely';

// One set of migrations for both engines: only types and statements they share.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('uid', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('location', 'text')
    .addColumn('url', 'text')
    .addColumn('categories_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('start_local', 'text', (c) => c.notNull())
    .addColumn('end_local', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('all_day', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('start_utc', 'bigint', (c) => c.notNull())
    .addColumn('end_utc', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('cancelled_at', 'bigint')
    .execute();
  await db.schema.createIndex('events_start_utc').on('events').columns(['start_utc', 'uid']).execute();

  await db.schema
    .createTable('categories')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('event_categories')
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('category_slug', 'text', (c) => c.notNull().references('categories.slug'))
    .addPrimaryKeyConstraint('event_categories_pk', ['event_id', 'category_slug'])
    .execute();
  await db.schema
    .createIndex('event_categories_by_category')
    .on('event_categories')
    .columns(['category_slug', 'event_id'])
    .execute();

  await db.schema
    .createTable('feed_versions')
    .addColumn('feed_key', 'text', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into feed_versions (feed_key, revision, changed_at) values ('all', 0, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['feed_versions', 'event_categories', 'categories', 'events']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

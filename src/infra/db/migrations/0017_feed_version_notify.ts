import { PostgresAdapter, sql, type Kysely } from 'kysely';

// PostgreSQL only: every change to a feed's version row sends a NOTIFY carrying the feed key,
// delivered when its transaction commits, so each web process drops the version it holds in
// memory (src/infra/db/feed-changes.ts) instead of reading the row on every request. A trigger,
// not calls in the code: every path that moves a version (edits, saves, merges, clean-ups) is
// covered, including ones written later. The channel carries the schema name, as in 0007.
// SQLite runs in one process and uses a temporary trigger of its own connection.

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function feed_version_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('cc_feeds_' || current_schema(), case when tg_op = 'DELETE' then old.feed_key else new.feed_key end);
      return null;
    end $$`.execute(db);
  await sql`create trigger feed_version_changed after insert or update or delete on feed_versions for each row execute function feed_version_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger if exists feed_version_changed on feed_versions`.execute(db);
  await sql`drop function if exists feed_version_notify()`.execute(db);
}

import { PostgresAdapter, sql, type Kysely } from 'kysely';

// PostgreSQL only: new runnable jobs send a NOTIFY (delivered when their transaction commits),
// so idle workers in any process start at once instead of at their next poll. The channel
// carries the schema name: several deployments (or test runs) may share one database.
// SQLite runs in one process and is told in-process (src/infra/db/outbox-wakeups.ts).

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('cc_outbox_' || current_schema(), '');
      return null;
    end $$`.execute(db);
  // Inserted jobs, once per statement; parked or dead jobs released (reconnect, retry button).
  // Not claims or reschedules: a worker's own update must not wake every other worker.
  await sql`create trigger outbox_inserted after insert on outbox_jobs for each statement execute function outbox_notify()`.execute(db);
  await sql`
    create trigger outbox_released after update of state on outbox_jobs for each row
    when (new.state = 'ready' and old.state in ('parked', 'dead')) execute function outbox_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger if exists outbox_released on outbox_jobs`.execute(db);
  await sql`drop trigger if exists outbox_inserted on outbox_jobs`.execute(db);
  await sql`drop function if exists outbox_notify()`.execute(db);
}

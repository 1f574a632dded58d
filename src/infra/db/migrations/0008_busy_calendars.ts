import type { Kysely } from 'kysely';

// Which of a connection's calendars count for busy times (issue 10): a JSON array of calendar
// ids the person chose, or null for the default ("every calendar I own").

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').addColumn('busy_calendar_ids', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('busy_calendar_ids').execute();
}

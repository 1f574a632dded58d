import type { Kysely } from 'kysely';

// The organizer's note to attendees when an event is cancelled ("moved to next month"): shown
// on the event page, cleared when the event is restored.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('cancel_note', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('cancel_note').execute();
}

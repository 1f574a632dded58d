import type { Kysely } from 'kysely';

// Two facts about a copy (core/sync/copy.ts): its generation, bumped when a copy is removed so
// that the next create uses a new idempotency key and is never answered with the copy deleted
// before; and whether the person saved the event again since it was pushed (then a copy they
// deleted is made again instead of being left deleted).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pushed_copies').addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('pushed_copies').addColumn('requested_again', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('pushed_copies').dropColumn('requested_again').execute();
  await db.schema.alterTable('pushed_copies').dropColumn('generation').execute();
}

import type { Kysely } from 'kysely';

// Shared request limits per connected account, so that several worker processes together stay
// within what a provider allows (Graph: 4 requests in flight per mailbox; Google: a per-user
// rate). Slots are leased, so a killed process frees its slot when the lease runs out.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('request_slots')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('holder', 'text')
    .addColumn('held_until', 'bigint')
    .addPrimaryKeyConstraint('request_slots_pk', ['connection_id', 'slot'])
    .execute();
  // The earliest time the next request to this account may start (requests are spaced evenly).
  await db.schema
    .createTable('request_pacing')
    .addColumn('connection_id', 'text', (c) => c.primaryKey())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('request_pacing').ifExists().execute();
  await db.schema.dropTable('request_slots').ifExists().execute();
}

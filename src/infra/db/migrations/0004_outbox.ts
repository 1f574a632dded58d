import type { Kysely } from 'kysely';

// The transactional outbox (ARCHITECTURE.md): jobs written in the same transaction as the
// change that causes them, claimed by workers with a lease, retried, parked or dead-lettered.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    // Jobs with the same key run one at a time and in order (e.g. one event on one connection).
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // ready | leased | parked | done | dead
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_ready').on('outbox_jobs').columns(['state', 'run_at']).execute();
  await db.schema.createIndex('outbox_by_key').on('outbox_jobs').columns(['ordering_key', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox_jobs').ifExists().execute();
}

import type { Kysely } from 'kysely';

// Email invites (issue 15). visitor_emails: a visitor's one address, its verification and its
// unsubscribe token (both stored as SHA-256 hashes; the unsubscribe token also sealed with the
// token vault, because every email repeats it). email_invites: per person and event, what was
// last sent where (the dedupe key of "one email per change"), and a send whose answer was lost.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visitor_emails')
    .addColumn('visitor_id', 'text', (c) => c.primaryKey().references('visitors.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull()) // normalized: trimmed, lower case
    .addColumn('verified_at', 'bigint')
    .addColumn('verify_token_hash', 'text', (c) => c.unique())
    .addColumn('verify_sent_at', 'bigint', (c) => c.notNull())
    .addColumn('unsubscribe_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('unsubscribe_sealed', 'text', (c) => c.notNull())
    .addColumn('failing_at', 'bigint')
    .addColumn('failing_reason', 'text')
    // auto: a push connection to the same account wins; email: invites go there too.
    .addColumn('delivery', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('visitor_emails_by_address').on('visitor_emails').column('address').execute();

  await db.schema
    .createTable('email_invites')
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('method', 'text') // REQUEST | CANCEL, last sent
    .addColumn('sequence', 'integer')
    .addColumn('sent_at', 'bigint')
    .addColumn('attempt_key', 'text')
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull()) // pending | sent | failed | declined
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_invites_pk', ['visitor_id', 'event_id'])
    .execute();
  await db.schema.createIndex('email_invites_by_event').on('email_invites').columns(['event_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_invites').ifExists().execute();
  await db.schema.dropTable('visitor_emails').ifExists().execute();
}

import type { Kysely } from 'kysely';

// Calendar connections (Google, Microsoft, CalDAV) and the one-time OAuth states that start
// them. Every secret of a connection (access/refresh token, CalDAV password) lives in one
// sealed column (AES-256-GCM, bound to the row id), never in clear.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('account', 'text')
    .addColumn('server_url', 'text')
    .addColumn('target_calendar_id', 'text')
    .addColumn('target_calendar_name', 'text')
    .addColumn('scope', 'text')
    .addColumn('secrets_sealed', 'text')
    .addColumn('access_expires_at', 'bigint')
    // A refresh lease: one process at a time may refresh a connection's tokens.
    .addColumn('refresh_lease_owner', 'text')
    .addColumn('refresh_lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('connections_by_visitor').on('connections').columns(['visitor_id', 'created_at']).execute();

  await db.schema
    .createTable('oauth_states')
    // SHA-256 of the state parameter: the value itself only travels in the redirect.
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('verifier_sealed', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    .addColumn('reconnect_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth_states').ifExists().execute();
  await db.schema.dropTable('connections').ifExists().execute();
}

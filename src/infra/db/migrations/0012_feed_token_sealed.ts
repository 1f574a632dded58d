import type { Kysely } from 'kysely';

// The personal feed token sealed with the token vault, so My events can show the address again
// at any time; the hash stays for the lookup on each feed request. Feeds made before this
// column have only the hash: their address cannot be shown again, only replaced.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').addColumn('feed_token_sealed', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visitors').dropColumn('feed_token_sealed').execute();
}

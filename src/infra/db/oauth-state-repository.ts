import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface OAuthStateRecord {
  visitorId: string;
  kind: string;
  mode: string;
  verifierSealed: string;
  nonce: string | null;
  reconnectId: string | null;
  createdAt: number;
}

export type OAuthStateRepository = ReturnType<typeof createOAuthStateRepository>;

/** One-time OAuth states, keyed by the SHA-256 of the state value. */
export function createOAuthStateRepository(db: Kysely<Database>) {
  return {
    async put(stateHash: string, r: OAuthStateRecord): Promise<void> {
      await db
        .insertInto('oauth_states')
        .values({
          state_hash: stateHash,
          visitor_id: r.visitorId,
          kind: r.kind,
          mode: r.mode,
          verifier_sealed: r.verifierSealed,
          nonce: r.nonce,
          reconnect_id: r.reconnectId,
          created_at: r.createdAt,
        })
        .execute();
    },

    /**
     * Reads and deletes in one go: a state works once. When two callbacks race with the same
     * state, only the one whose delete removed the row gets it.
     */
    async take(stateHash: string): Promise<OAuthStateRecord | null> {
      const row = await db.selectFrom('oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      if (!row) return null;
      const deleted = await db.deleteFrom('oauth_states').where('state_hash', '=', stateHash).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return null;
      return {
        visitorId: row.visitor_id,
        kind: row.kind,
        mode: row.mode,
        verifierSealed: row.verifier_sealed,
        nonce: row.nonce,
        reconnectId: row.reconnect_id,
        createdAt: Number(row.created_at),
      };
    },

    async deleteOlderThan(cutoff: number): Promise<void> {
      await db.deleteFrom('oauth_states').where('created_at', '<', cutoff).execute();
    },
  };
}

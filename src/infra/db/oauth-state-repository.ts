import type { Kysely, Selectable } from 'kysely';
import type { Database, OAuthStatesTable } from './schema.ts';

export interface OAuthStateRecord {
  visitorId: string;
  kind: string;
  mode: string;
  verifierSealed: string;
  nonce: string | null;
  reconnectId: string | null;
  createdAt: number;
}

/** How long a sign-in may take: a state older than this is refused, then removed. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export type OAuthStateRepository = ReturnType<typeof createOAuthStateRepository>;

function toRecord(row: Selectable<OAuthStatesTable>): OAuthStateRecord {
  return {
    visitorId: row.visitor_id,
    kind: row.kind,
    mode: row.mode,
    verifierSealed: row.verifier_sealed,
    nonce: row.nonce,
    reconnectId: row.reconnect_id,
    createdAt: Number(row.created_at),
  };
}

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

    /** Reads a state without using it up: the callback checks it before it `consume`s it. */
    async find(stateHash: string): Promise<OAuthStateRecord | null> {
      const row = await db.selectFrom('oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    /**
     * Uses a state up; true for the one caller whose delete removed the row, so of two callbacks
     * racing with the same state only one goes on.
     */
    async consume(stateHash: string): Promise<boolean> {
      const deleted = await db.deleteFrom('oauth_states').where('state_hash', '=', stateHash).executeTakeFirst();
      return Number(deleted.numDeletedRows) === 1;
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
      return toRecord(row);
    },

    /** Removes the states made before `cutoff`; returns how many. */
    async deleteOlderThan(cutoff: number): Promise<number> {
      const result = await db.deleteFrom('oauth_states').where('created_at', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Removes the states no callback may use any more (the housekeeping runs it). */
    async deleteExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('oauth_states').where('created_at', '<', now - OAUTH_STATE_TTL_MS).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

import type { ExpressionBuilder, Kysely } from 'kysely';
import { personalFeedKey } from '../../core/feeds/feed.ts';
import type { Database } from './schema.ts';

// Anonymous visitors are made by a browser's first write. One that then holds nothing — no saved
// event, no personal feed, no connection, no invite address, no sign-in under way — and has not written for a while
// is removed: its browser loses nothing (its next write stores the same id again).

const BATCH = 500;

/** Idle since before `cutoff` and holding nothing. */
function idle(eb: ExpressionBuilder<Database, 'visitors'>, cutoff: number) {
  return eb.and([
    eb('visitors.active_at', '<', cutoff),
    eb('visitors.feed_token_hash', 'is', null),
    eb.not(eb.exists(eb.selectFrom('saved_events').select('saved_events.event_id').whereRef('saved_events.visitor_id', '=', 'visitors.id'))),
    eb.not(eb.exists(eb.selectFrom('connections').select('connections.id').whereRef('connections.visitor_id', '=', 'visitors.id'))),
    eb.not(eb.exists(eb.selectFrom('visitor_emails').select('visitor_emails.visitor_id').whereRef('visitor_emails.visitor_id', '=', 'visitors.id'))),
    eb.not(eb.exists(eb.selectFrom('oauth_states').select('oauth_states.state_hash').whereRef('oauth_states.visitor_id', '=', 'visitors.id'))),
  ]);
}

/** Removes the visitors idle since before `cutoff` that hold nothing; returns how many. */
export async function removeIdleVisitors(db: Kysely<Database>, cutoff: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const ids = (await db.selectFrom('visitors').select('id').where((eb) => idle(eb, cutoff)).limit(BATCH).execute()).map((r) => r.id);
    if (ids.length === 0) return removed;
    removed += await db.transaction().execute(async (trx) => {
      // The conditions are checked again by the delete: a visitor that wrote since is kept.
      const gone = (await trx.deleteFrom('visitors').where('id', 'in', ids).where((eb) => idle(eb, cutoff)).returning('id').execute()).map((r) => r.id);
      // A feed revoked long ago leaves its version row; it goes with the visitor.
      if (gone.length > 0) await trx.deleteFrom('feed_versions').where('feed_key', 'in', gone.map(personalFeedKey)).execute();
      return gone.length;
    });
    if (ids.length < BATCH) return removed;
  }
}

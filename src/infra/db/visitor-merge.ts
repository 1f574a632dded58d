import type { Kysely } from 'kysely';
import { accountKey } from '../../core/sync/connection.ts';
import type { Database } from './schema.ts';
import { enqueuePushJobs, pushTargetsForConnection, type PushTarget } from './push-jobs.ts';
import { bumpPersonalFeed } from './visitor-repository.ts';

// One person, several devices (issue 11): each browser starts as its own anonymous visitor. When
// a browser proves it holds an account already connected by another visitor (an OAuth sign-in,
// or a CalDAV login), the two are one person: the browser's visitor is folded into the other.

export interface MergeResult {
  /** Events saved on this device that the other did not have yet. */
  savedMoved: number;
  connectionsMoved: number;
  /** Connections of an account both had: kept for busy times off, their copies removed. */
  connectionsRetired: number;
  /** Both had a personal feed: this device's feed address stopped working (the other's is kept). */
  feedReplaced: boolean;
}

const RETIRED_REASON = 'This account is also connected on your other device; this connection was retired and its copies removed. You can disconnect it.';

/**
 * Moves everything of visitor `from` to visitor `into` and deletes `from`, in one transaction:
 * saved events (a union), the personal feed when `into` has none, and connections. A connection
 * to an account `into` already holds would push a second copy of every event into the same
 * calendar, so it is retired: switched to busy-only and out of use, its copies deleted by jobs.
 */
export async function mergeVisitors(db: Kysely<Database>, from: string, into: string, now: number): Promise<MergeResult> {
  if (from === into) return { savedMoved: 0, connectionsMoved: 0, connectionsRetired: 0, feedReplaced: false };
  return db.transaction().execute(async (trx) => {
    const have = new Set((await trx.selectFrom('saved_events').select('event_id').where('visitor_id', '=', into).execute()).map((r) => r.event_id));
    const moving = (await trx.selectFrom('saved_events').selectAll().where('visitor_id', '=', from).execute()).filter((r) => !have.has(r.event_id));
    if (moving.length > 0) await trx.insertInto('saved_events').values(moving.map((r) => ({ ...r, visitor_id: into }))).execute();

    const [source, target] = await Promise.all([
      trx.selectFrom('visitors').selectAll().where('id', '=', from).executeTakeFirst(),
      trx.selectFrom('visitors').selectAll().where('id', '=', into).executeTakeFirst(),
    ]);
    if (source && target && target.feed_token_hash === null && source.feed_token_hash !== null) {
      const { id: _id, created_at: _created, ...feed } = source;
      await trx.updateTable('visitors').set({ feed_token_hash: null }).where('id', '=', from).execute(); // a hash is unique
      await trx.updateTable('visitors').set(feed).where('id', '=', into).execute();
    }

    const kept = new Set((await trx.selectFrom('connections').selectAll().where('visitor_id', '=', into).execute()).map((c) => accountKey(toKeyed(c))));
    const theirs = await trx.selectFrom('connections').selectAll().where('visitor_id', '=', from).execute();
    const retired = theirs.filter((c) => kept.has(accountKey(toKeyed(c))));
    await trx.updateTable('connections').set({ visitor_id: into, updated_at: now }).where('visitor_id', '=', from).execute();
    for (const c of retired) {
      await trx.updateTable('connections').set({ mode: 'busy', status: 'error', status_reason: RETIRED_REASON, updated_at: now }).where('id', '=', c.id).execute();
    }
    // The invite address (and what was sent to it) comes along when the other device has none.
    if (!(await trx.selectFrom('visitor_emails').select('visitor_id').where('visitor_id', '=', into).executeTakeFirst())) {
      await trx.updateTable('visitor_emails').set({ visitor_id: into }).where('visitor_id', '=', from).execute();
      await trx.updateTable('email_invites').set({ visitor_id: into }).where('visitor_id', '=', from)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('email_invites as mine').select('mine.event_id').where('mine.visitor_id', '=', into).whereRef('mine.event_id', '=', 'email_invites.event_id'))))
        .execute();
    }
    await trx.deleteFrom('visitors').where('id', '=', from).execute();

    // Every push connection now serves the union of saved events; retired ones remove their copies.
    const targets: PushTarget[] = [];
    for (const c of await trx.selectFrom('connections').select('id').where('visitor_id', '=', into).execute()) targets.push(...(await pushTargetsForConnection(trx, c.id)));
    for (const c of retired) {
      const copies = await trx.selectFrom('pushed_copies').select('event_id').where('connection_id', '=', c.id).execute();
      targets.push(...copies.map((r) => ({ connectionId: c.id, eventId: r.event_id })));
    }
    await enqueuePushJobs(trx, targets, now);
    if (moving.length > 0) await bumpPersonalFeed(trx, into, now);
    const feedReplaced = source?.feed_token_hash != null && target?.feed_token_hash != null;
    return { savedMoved: moving.length, connectionsMoved: theirs.length - retired.length, connectionsRetired: retired.length, feedReplaced };
  });
}

const toKeyed = (c: { id: string; kind: string; account: string | null; server_url: string | null }) => ({
  id: c.id,
  kind: c.kind as 'google' | 'microsoft' | 'caldav',
  account: c.account,
  serverUrl: c.server_url,
});

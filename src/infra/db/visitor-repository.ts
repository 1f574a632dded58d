import { sql, type Kysely, type Transaction } from 'kysely';
import type { CalendarEvent } from '../../core/events/event.ts';
import { personalFeedKey } from '../../core/feeds/feed.ts';
import type { Database } from './schema.ts';
import { rowToEvent } from './event-repository.ts';
import { nextChangedAt } from './feed-clock.ts';
import { enqueuePushJobs, pushTargetsForVisitorEvent, rearmCopiesDeletedByPerson } from './push-jobs.ts';
import { enqueueInviteForVisitorEvent } from './mail-jobs.ts';

export interface FeedClientRecord {
  client: string;
  lastFetchAt: number;
  lastStatus: number;
  fetchCount: number;
}

export type VisitorRepository = ReturnType<typeof createVisitorRepository>;

export function createVisitorRepository(db: Kysely<Database>) {
  return {
    async create(id: string, now: number): Promise<void> {
      await db.insertInto('visitors').values({ id, created_at: now, active_at: now, feed_token_hash: null, feed_token_created_at: null }).execute();
    },

    /** Stores the visitor if it is not stored yet, and notes that it is active (it writes now). */
    async touch(id: string, now: number): Promise<void> {
      await db
        .insertInto('visitors')
        .values({ id, created_at: now, active_at: now, feed_token_hash: null, feed_token_created_at: null })
        .onConflict((oc) => oc.column('id').doUpdateSet({ active_at: now }))
        .execute();
    },

    async find(id: string): Promise<{ id: string; feedTokenCreatedAt: number | null } | null> {
      const row = await db.selectFrom('visitors').select(['id', 'feed_token_created_at']).where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      return { id: row.id, feedTokenCreatedAt: row.feed_token_created_at === null ? null : Number(row.feed_token_created_at) };
    },

    /** Saves an event for a visitor; false when it was already saved. The personal feed moves. */
    async save(visitorId: string, eventId: string, now: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .insertInto('saved_events')
          .values({ visitor_id: visitorId, event_id: eventId, saved_at: now })
          .onConflict((oc) => oc.columns(['visitor_id', 'event_id']).doNothing())
          .executeTakeFirst();
        const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
        if (added) await bumpPersonalFeed(trx, visitorId, now);
        // Saving again is how a person asks for a copy they deleted from their calendar back.
        const targets = await pushTargetsForVisitorEvent(trx, visitorId, eventId);
        const rearmed = await rearmCopiesDeletedByPerson(trx, targets, now);
        if (added || rearmed > 0) await enqueuePushJobs(trx, targets, now);
        if (added) await enqueueInviteForVisitorEvent(trx, visitorId, eventId, now);
        return added;
      });
    },

    /** False when it was not saved. */
    async unsave(visitorId: string, eventId: string, now: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .deleteFrom('saved_events')
          .where('visitor_id', '=', visitorId)
          .where('event_id', '=', eventId)
          .executeTakeFirst();
        const removed = Number(result.numDeletedRows) > 0;
        if (removed) {
          await bumpPersonalFeed(trx, visitorId, now);
          await enqueuePushJobs(trx, await pushTargetsForVisitorEvent(trx, visitorId, eventId), now);
          await enqueueInviteForVisitorEvent(trx, visitorId, eventId, now);
        }
        return removed;
      });
    },

    async savedEvents(visitorId: string): Promise<CalendarEvent[]> {
      const rows = await db
        .selectFrom('events')
        .innerJoin('saved_events', 'saved_events.event_id', 'events.id')
        .selectAll('events')
        .where('saved_events.visitor_id', '=', visitorId)
        .orderBy('events.start_utc')
        .orderBy('events.id')
        .execute();
      return rows.map(rowToEvent);
    },

    /** One probe of the (visitor, event) key, for the push worker's every job. */
    async hasSaved(visitorId: string, eventId: string): Promise<boolean> {
      const row = await db.selectFrom('saved_events').select('event_id').where('visitor_id', '=', visitorId).where('event_id', '=', eventId).executeTakeFirst();
      return row !== undefined;
    },

    async savedEventIds(visitorId: string): Promise<string[]> {
      const rows = await db.selectFrom('saved_events').select('event_id').where('visitor_id', '=', visitorId).execute();
      return rows.map((r) => r.event_id);
    },

    /** Replaces (or with null, removes) the personal feed token's hash and its sealed copy. */
    async setFeedTokenHash(visitorId: string, hash: string | null, now: number, sealed: string | null = null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('visitors')
          .set({ feed_token_hash: hash, feed_token_created_at: hash === null ? null : now, feed_token_sealed: hash === null ? null : sealed })
          .where('id', '=', visitorId)
          .execute();
        // The feed's version row exists from the first token on, so an empty feed has validators.
        // Revoking writes none: a browser without a stored visitor leaves no row behind.
        if (hash !== null) await trx
          .insertInto('feed_versions')
          .values({ feed_key: personalFeedKey(visitorId), revision: 0, changed_at: now })
          .onConflict((oc) => oc.column('feed_key').doNothing())
          .execute();
        if (hash === null) await trx.deleteFrom('feed_clients').where('visitor_id', '=', visitorId).execute();
      });
    },

    /** The feed token's hash and sealed copy (null for a feed made before tokens were sealed). */
    async feedTokenSecrets(visitorId: string): Promise<{ hash: string; sealed: string | null } | null> {
      const row = await db.selectFrom('visitors').select(['feed_token_hash', 'feed_token_sealed']).where('id', '=', visitorId).executeTakeFirst();
      return row?.feed_token_hash ? { hash: row.feed_token_hash, sealed: row.feed_token_sealed } : null;
    },

    /** One lookup on a unique index: an unknown or revoked token costs no scan. */
    async visitorByFeedTokenHash(hash: string): Promise<string | null> {
      const row = await db.selectFrom('visitors').select('id').where('feed_token_hash', '=', hash).executeTakeFirst();
      return row?.id ?? null;
    },

    async recordFeedFetch(visitorId: string, client: string, status: number, now: number): Promise<void> {
      await db
        .insertInto('feed_clients')
        .values({ visitor_id: visitorId, client, last_fetch_at: now, last_status: status, fetch_count: 1 })
        .onConflict((oc) =>
          oc.columns(['visitor_id', 'client']).doUpdateSet({
            last_fetch_at: now,
            last_status: status,
            fetch_count: sql`feed_clients.fetch_count + 1`,
          }),
        )
        .execute();
    },

    async feedClients(visitorId: string): Promise<FeedClientRecord[]> {
      const rows = await db
        .selectFrom('feed_clients')
        .selectAll()
        .where('visitor_id', '=', visitorId)
        .orderBy('last_fetch_at', 'desc')
        .execute();
      return rows.map((r) => ({
        client: r.client,
        lastFetchAt: Number(r.last_fetch_at),
        lastStatus: Number(r.last_status),
        fetchCount: Number(r.fetch_count),
      }));
    },
  };
}

export async function bumpPersonalFeed(trx: Transaction<Database>, visitorId: string, now: number): Promise<void> {
  await trx
    .insertInto('feed_versions')
    .values({ feed_key: personalFeedKey(visitorId), revision: 1, changed_at: now })
    .onConflict((oc) =>
      oc.column('feed_key').doUpdateSet({
        revision: sql`feed_versions.revision + 1`,
        changed_at: nextChangedAt(now),
      }),
    )
    .execute();
}

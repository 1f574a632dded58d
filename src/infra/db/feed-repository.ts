import type { Kysely } from 'kysely';
import type { CalendarEvent } from '../../core/events/event.ts';
import type { FeedRef, FeedState, FeedWindow } from '../../core/feeds/feed.ts';
import type { Engine } from './database.ts';
import type { Database } from './schema.ts';
import { rowToEvent } from './event-repository.ts';
import { withOverrides } from './occurrence-rows.ts';
import { hasOccurrenceIn } from '../../core/recurrence/occurrences.ts';

export interface FeedSnapshot {
  state: FeedState;
  events: CalendarEvent[];
}

export type FeedRepository = ReturnType<typeof createFeedRepository>;

export function createFeedRepository(db: Kysely<Database>, engine: Engine) {
  async function readState(q: Kysely<Database>, feedKey: string): Promise<FeedState | null> {
    const row = await q
      .selectFrom('feed_versions')
      .select(['revision', 'changed_at'])
      .where('feed_key', '=', feedKey)
      .executeTakeFirst();
    return row ? { feedKey, revision: Number(row.revision), changedAt: Number(row.changed_at) } : null;
  }

  return {
    /** One primary-key read: enough to answer a conditional request. Null for an unknown feed. */
    state: (feedKey: string) => readState(db, feedKey),

    /**
     * The feed's revision and its events, read in one snapshot so the two always agree.
     * Ordered by start, then UID: the same state gives the same order on every engine.
     */
    async snapshot(ref: FeedRef, window: FeedWindow): Promise<FeedSnapshot | null> {
      const read = async (trx: Kysely<Database>) => {
        const state = await readState(trx, ref.key);
        if (!state) return null;
        let query = trx.selectFrom('events').selectAll('events');
        if (ref.kind === 'category') {
          query = query
            .innerJoin('event_categories', 'event_categories.event_id', 'events.id')
            .where('event_categories.category_slug', '=', ref.slug);
        } else if (ref.kind === 'personal') {
          query = query
            .innerJoin('saved_events', 'saved_events.event_id', 'events.id')
            .where('saved_events.visitor_id', '=', ref.visitorId);
        }
        const rows = await query
          .where('events.range_end_utc', '>', window.from)
          .where('events.start_utc', '<', window.to)
          .where((eb) =>
            eb.or([eb('events.status', '!=', 'cancelled'), eb('events.cancelled_at', '>=', window.cancelledSince)]),
          )
          .orderBy('events.start_utc')
          .orderBy('events.uid')
          .execute();
        // A series whose span meets the window is in only if one of its dates is.
        const events = await withOverrides(trx, rows.map(rowToEvent));
        return { state, events: events.filter((e) => !e.rrule || hasOccurrenceIn(e, window.from, window.to)) };
      };
      // SQLite serializes everything through one connection; PostgreSQL needs a snapshot.
      const tx = db.transaction();
      return engine === 'postgres' ? tx.setIsolationLevel('repeatable read').execute(read) : tx.execute(read);
    },
  };
}

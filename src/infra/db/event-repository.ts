import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CalendarEvent, EventStatus } from '../../core/events/event.ts';
import { slugify } from '../../core/events/slug.ts';
import { allFeedKey, categoryFeedKey } from '../../core/feeds/feed.ts';
import type { Database, EventsTable } from './schema.ts';
import { enqueuePushJobs, pushTargetsForEvent } from './push-jobs.ts';
import { enqueueInvitesForEvent } from './mail-jobs.ts';
import { saveOverrides, withOverrides } from './occurrence-rows.ts';
import { nextChangedAt } from './feed-clock.ts';

export interface EventListQuery {
  /** Events ending after this instant (epoch ms). */
  from?: number;
  /** Events starting before this instant (epoch ms). */
  to?: number;
  categorySlug?: string;
  includeCancelled: boolean;
  limit: number;
  after?: { startUtc: number; id: string };
}

/** Another writer changed the event between our read and our write; the caller retries. */
export class ConcurrentUpdateError extends Error {
  readonly code = 'concurrent_update';
}

export function rowToEvent(row: Selectable<EventsTable>): CalendarEvent {
  return {
    id: row.id,
    slug: row.slug,
    uid: row.uid,
    title: row.title,
    description: row.description,
    location: row.location,
    url: row.url,
    categories: JSON.parse(row.categories_json) as string[],
    start: row.start_local,
    end: row.end_local,
    timezone: row.timezone,
    allDay: row.all_day === 1,
    status: row.status as EventStatus,
    sequence: Number(row.sequence),
    startUtc: Number(row.start_utc),
    endUtc: Number(row.end_utc),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    cancelledAt: row.cancelled_at === null ? null : Number(row.cancelled_at),
    cancelNote: row.cancel_note ?? null,
    rrule: row.rrule ?? null,
    rangeEndUtc: row.range_end_utc === null || row.range_end_utc === undefined ? Number(row.end_utc) : Number(row.range_end_utc),
  };
}

function eventToRow(e: CalendarEvent): Selectable<EventsTable> {
  return {
    id: e.id,
    slug: e.slug,
    uid: e.uid,
    title: e.title,
    description: e.description,
    location: e.location,
    url: e.url,
    categories_json: JSON.stringify(e.categories),
    start_local: e.start,
    end_local: e.end,
    timezone: e.timezone,
    all_day: e.allDay ? 1 : 0,
    status: e.status,
    sequence: e.sequence,
    start_utc: e.startUtc,
    end_utc: e.endUtc,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    cancelled_at: e.cancelledAt,
    cancel_note: e.cancelNote ?? null,
    rrule: e.rrule ?? null,
    range_end_utc: e.rangeEndUtc ?? e.endUtc,
  };
}

export type EventRepository = ReturnType<typeof createEventRepository>;

export function createEventRepository(db: Kysely<Database>) {
  return {
    /** Stores a new event with a unique slug; its feeds' versions move in the same transaction. */
    async insert(event: CalendarEvent): Promise<CalendarEvent> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            const stored = { ...event, slug: await freeSlug(trx, event.slug, attempt) };
            await trx.insertInto('events').values(eventToRow(stored)).execute();
            await saveOverrides(trx, { ...stored, overrides: [] }, stored);
            await linkCategories(trx, stored);
            await bumpFeeds(trx, feedKeysOf(stored), stored.updatedAt);
            await recordChange(trx, stored, ['created']);
            return stored;
          });
        } catch (error) {
          // Two writers picked the same free slug (or category) at once: look again.
          if (!isUniqueViolation(error) || attempt >= 5) throw error;
        }
      }
    },

    /**
     * Saves a changed event if nobody else changed it since `previous` was read
     * (optimistic concurrency on updated_at), moving every feed it was or is in.
     */
    async update(previous: CalendarEvent, next: CalendarEvent, changed: string[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const { id, ...row } = eventToRow(next);
        const result = await trx
          .updateTable('events')
          .set(row)
          .where('id', '=', id)
          .where('updated_at', '=', previous.updatedAt)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new ConcurrentUpdateError(`event ${id} changed concurrently`);
        await saveOverrides(trx, previous, next);
        if (JSON.stringify(previous.categories) !== JSON.stringify(next.categories)) {
          await trx.deleteFrom('event_categories').where('event_id', '=', id).execute();
          await linkCategories(trx, next);
        }
        const keys = new Set([...feedKeysOf(previous), ...feedKeysOf(next)]);
        await bumpFeeds(trx, [...keys], next.updatedAt);
        await bumpPersonalFeedsHolding(trx, id, next.updatedAt);
        await recordChange(trx, next, changed);
        await enqueuePushJobs(trx, await pushTargetsForEvent(trx, id), next.updatedAt);
        // Email invites follow SEQUENCE only: a change that does not bump it sends nothing.
        if (next.sequence !== previous.sequence) await enqueueInvitesForEvent(trx, id, next.updatedAt);
      });
    },

    /** What changed when, newest first (the organizer pages show it). */
    async history(eventId: string, limit = 50): Promise<{ at: number; sequence: number; changed: string[] }[]> {
      const rows = await db
        .selectFrom('event_changes')
        .select(['at', 'sequence', 'changed_json'])
        .where('event_id', '=', eventId)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ at: Number(r.at), sequence: Number(r.sequence), changed: JSON.parse(r.changed_json) as string[] }));
    },

    async findByIdOrSlug(key: string): Promise<CalendarEvent | null> {
      const byId = await db.selectFrom('events').selectAll().where('id', '=', key).executeTakeFirst();
      const row = byId ?? (await db.selectFrom('events').selectAll().where('slug', '=', key).executeTakeFirst());
      return row ? (await withOverrides(db, [rowToEvent(row)]))[0]! : null;
    },

    /** Events ordered by start then id, keyset-paginated. */
    async list(q: EventListQuery): Promise<CalendarEvent[]> {
      let query = db.selectFrom('events').selectAll('events');
      if (q.categorySlug !== undefined) {
        query = query
          .innerJoin('event_categories', 'event_categories.event_id', 'events.id')
          .where('event_categories.category_slug', '=', q.categorySlug);
      }
      // A series is in range while any of its dates can be (range_end_utc: its last end).
      if (q.from !== undefined) query = query.where('events.range_end_utc', '>', q.from);
      if (q.to !== undefined) query = query.where('events.start_utc', '<', q.to);
      if (!q.includeCancelled) query = query.where('events.status', '!=', 'cancelled');
      if (q.after) {
        const { startUtc, id } = q.after;
        query = query.where((eb) =>
          eb.or([
            eb('events.start_utc', '>', startUtc),
            eb.and([eb('events.start_utc', '=', startUtc), eb('events.id', '>', id)]),
          ]),
        );
      }
      const rows = await query.orderBy('events.start_utc').orderBy('events.id').limit(q.limit).execute();
      return withOverrides(db, rows.map(rowToEvent));
    },

    async countAll(): Promise<number> {
      const row = await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async categoryExists(slug: string): Promise<boolean> {
      return (await db.selectFrom('categories').select('slug').where('slug', '=', slug).executeTakeFirst()) !== undefined;
    },

    async listCategories(): Promise<{ slug: string; name: string }[]> {
      return db.selectFrom('categories').select(['slug', 'name']).orderBy('name').execute();
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errcode?: number; message?: string };
  return e.code === '23505' || e.errcode === 2067 || e.errcode === 1555 || /UNIQUE constraint failed/.test(e.message ?? '');
}

async function freeSlug(trx: Transaction<Database>, slug: string, attempt: number): Promise<string> {
  // Writers racing for the same title all see the same next free number; after two lost races
  // a random tail makes sure each of them gets one.
  const base = attempt > 2 ? `${slug}-${randomBytes(2).toString('hex')}` : slug;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const taken = await trx.selectFrom('events').select('id').where('slug', '=', candidate).executeTakeFirst();
    if (!taken) return candidate;
  }
}

async function linkCategories(trx: Transaction<Database>, e: CalendarEvent): Promise<void> {
  for (const name of e.categories) {
    const slug = slugify(name);
    await trx.insertInto('categories').values({ slug, name }).onConflict((oc) => oc.column('slug').doNothing()).execute();
    await trx.insertInto('event_categories').values({ event_id: e.id, category_slug: slug }).execute();
  }
}

function feedKeysOf(e: CalendarEvent): string[] {
  return [allFeedKey(), ...e.categories.map((name) => categoryFeedKey(slugify(name)))];
}

async function recordChange(trx: Transaction<Database>, e: CalendarEvent, changed: string[]): Promise<void> {
  await trx
    .insertInto('event_changes')
    .values({ event_id: e.id, at: e.updatedAt, sequence: e.sequence, changed_json: JSON.stringify(changed) })
    .execute();
}

/** Every personal feed holding the event moves too, in one statement, in a stable lock order. */
async function bumpPersonalFeedsHolding(trx: Transaction<Database>, eventId: string, changedAt: number): Promise<void> {
  await sql`
    insert into feed_versions (feed_key, revision, changed_at)
    select 'personal:' || visitor_id, 1, ${changedAt} from saved_events where event_id = ${eventId}
    order by visitor_id
    on conflict (feed_key) do update set
      revision = feed_versions.revision + 1,
      changed_at = ${nextChangedAt(changedAt)}
  `.execute(trx);
}

/** Moves each feed's revision; a feed that changed gets a new ETag on its next request. */
async function bumpFeeds(trx: Transaction<Database>, keys: string[], changedAt: number): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await trx
      .insertInto('feed_versions')
      .values({ feed_key: key, revision: 1, changed_at: changedAt })
      .onConflict((oc) =>
        oc.column('feed_key').doUpdateSet({
          revision: sql`feed_versions.revision + 1`,
          changed_at: nextChangedAt(changedAt),
        }),
      )
      .execute();
  }
}

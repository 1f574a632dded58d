import type { Kysely, Selectable } from 'kysely';
import type { CopyState, PushedCopy } from '../../core/sync/copy.ts';
import type { Database, PushedCopiesTable } from './schema.ts';
import { failedCopies, requeueFailedCopies } from './push-jobs.ts';

export type { CopyState, PushedCopy } from '../../core/sync/copy.ts';

export type CopyRepository = ReturnType<typeof createCopyRepository>;

export function toCopy(r: Selectable<PushedCopiesTable>): PushedCopy {
  return {
    connectionId: r.connection_id,
    eventId: r.event_id,
    calendarId: r.calendar_id,
    remoteId: r.remote_id,
    etag: r.etag,
    sequence: r.sequence === null ? null : Number(r.sequence),
    pushedVersion: r.pushed_version === null ? null : Number(r.pushed_version),
    state: r.state as CopyState,
    lastError: r.last_error,
    updatedAt: Number(r.updated_at),
    generation: Number(r.generation ?? 0),
    requestedAgain: Number(r.requested_again ?? 0) === 1,
  };
}

/** Our event <-> its copy in a connected calendar. */
export function createCopyRepository(db: Kysely<Database>) {
  return {
    async get(connectionId: string, eventId: string): Promise<PushedCopy | null> {
      const r = await db.selectFrom('pushed_copies').selectAll().where('connection_id', '=', connectionId).where('event_id', '=', eventId).executeTakeFirst();
      return r ? toCopy(r) : null;
    },

    async put(c: PushedCopy): Promise<void> {
      const row = {
        connection_id: c.connectionId,
        event_id: c.eventId,
        calendar_id: c.calendarId,
        remote_id: c.remoteId,
        etag: c.etag,
        sequence: c.sequence,
        pushed_version: c.pushedVersion,
        state: c.state,
        last_error: c.lastError,
        updated_at: c.updatedAt,
        generation: c.generation,
        requested_again: c.requestedAgain ? 1 : 0,
      };
      await db
        .insertInto('pushed_copies')
        .values(row)
        .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doUpdateSet(row))
        .execute();
    },

    /** Records a failure (or a pending retry) without touching what we know of the copy. */
    async mark(connectionId: string, eventId: string, state: CopyState, error: string | null, now: number): Promise<void> {
      await db
        .insertInto('pushed_copies')
        .values({ connection_id: connectionId, event_id: eventId, calendar_id: null, remote_id: null, etag: null, sequence: null, pushed_version: null, state, last_error: error, updated_at: now, generation: 0, requested_again: 0 })
        .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doUpdateSet({ state, last_error: error, updated_at: now }))
        .execute();
    },

    async forVisitor(visitorId: string) {
      return db
        .selectFrom('pushed_copies')
        .innerJoin('connections', 'connections.id', 'pushed_copies.connection_id')
        .select(['pushed_copies.event_id as eventId', 'pushed_copies.connection_id as connectionId', 'connections.kind as kind', 'pushed_copies.state as state', 'pushed_copies.last_error as lastError'])
        .where('connections.visitor_id', '=', visitorId)
        .execute();
    },

    /** Failed copies matching `filter` get a fresh try; returns how many. */
    async retryFailed(filter: { eventId?: string; visitorId?: string; connectionId?: string }, now: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const targets = await failedCopies(trx, filter);
        await requeueFailedCopies(trx, targets, now);
        return targets.length;
      });
    },

    /** The dead-letter list of one event, for its organizer: which kind of calendar and why. */
    async failuresForEvent(eventId: string): Promise<{ kind: string; reason: string | null; since: number }[]> {
      const rows = await db
        .selectFrom('pushed_copies')
        .innerJoin('connections', 'connections.id', 'pushed_copies.connection_id')
        .select(['connections.kind as kind', 'pushed_copies.last_error as reason', 'pushed_copies.updated_at as since'])
        .where('pushed_copies.event_id', '=', eventId)
        .where('pushed_copies.state', '=', 'failed')
        .orderBy('pushed_copies.updated_at', 'desc')
        .limit(100)
        .execute();
      return rows.map((r) => ({ kind: r.kind, reason: r.reason, since: Number(r.since) }));
    },

    async countsForEvent(eventId: string): Promise<Record<string, number>> {
      const rows = await db.selectFrom('pushed_copies').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('event_id', '=', eventId).groupBy('state').execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}

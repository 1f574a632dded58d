import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { insertJobs } from './outbox-sql.ts';

export { jobKeyStartsWith } from './outbox-sql.ts';

// Push jobs are written by the same transaction as the change that causes them (save, unsave,
// edit, cancel, a new or revived connection): a crash can delay a push, never lose it.

export const PUSH_JOB = 'push-event';

export interface PushTarget {
  connectionId: string;
  eventId: string;
}

/** One connection's jobs share this prefix (to park them, or release them on reconnect). */
export const connectionJobPrefix = (connectionId: string) => `conn:${connectionId}:`;

/** One copy's jobs run one at a time, in order. */
export const pushJobKey = (t: PushTarget) => `${connectionJobPrefix(t.connectionId)}${t.eventId}`;

/** Makes a connection's deleted calendar again; one at a time per connection (its own key). */
export const REPAIR_CALENDAR_JOB = 'repair-calendar';

export interface CalendarRepair {
  connectionId: string;
  /** The calendar found gone. */
  calendarId: string;
}

export async function enqueueCalendarRepair(trx: Kysely<Database>, r: CalendarRepair, now: number): Promise<void> {
  await insertJobs(trx, [{ kind: REPAIR_CALENDAR_JOB, payload: r, orderingKey: `${connectionJobPrefix(r.connectionId)}~calendar` }], now);
}

export async function enqueuePushJobs(trx: Kysely<Database>, targets: PushTarget[], now: number): Promise<void> {
  await insertJobs(
    trx,
    targets.map((t) => ({ kind: PUSH_JOB, payload: t, orderingKey: pushJobKey(t) })),
    now,
  );
}

/**
 * The "retry" button: the copies' dead jobs leave the dead-letter list and a fresh job is
 * queued for each, in one transaction (the job compares store and copy, so it is safe to run
 * however the copy stands now).
 */
export async function requeueFailedCopies(trx: Kysely<Database>, targets: PushTarget[], now: number): Promise<void> {
  if (targets.length === 0) return;
  await trx.deleteFrom('outbox_jobs').where('state', '=', 'dead').where('ordering_key', 'in', targets.map(pushJobKey)).execute();
  await enqueuePushJobs(trx, targets, now);
  for (const t of targets) {
    await trx
      .updateTable('pushed_copies')
      .set({ state: 'pending', last_error: 'retrying', updated_at: now })
      .where('connection_id', '=', t.connectionId)
      .where('event_id', '=', t.eventId)
      .where('state', '=', 'failed')
      .execute();
  }
}

/** Failed copies: all of an event's, or one person's (optionally of one event and connection). */
export async function failedCopies(trx: Kysely<Database>, filter: { eventId?: string; visitorId?: string; connectionId?: string }): Promise<PushTarget[]> {
  let q = trx
    .selectFrom('pushed_copies')
    .innerJoin('connections', 'connections.id', 'pushed_copies.connection_id')
    .select(['pushed_copies.connection_id as connectionId', 'pushed_copies.event_id as eventId'])
    .where('pushed_copies.state', '=', 'failed');
  if (filter.eventId) q = q.where('pushed_copies.event_id', '=', filter.eventId);
  if (filter.visitorId) q = q.where('connections.visitor_id', '=', filter.visitorId);
  if (filter.connectionId) q = q.where('pushed_copies.connection_id', '=', filter.connectionId);
  return q.orderBy('pushed_copies.connection_id').execute();
}

/** Every push connection whose owner saved the event, or that already holds a copy of it. */
export async function pushTargetsForEvent(trx: Kysely<Database>, eventId: string): Promise<PushTarget[]> {
  const saved = await trx
    .selectFrom('saved_events')
    .innerJoin('connections', 'connections.visitor_id', 'saved_events.visitor_id')
    .select('connections.id as connectionId')
    .where('saved_events.event_id', '=', eventId)
    .where('connections.mode', '=', 'push')
    .execute();
  const copies = await trx.selectFrom('pushed_copies').select('connection_id as connectionId').where('event_id', '=', eventId).execute();
  const ids = new Set([...saved, ...copies].map((r) => r.connectionId));
  return [...ids].sort().map((connectionId) => ({ connectionId, eventId }));
}

/** The visitor's push connections, for one event (save/unsave). */
export async function pushTargetsForVisitorEvent(trx: Kysely<Database>, visitorId: string, eventId: string): Promise<PushTarget[]> {
  const rows = await trx.selectFrom('connections').select('id').where('visitor_id', '=', visitorId).where('mode', '=', 'push').orderBy('id').execute();
  return rows.map((r) => ({ connectionId: r.id, eventId }));
}

/** Everything a (re)connected push connection should hold: its owner's saved events. */
export async function pushTargetsForConnection(trx: Kysely<Database>, connectionId: string): Promise<PushTarget[]> {
  const rows = await trx
    .selectFrom('connections')
    .innerJoin('saved_events', 'saved_events.visitor_id', 'connections.visitor_id')
    .select('saved_events.event_id as eventId')
    .where('connections.id', '=', connectionId)
    .where('connections.mode', '=', 'push')
    .orderBy('saved_events.event_id')
    .execute();
  return rows.map((r) => ({ connectionId, eventId: r.eventId }));
}

/**
 * The person saved the event (again): they are asking for it in their calendars. Copies they
 * deleted there may be made again, and copies we think are there are looked at once more (they
 * may have deleted one we have not noticed yet). Returns how many copies were touched.
 */
export async function rearmCopiesDeletedByPerson(trx: Kysely<Database>, targets: PushTarget[], now: number): Promise<number> {
  if (targets.length === 0) return 0;
  const copies = (q: ReturnType<typeof trx.updateTable<'pushed_copies'>>) =>
    q.where('event_id', '=', targets[0]!.eventId).where('connection_id', 'in', targets.map((t) => t.connectionId));
  const rearmed = await copies(trx.updateTable('pushed_copies').set({ state: 'removed', last_error: null, updated_at: now }))
    .where('state', '=', 'deleted_by_person')
    .executeTakeFirst();
  const rechecked = await copies(trx.updateTable('pushed_copies').set({ requested_again: 1, pushed_version: null, updated_at: now }))
    .where('state', 'in', ['synced', 'pending', 'failed'])
    .where('remote_id', 'is not', null)
    .executeTakeFirst();
  return Number(rearmed.numUpdatedRows) + Number(rechecked.numUpdatedRows);
}

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

export async function enqueuePushJobs(trx: Kysely<Database>, targets: PushTarget[], now: number): Promise<void> {
  await insertJobs(
    trx,
    targets.map((t) => ({ kind: PUSH_JOB, payload: t, orderingKey: `${connectionJobPrefix(t.connectionId)}${t.eventId}` })),
    now,
  );
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

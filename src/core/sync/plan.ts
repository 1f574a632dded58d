import type { EventStatus } from '../events/event.ts';
import type { Connection } from './connection.ts';
import { isLive, isUnconfirmedCreate, type PushedCopy } from './copy.ts';

// What one push job must do to make a connection's copy of an event match the store. Pure:
// the same facts always give the same plan, so retries, duplicate jobs and jobs out of order
// all end in the same place (app/push-sync.ts applies the plan).

export interface PushFacts {
  connection: Pick<Connection, 'mode' | 'targetCalendarId'>;
  event: { status: EventStatus; updatedAt: number } | null;
  /** The connection's owner has the event saved. */
  saved: boolean;
  copy: PushedCopy | null;
}

export type PushPlan =
  | { action: 'create'; calendarId: string }
  | { action: 'update'; calendarId: string; remoteId: string; etag: string | null }
  | { action: 'delete'; calendarId: string; remoteId: string; etag: string | null }
  /** A create may have landed without its answer: find the copy by its idempotency key and delete it. */
  | { action: 'delete_unconfirmed'; calendarId: string }
  /** Nothing to send; `settle` is the copy's state when it must change without a request. */
  | { action: 'nothing'; why: 'unchanged' | 'not_wanted' | 'deleted_by_person'; settle?: 'removed' | 'synced' }
  /** Wanted, but there is no calendar to write to yet (it is being made). */
  | { action: 'wait'; why: 'no_calendar' };

/** Whether the connection should hold a copy of the event at all. */
export function wantsCopy(f: PushFacts): boolean {
  return f.connection.mode === 'push' && f.event !== null && f.event.status !== 'cancelled' && f.saved && f.copy?.state !== 'deleted_by_person';
}

export function planPush(f: PushFacts): PushPlan {
  const copy = f.copy;
  if (!wantsCopy(f)) {
    if (isLive(copy)) return { action: 'delete', calendarId: copy.calendarId, remoteId: copy.remoteId, etag: copy.etag };
    if (isUnconfirmedCreate(copy) && f.event !== null) return { action: 'delete_unconfirmed', calendarId: copy.calendarId };
    if (copy?.state === 'deleted_by_person') return { action: 'nothing', why: 'deleted_by_person' };
    // Never made: the copy is not "pending" any more, there is simply nothing to do.
    if (copy && (copy.state === 'pending' || copy.state === 'failed')) return { action: 'nothing', why: 'not_wanted', settle: 'removed' };
    return { action: 'nothing', why: 'not_wanted' };
  }
  if (isLive(copy)) {
    if (copy.pushedVersion !== null && copy.pushedVersion >= f.event!.updatedAt) {
      return { action: 'nothing', why: 'unchanged', ...(copy.state === 'synced' ? {} : { settle: 'synced' as const }) };
    }
    return { action: 'update', calendarId: copy.calendarId, remoteId: copy.remoteId, etag: copy.etag };
  }
  // A create whose answer was lost is simply sent again: the idempotency key finds the first.
  const calendarId = isUnconfirmedCreate(copy) ? copy.calendarId : f.connection.targetCalendarId;
  if (!calendarId) return { action: 'wait', why: 'no_calendar' };
  return { action: 'create', calendarId };
}

// Our event's copy in one connected calendar, and the only ways it changes state.
//
//   (none) ──create sent──▶ pending ──answer──▶ synced ──update──▶ synced
//      ▲                      │ lost answer: a copy may exist (remoteId unknown)
//      │                      ▼
//   removed ◀──delete── synced/pending/failed          synced ──person deleted it──▶ deleted_by_person
//
// A removed copy forgets its remote id (a later save makes a new copy, never patches a dead
// one) and moves to the next generation (a new idempotency key for the next create).

export const COPY_STATES = ['pending', 'synced', 'removed', 'deleted_by_person', 'failed'] as const;
export type CopyState = (typeof COPY_STATES)[number];

export interface PushedCopy {
  connectionId: string;
  eventId: string;
  /** The calendar the copy is in, or where its create was sent. */
  calendarId: string | null;
  remoteId: string | null;
  etag: string | null;
  sequence: number | null;
  /** The event's updatedAt when it was last pushed. */
  pushedVersion: number | null;
  state: CopyState;
  lastError: string | null;
  updatedAt: number;
  /** Bumped each time a copy is removed, so the next create gets a fresh idempotency key. */
  generation: number;
  /**
   * The person saved the event again since the copy was pushed: if they had deleted it in their
   * calendar meanwhile (unknown to us until we look), it is made again rather than left deleted.
   */
  requestedAgain: boolean;
}

export interface RemoteRef {
  remoteId: string;
  etag: string | null;
}

export interface PushedVersion {
  sequence: number;
  updatedAt: number;
}

export function blankCopy(connectionId: string, eventId: string, now: number): PushedCopy {
  return { connectionId, eventId, calendarId: null, remoteId: null, etag: null, sequence: null, pushedVersion: null, state: 'pending', lastError: null, updatedAt: now, generation: 0, requestedAgain: false };
}

/** Written before the create is sent: if its answer is lost, we still know where it went. */
export const createSent = (c: PushedCopy, calendarId: string, now: number): PushedCopy => ({ ...c, calendarId, remoteId: null, etag: null, state: 'pending', updatedAt: now });

export const pushed = (c: PushedCopy, ref: RemoteRef, v: PushedVersion, now: number): PushedCopy => ({
  ...c,
  remoteId: ref.remoteId,
  etag: ref.etag,
  sequence: v.sequence,
  pushedVersion: v.updatedAt,
  state: 'synced',
  lastError: null,
  updatedAt: now,
  requestedAgain: false,
});

export const removed = (c: PushedCopy, now: number): PushedCopy => ({
  ...c,
  remoteId: null,
  etag: null,
  pushedVersion: null,
  state: 'removed',
  lastError: null,
  updatedAt: now,
  generation: c.generation + 1,
  requestedAgain: false,
});

/** The person deleted our copy in their calendar: it stays deleted until they save the event again. */
export const deletedByPerson = (c: PushedCopy, now: number): PushedCopy => ({
  ...removed(c, now),
  state: 'deleted_by_person',
  lastError: 'removed from the calendar by its owner',
});

/** A copy with a remote id we may still update or delete. */
export const isLive = (c: PushedCopy | null): c is PushedCopy & { remoteId: string; calendarId: string } =>
  c !== null && c.remoteId !== null && c.calendarId !== null && (c.state === 'synced' || c.state === 'pending' || c.state === 'failed');

/** A create was sent but never confirmed: the copy may exist, under its idempotency key. */
export const isUnconfirmedCreate = (c: PushedCopy | null): c is PushedCopy & { calendarId: string } =>
  c !== null && c.remoteId === null && c.calendarId !== null && (c.state === 'pending' || c.state === 'failed');

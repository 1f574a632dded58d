import { randomBytes, randomUUID } from 'node:crypto';
import { SEQUENCED_FIELDS, type CalendarEvent, type EventFields } from './event.ts';
import { EventNotCancelledError, EventValidationError } from './errors.ts';
import { normalizeEventFields } from './validation.ts';
import { slugify } from './slug.ts';
import { seriesAfterPatch } from '../recurrence/overrides.ts';

export type NewEventInput = Pick<EventFields, 'title' | 'start' | 'end' | 'timezone'> & Partial<EventFields>;
export type EventPatch = Partial<EventFields>;

/** A globally unique UID that says nothing about the event or the people in it (RFC 7986 §5.3). */
export function newEventUid(uidDomain: string): string {
  return `${randomUUID().replaceAll('-', '')}@${uidDomain}`;
}

/** Short opaque id used in URLs and the API. */
export function newEventId(): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  return [...randomBytes(12)].map((b) => alphabet[b & 31]).join('');
}

export function createEvent(input: NewEventInput, uidDomain: string, now: number): CalendarEvent {
  const fields: EventFields = {
    description: null,
    location: null,
    url: null,
    categories: [],
    allDay: false,
    status: 'confirmed',
    ...input,
  };
  if (fields.status === 'cancelled') {
    throw new EventValidationError([{ field: 'status', message: 'a new event cannot start out cancelled' }]);
  }
  const result = normalizeEventFields(fields);
  if ('errors' in result) throw new EventValidationError(result.errors);
  const id = newEventId();
  return {
    ...result.ok.fields,
    id,
    slug: slugify(result.ok.fields.title),
    uid: newEventUid(uidDomain),
    sequence: 0,
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    cancelNote: null,
    startUtc: result.ok.startUtc,
    endUtc: result.ok.endUtc,
    rangeEndUtc: result.ok.rangeEndUtc,
    // A series carries its exceptions (none yet); a one-off event has none to carry.
    ...(result.ok.fields.rrule ? { overrides: [] } : {}),
  };
}

export interface EventChange {
  event: CalendarEvent;
  /** Organizer fields whose value changed. Empty means nothing changed and nothing is saved. */
  changed: (keyof EventFields)[];
}

/**
 * Applies a partial update. SEQUENCE goes up by exactly one when any sequenced field changes;
 * DTSTAMP (updatedAt) moves on any change and stays put when the patch changes nothing.
 */
export function applyEventPatch(current: CalendarEvent, patch: EventPatch, now: number): EventChange {
  const merged: EventFields = { ...pickFields(current), ...withoutUndefined(patch) };
  const result = normalizeEventFields(merged);
  if ('errors' in result) throw new EventValidationError(result.errors);
  const next = result.ok.fields;
  const before = pickFields(current);
  const changed = (Object.keys(next) as (keyof EventFields)[]).filter(
    (key) => JSON.stringify(next[key] ?? null) !== JSON.stringify(before[key] ?? null),
  );
  if (changed.length === 0) return { event: current, changed };
  // A new rule is a new set of dates: as significant as a new start (PRODUCT.md "Recurrence").
  const sequenced = changed.some((key) => (SEQUENCED_FIELDS as readonly string[]).includes(key) || key === 'rrule');
  let cancelledAt = current.cancelledAt;
  if (changed.includes('status')) cancelledAt = next.status === 'cancelled' ? now : null;
  return {
    changed,
    event: {
      ...current,
      ...next,
      sequence: sequenced ? current.sequence + 1 : current.sequence,
      updatedAt: nextChangeAt(current.updatedAt, now),
      cancelledAt,
      startUtc: result.ok.startUtc,
      endUtc: result.ok.endUtc,
      ...seriesAfterPatch(current, next, result.ok),
    },
  };
}

/**
 * Cancelling keeps the event (STATUS:CANCELLED, SEQUENCE+1) so subscribers see it go. The note
 * to attendees rides along; cancelling twice changes nothing.
 */
export function cancelEvent(current: CalendarEvent, now: number, note: string | null = null): EventChange {
  const change = applyEventPatch(current, { status: 'cancelled' }, now);
  if (change.changed.length === 0) return change;
  return { ...change, event: { ...change.event, cancelNote: note?.trim() || null } };
}

/** Undoing a cancel: confirmed again, SEQUENCE+1 (status is sequenced), the note gone. */
export function restoreEvent(current: CalendarEvent, now: number): EventChange {
  if (current.status !== 'cancelled') throw new EventNotCancelledError(`event "${current.id}" is not cancelled`);
  const change = applyEventPatch(current, { status: 'confirmed' }, now);
  return { ...change, event: { ...change.event, cancelNote: null } };
}

function pickFields(e: CalendarEvent): EventFields {
  const { title, description, location, url, categories, start, end, timezone, allDay, status } = e;
  return { title, description, location, url, categories, start, end, timezone, allDay, status, rrule: e.rrule ?? null };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * When a change made at `now` is stamped: never earlier than the last one, and in a later
 * whole second, because DTSTAMP and Last-Modified travel in whole seconds and a same-second
 * edit would otherwise be invisible to If-Modified-Since pollers.
 */
export function nextChangeAt(previous: number, now: number): number {
  return Math.max(now, Math.floor(previous / 1000) * 1000 + 1000);
}

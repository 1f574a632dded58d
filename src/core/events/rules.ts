import { randomBytes, randomUUID } from 'node:crypto';
import { SEQUENCED_FIELDS, type CalendarEvent, type EventFields } from './event.ts';
import { EventValidationError } from './errors.ts';
import { normalizeEventFields } from './validation.ts';
import { slugify } from './slug.ts';

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
    startUtc: result.ok.startUtc,
    endUtc: result.ok.endUtc,
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
  const changed = (Object.keys(next) as (keyof EventFields)[]).filter(
    (key) => JSON.stringify(next[key]) !== JSON.stringify(current[key]),
  );
  if (changed.length === 0) return { event: current, changed };
  const sequenced = changed.some((key) => (SEQUENCED_FIELDS as readonly string[]).includes(key));
  let cancelledAt = current.cancelledAt;
  if (changed.includes('status')) cancelledAt = next.status === 'cancelled' ? now : null;
  return {
    changed,
    event: {
      ...current,
      ...next,
      sequence: sequenced ? current.sequence + 1 : current.sequence,
      updatedAt: Math.max(now, current.updatedAt + 1),
      cancelledAt,
      startUtc: result.ok.startUtc,
      endUtc: result.ok.endUtc,
    },
  };
}

/** Cancelling keeps the event (STATUS:CANCELLED, SEQUENCE+1) so subscribers see it go. */
export function cancelEvent(current: CalendarEvent, now: number): EventChange {
  return applyEventPatch(current, { status: 'cancelled' }, now);
}

function pickFields(e: CalendarEvent): EventFields {
  const { title, description, location, url, categories, start, end, timezone, allDay, status } = e;
  return { title, description, location, url, categories, start, end, timezone, allDay, status };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

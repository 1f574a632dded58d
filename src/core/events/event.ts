import type { OccurrenceOverride } from '../recurrence/occurrences.ts';

// The event as the domain sees it. Times are wall-clock values in `timezone`; the UTC instants
// are derived once (on write) so that feeds can window and sort without tz arithmetic.

export const EVENT_STATUSES = ['confirmed', 'tentative', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** What an organizer controls. */
export interface EventFields {
  title: string;
  description: string | null;
  location: string | null;
  url: string | null;
  categories: string[];
  /** `YYYY-MM-DDTHH:MM:SS`, or `YYYY-MM-DD` when allDay. */
  start: string;
  /** Exclusive end, same form as start. */
  end: string;
  timezone: string;
  allDay: boolean;
  status: EventStatus;
  /** RFC 5545 RECUR value (no `RRULE:` prefix) for a series; null or absent for a one-off event. */
  rrule?: string | null;
}

/** A stored event: the organizer's fields plus what the server owns. */
export interface CalendarEvent extends EventFields {
  id: string;
  slug: string;
  uid: string;
  sequence: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last change in the store; DTSTAMP and LAST-MODIFIED. */
  updatedAt: number;
  cancelledAt: number | null;
  /** What the organizer told attendees when cancelling; null when none or not cancelled. */
  cancelNote?: string | null;
  startUtc: number;
  endUtc: number;
  /** End of the last occurrence (endUtc for a one-off event): windows test [startUtc, this). */
  rangeEndUtc?: number;
  /** A series' changed and cancelled occurrences, ordered by name. */
  overrides?: readonly OccurrenceOverride[];
}

/** Fields whose change is a significant revision: SEQUENCE goes up by one (PRODUCT.md). */
export const SEQUENCED_FIELDS = [
  'start',
  'end',
  'timezone',
  'allDay',
  'title',
  'description',
  'location',
  'status',
] as const satisfies readonly (keyof EventFields)[];

export const FIELD_LIMITS = {
  title: 200,
  description: 8000,
  location: 500,
  url: 2000,
  category: 60,
  categories: 10,
} as const;

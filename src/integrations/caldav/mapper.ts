import { renderCalendar } from '../../core/ics/calendar.ts';
import type { RemoteEventInput } from '../provider.ts';

/**
 * One event as a CalDAV resource: one VCALENDAR, one UID (RFC 4791 §4.1), our own serializer.
 * A series is the feed's own rendering: the master VEVENT (RRULE, EXDATE) and one RECURRENCE-ID
 * VEVENT per changed occurrence, all in this one resource ("all instances of a series in one
 * resource", RFC 4791 §4.1).
 */
export function toICalendarObject(e: RemoteEventInput): string {
  return renderCalendar({ productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club' }, [
    {
      id: e.uid,
      slug: '',
      uid: e.uid,
      title: e.title,
      description: e.description,
      location: e.location,
      url: e.url,
      categories: [],
      start: e.start,
      end: e.end,
      timezone: e.timezone,
      allDay: e.allDay,
      status: e.status,
      sequence: e.sequence,
      createdAt: e.updatedAt,
      updatedAt: e.updatedAt,
      cancelledAt: null,
      startUtc: e.startUtc,
      endUtc: e.endUtc,
      ...(e.recurrence ? { rrule: e.recurrence.rrule, overrides: e.recurrence.overrides, rangeEndUtc: e.recurrence.rangeEndUtc } : {}),
    },
  ]);
}

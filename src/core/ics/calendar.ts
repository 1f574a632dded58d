import type { CalendarEvent } from '../events/event.ts';
import { CRLF, escapeText, foldLine, paramValue } from './text.ts';
import { dateValue, localDateTimeValue, utcDateTime } from './datetime.ts';
import { isUtcZone, vtimezoneFor } from './vtimezone.ts';

/**
 * Bump when the rendered bytes change for the same stored data (new property, new format):
 * it is part of every feed's ETag, so clients refetch after a deploy that changes output.
 */
export const RENDERER_VERSION = 1;

export interface CalendarMeta {
  /** PRODID, e.g. `-//Calendar Club//Calendar Club 1.0//EN`. */
  productId: string;
  /** NAME and X-WR-CALNAME: a plain name (Outlook web shows the backslashes of escaped commas). */
  name: string;
  description?: string;
  /** REFRESH-INTERVAL and X-PUBLISHED-TTL, in minutes; omitted for one-off downloads. */
  refreshMinutes?: number;
}

/** Renders one VCALENDAR holding `events` in the given order, CRLF after every line. */
export function renderCalendar(meta: CalendarMeta, events: readonly CalendarEvent[]): string {
  const out: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    foldLine('PRODID:' + meta.productId),
    'CALSCALE:GREGORIAN',
  ];
  const name = escapeText(meta.name.replace(/[,;\\]/g, ' ').replace(/\s+/g, ' ').trim());
  out.push(foldLine('NAME:' + name), foldLine('X-WR-CALNAME:' + name));
  if (meta.description) {
    const description = escapeText(meta.description);
    out.push(foldLine('DESCRIPTION:' + description), foldLine('X-WR-CALDESC:' + description));
  }
  if (meta.refreshMinutes !== undefined) {
    const duration = `PT${Math.max(1, Math.round(meta.refreshMinutes))}M`;
    out.push('REFRESH-INTERVAL;VALUE=DURATION:' + duration, 'X-PUBLISHED-TTL:' + duration);
  }
  for (const tzid of usedTzids(events)) out.push(...vtimezoneFor(tzid)!.lines);
  for (const event of events) renderEventInto(out, event);
  out.push('END:VCALENDAR', '');
  return out.join(CRLF);
}

/** Every TZID the events reference, sorted so that the output is deterministic. */
function usedTzids(events: readonly CalendarEvent[]): string[] {
  const zones = new Set<string>();
  for (const e of events) {
    if (!e.allDay && !isUtcZone(e.timezone) && vtimezoneFor(e.timezone)) zones.add(vtimezoneFor(e.timezone)!.tzid);
  }
  return [...zones].sort();
}

function renderEventInto(out: string[], e: CalendarEvent): void {
  out.push('BEGIN:VEVENT', foldLine('UID:' + e.uid));
  const stamp = utcDateTime(e.updatedAt);
  out.push('DTSTAMP:' + stamp, 'CREATED:' + utcDateTime(e.createdAt), 'LAST-MODIFIED:' + stamp);
  out.push('SEQUENCE:' + e.sequence);
  if (e.allDay) {
    out.push('DTSTART;VALUE=DATE:' + dateValue(e.start), 'DTEND;VALUE=DATE:' + dateValue(e.end));
  } else {
    const zone = vtimezoneFor(e.timezone);
    if (!zone || isUtcZone(zone.tzid)) {
      out.push('DTSTART:' + utcDateTime(e.startUtc), 'DTEND:' + utcDateTime(e.endUtc));
    } else {
      const tz = ';TZID=' + paramValue(zone.tzid) + ':';
      out.push('DTSTART' + tz + localDateTimeValue(e.start), 'DTEND' + tz + localDateTimeValue(e.end));
    }
  }
  out.push(foldLine('SUMMARY:' + escapeText(e.title)));
  const description = descriptionWithLink(e);
  if (description) out.push(foldLine('DESCRIPTION:' + escapeText(description)));
  if (e.location) out.push(foldLine('LOCATION:' + escapeText(e.location)));
  if (e.url) out.push(foldLine('URL:' + e.url));
  if (e.categories.length > 0) out.push(foldLine('CATEGORIES:' + e.categories.map(escapeText).join(',')));
  out.push('STATUS:' + e.status.toUpperCase());
  // All-day items (festivals, deadlines) should not block a whole day in free/busy.
  out.push(e.allDay ? 'TRANSP:TRANSPARENT' : 'TRANSP:OPAQUE');
  out.push('END:VEVENT');
}

/** Google does not show URL on import, so the link is repeated at the end of DESCRIPTION. */
function descriptionWithLink(e: CalendarEvent): string | null {
  if (!e.url) return e.description;
  if (!e.description) return e.url;
  return e.description.includes(e.url) ? e.description : `${e.description}\n\n${e.url}`;
}

import type { CalendarEvent } from '../events/event.ts';
import { CRLF, escapeText, foldLine } from './text.ts';
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
  let out = calendarHead(meta, events);
  for (const event of events) out += renderEvent(event);
  return out + 'END:VCALENDAR' + CRLF;
}

/**
 * The same bytes as Buffer.from(renderCalendar(…)), built event by event: each event's text
 * dies young, so a 50,000-event feed never holds its whole text as one JavaScript string.
 */
export function renderCalendarBytes(meta: CalendarMeta, events: readonly CalendarEvent[]): Buffer {
  const chunks: Buffer[] = [Buffer.from(calendarHead(meta, events), 'utf8')];
  let batch = '';
  for (const event of events) {
    batch += renderEvent(event);
    if (batch.length > 64 * 1024) {
      chunks.push(Buffer.from(batch, 'utf8'));
      batch = '';
    }
  }
  chunks.push(Buffer.from(batch + 'END:VCALENDAR' + CRLF, 'utf8'));
  return Buffer.concat(chunks);
}

function calendarHead(meta: CalendarMeta, events: readonly CalendarEvent[]): string {
  let out = 'BEGIN:VCALENDAR' + CRLF + 'VERSION:2.0' + CRLF + foldLine('PRODID:' + meta.productId) + CRLF + 'CALSCALE:GREGORIAN' + CRLF;
  const name = escapeText(meta.name.replace(/[,;\\]/g, ' ').replace(/\s+/g, ' ').trim());
  out += foldLine('NAME:' + name) + CRLF + foldLine('X-WR-CALNAME:' + name) + CRLF;
  if (meta.description) {
    const description = escapeText(meta.description);
    out += foldLine('DESCRIPTION:' + description) + CRLF + foldLine('X-WR-CALDESC:' + description) + CRLF;
  }
  if (meta.refreshMinutes !== undefined) {
    const duration = `PT${Math.max(1, Math.round(meta.refreshMinutes))}M`;
    out += 'REFRESH-INTERVAL;VALUE=DURATION:' + duration + CRLF + 'X-PUBLISHED-TTL:' + duration + CRLF;
  }
  for (const tzid of usedTzids(events)) out += vtimezoneFor(tzid)!.lines.join(CRLF) + CRLF;
  return out;
}

/** Every TZID the events reference, sorted so that the output is deterministic. */
function usedTzids(events: readonly CalendarEvent[]): string[] {
  const seen = new Set<string>();
  const zones = new Set<string>();
  for (const e of events) {
    if (e.allDay || seen.has(e.timezone)) continue;
    seen.add(e.timezone);
    const block = vtimezoneFor(e.timezone);
    if (block && !isUtcZone(block.tzid)) zones.add(block.tzid);
  }
  return [...zones].sort();
}

function renderEvent(e: CalendarEvent): string {
  const stamp = utcDateTime(e.updatedAt);
  let out =
    'BEGIN:VEVENT' + CRLF +
    foldLine('UID:' + e.uid) + CRLF +
    'DTSTAMP:' + stamp + CRLF +
    'CREATED:' + utcDateTime(e.createdAt) + CRLF +
    'LAST-MODIFIED:' + stamp + CRLF +
    'SEQUENCE:' + e.sequence + CRLF;
  if (e.allDay) {
    out += 'DTSTART;VALUE=DATE:' + dateValue(e.start) + CRLF + 'DTEND;VALUE=DATE:' + dateValue(e.end) + CRLF;
  } else {
    const zone = vtimezoneFor(e.timezone);
    if (!zone || isUtcZone(zone.tzid)) {
      out += 'DTSTART:' + utcDateTime(e.startUtc) + CRLF + 'DTEND:' + utcDateTime(e.endUtc) + CRLF;
    } else {
      const tz = zone.param;
      out += 'DTSTART' + tz + localDateTimeValue(e.start) + CRLF + 'DTEND' + tz + localDateTimeValue(e.end) + CRLF;
    }
  }
  out += foldLine('SUMMARY:' + escapeText(e.title)) + CRLF;
  const description = descriptionWithLink(e);
  if (description) out += foldLine('DESCRIPTION:' + escapeText(description)) + CRLF;
  if (e.location) out += foldLine('LOCATION:' + escapeText(e.location)) + CRLF;
  if (e.url) out += foldLine('URL:' + e.url) + CRLF;
  if (e.categories.length > 0) out += foldLine('CATEGORIES:' + e.categories.map(escapeText).join(',')) + CRLF;
  // All-day items (festivals, deadlines) should not block a whole day in free/busy.
  out += 'STATUS:' + STATUS[e.status] + CRLF + (e.allDay ? 'TRANSP:TRANSPARENT' : 'TRANSP:OPAQUE') + CRLF + 'END:VEVENT' + CRLF;
  return out;
}

const STATUS = { confirmed: 'CONFIRMED', tentative: 'TENTATIVE', cancelled: 'CANCELLED' } as const;

/** Google does not show URL on import, so the link is repeated at the end of DESCRIPTION. */
function descriptionWithLink(e: CalendarEvent): string | null {
  if (!e.url) return e.description;
  if (!e.description) return e.url;
  return e.description.includes(e.url) ? e.description : `${e.description}\n\n${e.url}`;
}

import type { CalendarEvent } from '../events/event.ts';
import { storedRule } from '../recurrence/check.ts';
import { formatRule } from '../recurrence/rule.ts';
import { untilBound } from '../recurrence/series.ts';
import { ymd } from '../recurrence/dates.ts';
import { parseLocalDateTime, zonedToUtcMs } from '../time/local-time.ts';
import { dateValue, localDateTimeValue, utcDateTime } from './datetime.ts';
import { CRLF, foldLine } from './text.ts';

// The recurrence properties of a series' master VEVENT and the RECURRENCE-ID of its changed
// occurrences. EXDATE and RECURRENCE-ID use exactly DTSTART's value type and TZID with the
// original start (interop.md §1.8), or clients ignore the exception.

/** How the series writes its DTSTART: a TZID parameter, UTC instants, or dates. */
export type StartForm = { kind: 'tzid'; param: string } | { kind: 'utc' } | { kind: 'date' };

/** `20270309T190000` (TZID), `20270310T000000Z` (UTC) or `20270309` (date) for an occurrence name. */
export function occurrenceValue(e: CalendarEvent, name: string, form: StartForm): string {
  if (form.kind === 'date') return dateValue(name);
  const local = `${name}${e.start.slice(16)}`;
  if (form.kind === 'tzid') return localDateTimeValue(local);
  return utcDateTime(zonedToUtcMs(parseLocalDateTime(local)!, e.timezone));
}

function property(name: string, form: StartForm): string {
  return form.kind === 'tzid' ? name + form.param : form.kind === 'date' ? `${name};VALUE=DATE:` : `${name}:`;
}

/**
 * The series' RECUR value as written beside DTSTART: UNTIL as UTC for timed series (RFC 5545
 * §3.3.10 with a TZID start), a date for all-day ones. Feeds and push (Google) both send this.
 */
export function exportedRule(e: Pick<CalendarEvent, 'rrule' | 'start' | 'end' | 'timezone' | 'allDay' | 'startUtc' | 'endUtc'>): string {
  const rule = storedRule(e.rrule!);
  let until: string | null = null;
  const bound = untilBound(rule, e);
  if (bound !== null) {
    if (e.allDay) {
      const { y, m, d } = ymd(bound);
      until = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
    } else until = utcDateTime(bound);
  }
  return formatRule(rule, until);
}

/** RRULE (UNTIL as UTC for timed series, a date for all-day ones) and EXDATE for cancelled dates. */
export function recurrenceLines(e: CalendarEvent, form: StartForm): string {
  let out = 'RRULE:' + exportedRule(e) + CRLF;
  const cancelled = (e.overrides ?? []).filter((o) => o.cancelled).map((o) => occurrenceValue(e, o.occurrence, form));
  if (cancelled.length > 0) out += foldLine(property('EXDATE', form) + cancelled.join(',')) + CRLF;
  return out;
}

export function recurrenceIdLine(e: CalendarEvent, name: string, form: StartForm): string {
  return property('RECURRENCE-ID', form) + occurrenceValue(e, name, form) + CRLF;
}

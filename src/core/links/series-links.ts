// What add-to-calendar links do with a series (PRODUCT.md "Recurring events"). Google's
// template carries a rule (`recur=RRULE:…`, interop.md §4.1); the Outlook.com / Office 365
// compose deeplinks and Yahoo's template carry one date only (calendar-link documents its
// rRule as "only supported by google and ics"), so those links add the series' next date and
// the menu says so beside them, pointing at the .ics, which holds every date.

import type { CalendarEvent } from '../events/event.ts';
import { storedRule } from '../recurrence/check.ts';
import { describeRule } from '../recurrence/describe.ts';
import { isSeries, nextOccurrence } from '../recurrence/occurrences.ts';
import { formatRule } from '../recurrence/rule.ts';
import { untilBound } from '../recurrence/series.ts';

/** `20270302T190000` from a local `2027-03-02T19:00:00` (floating: read in `ctz`). */
const localBasic = (local: string) => local.replace(/[-:]/g, '').slice(0, 15);

/** `20270302T190000Z` */
const utcBasic = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/**
 * Google's `dates`, `ctz` and `recur` for a series. Times are the first occurrence's wall clock
 * with `ctz` set to the series' zone, so Google repeats 19:00 New York as 19:00 across DST (a
 * UTC start would repeat the instant in the viewer's zone instead). UNTIL is written in UTC, as
 * RFC 5545 §3.3.10 requires with a zoned start; all-day series keep DATE values and a DATE UNTIL.
 */
export function googleSeriesParams(event: CalendarEvent): { dates: string; ctz: string | null; recur: string } {
  const rule = storedRule(event.rrule!);
  if (event.allDay) {
    const date = (d: string) => d.replaceAll('-', '');
    return { dates: `${date(event.start)}/${date(event.end)}`, ctz: null, recur: `RRULE:${formatRule(rule)}` };
  }
  const until = rule.until ? untilBound(rule, event) : null;
  return {
    dates: `${localBasic(event.start)}/${localBasic(event.end)}`,
    ctz: event.timezone,
    recur: `RRULE:${formatRule(rule, until === null ? null : utcBasic(until))}`,
  };
}

/**
 * The one date a rule-less target gets: the series' next occurrence (changes applied), or its
 * first when none is left. `first` says whether that is the series' first date.
 */
export function oneDateOf(event: CalendarEvent, now: number): { event: CalendarEvent; first: boolean } {
  const o = nextOccurrence(event, now);
  if (!o) return { event, first: true };
  return {
    event: { ...event, title: o.title, description: o.description, location: o.location, start: o.start, end: o.end, startUtc: o.startUtc, endUtc: o.endUtc },
    first: o.startUtc === event.startUtc,
  };
}

/** The line put first in a one-date link's description: what the rest of the series is. */
export function oneDateNote(event: CalendarEvent): string | null {
  if (!isSeries(event)) return null;
  const words = describeRule(event.rrule!, { start: event.start, timezone: event.timezone, locale: 'en-US' });
  return `One date of a series${words ? ` (${words})` : ''}. Every date: the .ics file on the event page.`;
}

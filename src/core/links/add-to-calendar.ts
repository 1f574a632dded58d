// "Add to calendar" links for one event (interop.md §4.1–4.3). None of these endpoints is
// documented by its vendor, which is why they are built here, on the server, and reached through
// our own redirect: a template that breaks gets fixed in one place (landscape.md pain point 9).
//
// Time rules (landscape.md pain point 6):
// - timed events are sent as UTC instants taken from startUtc/endUtc, which were computed once
//   from the organizer's wall clock and zone, so DST days need no arithmetic here;
// - all-day events are sent as the event's own DATE values with the exclusive end it already
//   stores, never derived from an instant, so neither the server's nor the browser's zone can
//   shift them by a day.
// One-off adds go stale (pain point 12): every description ends with the event page URL, where
// people find changes, cancellations and the subscribe links.

import type { CalendarEvent } from '../events/event.ts';
import { addDays, formatLocalDate, parseLocalDate, utcToZoned, type LocalDateTime } from '../time/local-time.ts';
import { fitUrl, withQuery, type LinkText } from './url.ts';
import type { Device } from './subscribe.ts';
import { isSeries } from '../recurrence/occurrences.ts';
import { googleSeriesParams, oneDateNote, oneDateOf } from './series-links.ts';

export const ADD_TARGETS = ['google', 'outlook', 'office365', 'yahoo', 'ics'] as const;
export type AddTarget = (typeof ADD_TARGETS)[number];

export interface AddLinkContext {
  /** Our page for the event; always kept in the link's description. */
  eventPageUrl: string;
  /** The single-event .ics download (Apple Calendar and everything else). */
  icsUrl: string;
  /** Now, for a series' next date on targets that take one date only (default: the real now). */
  now?: number;
  /** Set here for one-date links of a series: the first line of the description. */
  seriesNote?: string | null;
}

export interface AddLink {
  target: AddTarget;
  label: string;
  url: string;
  /** Beside the label in the menu: what a series becomes there ("first date only", "every date"). */
  note?: string;
}

const LABELS: Record<AddTarget, string> = {
  google: 'Google Calendar',
  outlook: 'Outlook.com',
  office365: 'Office 365',
  yahoo: 'Yahoo Calendar',
  ics: 'Apple Calendar / .ics file',
};

const GOOGLE = 'https://calendar.google.com/calendar/render';
const OUTLOOK_COM = 'https://outlook.live.com/calendar/0/action/compose';
const OFFICE_365 = 'https://outlook.office.com/calendar/0/action/compose';
const YAHOO = 'https://calendar.yahoo.com/';

/** The provider URL that opens a prefilled "new event" form (or the .ics download). */
export function addToCalendarUrl(target: AddTarget, event: CalendarEvent, ctx: AddLinkContext): string {
  if (isSeries(event) && target !== 'google' && target !== 'ics') {
    return addToCalendarUrl(target, { ...oneDateOf(event, ctx.now ?? Date.now()).event, rrule: null }, { ...ctx, seriesNote: oneDateNote(event) });
  }
  switch (target) {
    case 'google':
      return googleUrl(event, ctx);
    case 'outlook':
      return outlookUrl(OUTLOOK_COM, event, ctx);
    case 'office365':
      return outlookUrl(OFFICE_365, event, ctx);
    case 'yahoo':
      return yahooUrl(event, ctx);
    case 'ics':
      return ctx.icsUrl;
    default:
      return unknownTarget(target);
  }
}

/** One link per target, in ADD_TARGETS order. Cancelled events get links too: callers decide. */
export function addToCalendarLinks(event: CalendarEvent, ctx: AddLinkContext): AddLink[] {
  const note = isSeries(event) ? seriesNotes(event, ctx.now ?? Date.now()) : {};
  return ADD_TARGETS.map((target) => ({ target, label: LABELS[target], url: addToCalendarUrl(target, event, ctx), ...(note[target] ? { note: note[target] } : {}) }));
}

/** What each target does with a series, said beside it in the menu. */
function seriesNotes(event: CalendarEvent, now: number): Partial<Record<AddTarget, string>> {
  const one = oneDateOf(event, now).first ? 'first date only' : 'next date only';
  return { google: 'every date', outlook: one, office365: one, yahoo: one, ics: 'every date' };
}

// The calendar a person on that device most likely uses comes first, as the subscribe options
// do: Apple Calendar (the .ics) on iPhone and Mac, Outlook on Windows. Nothing is ever hidden.
const ADD_ORDER: Record<Device, readonly AddTarget[]> = {
  ios: ['ics', 'google', 'outlook', 'office365', 'yahoo'],
  mac: ['ics', 'google', 'outlook', 'office365', 'yahoo'],
  android: ADD_TARGETS,
  windows: ['outlook', 'office365', 'google', 'yahoo', 'ics'],
  other: ADD_TARGETS,
};

/** The links reordered for `device`. */
export function orderAddLinks<T extends { target: AddTarget }>(links: readonly T[], device: Device): T[] {
  const order = ADD_ORDER[device];
  return [...links].sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
}

function unknownTarget(target: never): never {
  throw new TypeError(`unknown add-to-calendar target: ${String(target)}`);
}

// Google: `dates=START/END`, UTC `…Z` for timed events (no ctz needed: the instant is exact and
// Google shows it in the user's own zone), a DATE pair with exclusive end for all-day events.
function googleUrl(event: CalendarEvent, ctx: AddLinkContext): string {
  if (isSeries(event)) return googleSeriesUrl(event, ctx);
  const dates = event.allDay
    ? `${compactDate(allDayStart(event))}/${compactDate(allDayEnd(event))}`
    : `${utcBasic(event.startUtc)}/${utcBasic(event.endUtc)}`;
  return fitUrl(linkText(event), (t) =>
    withQuery(GOOGLE, [
      ['action', 'TEMPLATE'],
      ['text', t.title],
      ['dates', dates],
      ['details', details(t.description, ctx)],
      ['location', t.location || null],
    ]),
  );
}

function googleSeriesUrl(event: CalendarEvent, ctx: AddLinkContext): string {
  const { dates, ctz, recur } = googleSeriesParams(event);
  return fitUrl(linkText(event), (t) =>
    withQuery(GOOGLE, [
      ['action', 'TEMPLATE'],
      ['text', t.title],
      ['dates', dates],
      ['ctz', ctz],
      ['recur', recur],
      ['details', details(t.description, ctx)],
      ['location', t.location || null],
    ]),
  );
}

// Outlook.com and Microsoft 365 share the compose deeplink; `Z` instants because there is no
// time-zone parameter, and DATE values with `allday=true` for all-day events.
function outlookUrl(base: string, event: CalendarEvent, ctx: AddLinkContext): string {
  const start = event.allDay ? isoDate(allDayStart(event)) : utcExtended(event.startUtc);
  const end = event.allDay ? isoDate(allDayEnd(event)) : utcExtended(event.endUtc);
  return fitUrl(linkText(event), (t) =>
    withQuery(base, [
      ['rru', 'addevent'],
      ['subject', t.title],
      ['startdt', start],
      ['enddt', end],
      ['body', details(t.description, ctx)],
      ['location', t.location || null],
      ['allday', String(event.allDay)],
    ]),
  );
}

// Yahoo: timed events as UTC `st`/`et`. All-day events as `st=<DATE>&dur=allday`, the only
// all-day form reported to work; Yahoo ignores `dur` and `et` spans with a DATE `st` and has no
// reliable multi-day all-day form (interop.md §4.3). A multi-day all-day event therefore lands
// on its first day only, so its description starts with a line giving the real dates.
function yahooUrl(event: CalendarEvent, ctx: AddLinkContext): string {
  let timing: [string, string][];
  let note: string | null = null;
  if (event.allDay) {
    const first = allDayStart(event);
    const last = addDays(allDayEnd(event), -1); // the stored end is exclusive
    timing = [
      ['st', compactDate(first)],
      ['dur', 'allday'],
    ];
    if (isoDate(last) !== isoDate(first)) note = `All day, ${isoDate(first)} to ${isoDate(last)}.`;
  } else {
    timing = [
      ['st', utcBasic(event.startUtc)],
      ['et', utcBasic(event.endUtc)],
    ];
  }
  return fitUrl(linkText(event), (t) =>
    withQuery(YAHOO, [
      ['v', '60'],
      ['title', t.title],
      ...timing,
      ['desc', details(t.description, ctx, note)],
      ['in_loc', t.location || null],
    ]),
  );
}

function linkText(event: CalendarEvent): LinkText {
  return { title: event.title, location: event.location, description: event.description };
}

/** Note, description and the event page URL, separated by blank lines; the URL always last. */
function details(description: string | null, ctx: AddLinkContext, note: string | null = null): string {
  return [ctx.seriesNote ?? null, note, description, ctx.eventPageUrl].filter((part): part is string => !!part).join('\n\n');
}

// All-day dates come from the event's own `YYYY-MM-DD` values. The fallback (an instant read
// back in the event's zone) only matters if a caller hands over a malformed event.
function allDayStart(event: CalendarEvent): LocalDateTime {
  return parseLocalDate(event.start) ?? utcToZoned(event.startUtc, event.timezone);
}

function allDayEnd(event: CalendarEvent): LocalDateTime {
  return parseLocalDate(event.end) ?? utcToZoned(event.endUtc, event.timezone);
}

const isoDate = formatLocalDate; // `2025-03-10`

/** `20250310` */
function compactDate(t: LocalDateTime): string {
  return isoDate(t).replaceAll('-', '');
}

/** `2025-03-10T08:00:00Z` (whole seconds: event times carry no milliseconds). */
function utcExtended(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `20250310T080000Z` */
function utcBasic(ms: number): string {
  return utcExtended(ms).replace(/[-:]/g, '');
}

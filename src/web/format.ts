import type { EventJson } from './api.ts';

// Dates shown to people: in the viewer's zone (the browser's), and in the event's own zone when
// that differs. All-day events are dates in the event's zone and are never shifted.

export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function dayKey(iso: string, zone = viewerZone): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** The event's day for grouping: all-day events by their own date, others in the viewer's zone. */
export function eventDay(e: EventJson): string {
  return e.allDay ? e.start : dayKey(e.startsAt);
}

export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

// Locales whose short zone names are real abbreviations for their region (en-US knows EST but
// says GMT+1 for Berlin; en-GB knows CET; only ja-JP says JST). The first that is not a bare
// offset wins; a bare offset ("GMT+9") is the honest fallback.
const ABBREVIATION_LOCALES = [undefined, 'en-US', 'en-GB', 'en-AU', 'en-IN', 'en-NZ', 'ja-JP', 'ko-KR'];

/** "JST", "CEST", "EDT" for the zone at that instant; never the raw IANA name. */
export function zoneAbbreviation(zone: string, iso: string): string {
  let fallback = '';
  for (const locale of ABBREVIATION_LOCALES) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^[A-Z]{2,5}$/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/** "7:00 – 8:30 PM": hours without leading zeros, the shared half said once. */
export function timeRange(startIso: string, endIso: string, zone = viewerZone): string {
  const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: zone });
  return time.formatRange(new Date(startIso), new Date(endIso));
}

/** "7:00 PM" */
export function clockTime(iso: string, zone = viewerZone): string {
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: zone }).format(new Date(iso));
}

const SHORT_DATE: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };

/** An all-day event's dates, from its own date values (never shifted): "Sat, Mar 20, 2027 · All day". */
function allDayText(e: EventJson): string {
  const last = new Date(Date.parse(`${e.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const date = new Intl.DateTimeFormat(undefined, { ...SHORT_DATE, timeZone: 'UTC' });
  const at = (day: string) => new Date(`${day}T12:00:00Z`);
  const days = last === e.start ? date.format(at(e.start)) : date.formatRange(at(e.start), at(last));
  return `${days} · All day`;
}

/** The time part shown on cards (the day is the heading above them): whose time it is, too. */
export function formatTimeRange(e: EventJson, zone = viewerZone): string {
  if (e.allDay) return allDayText(e);
  return `${timeRange(e.startsAt, e.endsAt, zone)} ${zoneAbbreviation(zone, e.startsAt)}`;
}

/** "Sat, Mar 20, 2027 · 7:00 – 10:00 PM JST" in the given zone (the viewer's by default). */
export function formatWhen(e: EventJson, zone = viewerZone): string {
  if (e.allDay) return allDayText(e);
  const date = new Intl.DateTimeFormat(undefined, { ...SHORT_DATE, timeZone: zone });
  return `${date.format(new Date(e.startsAt))} · ${formatTimeRange(e, zone)}`;
}

/**
 * For a card: the event's own time first (what the poster says), then the viewer's when it
 * differs: "7:00 PM JST · 11:00 AM your time".
 */
export function formatCardTime(e: EventJson, zone = viewerZone): string {
  if (e.allDay) return allDayText(e);
  const own = formatTimeRange(e, e.timezone);
  if (sameClock(e, zone)) return own;
  return `${clockTime(e.startsAt, e.timezone)} ${zoneAbbreviation(e.timezone, e.startsAt)} · ${clockTime(e.startsAt, zone)} your time`;
}

/** True when the viewer's clock reads the same as the event's (same zone or same offset). */
export function sameClock(e: EventJson, zone = viewerZone): boolean {
  return e.timezone === zone || clockTime(e.startsAt, e.timezone) + zoneAbbreviation(e.timezone, e.startsAt) === clockTime(e.startsAt, zone) + zoneAbbreviation(zone, e.startsAt);
}

export function relativeTime(iso: string, now = Date.now()): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return rtf.format(-minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return rtf.format(-Math.round(minutes / 60), 'hour');
  return rtf.format(-Math.round(minutes / 1440), 'day');
}

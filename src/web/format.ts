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

export function formatTimeRange(e: EventJson, zone = viewerZone): string {
  if (e.allDay) {
    const last = new Date(Date.parse(`${e.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    return last === e.start ? 'All day' : `All day, ${formatDay(e.start)} – ${formatDay(last)}`;
  }
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone });
  return `${time.format(new Date(e.startsAt))} – ${time.format(new Date(e.endsAt))}`;
}

export function formatWhen(e: EventJson, zone = viewerZone): string {
  if (e.allDay) return formatTimeRange(e, zone);
  const date = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: zone });
  return `${date.format(new Date(e.startsAt))}, ${formatTimeRange(e, zone)}`;
}

export function relativeTime(iso: string, now = Date.now()): string {
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return rtf.format(-minutes, 'minute');
  if (Math.abs(minutes) < 48 * 60) return rtf.format(-Math.round(minutes / 60), 'hour');
  return rtf.format(-Math.round(minutes / 1440), 'day');
}

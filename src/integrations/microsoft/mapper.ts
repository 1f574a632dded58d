import { createHash } from 'node:crypto';
import type { BusyInterval, RemoteEventInput, RemoteException } from '../provider.ts';
import { formatLocalDateTime, fromWallClockMs, parseLocalDateTime, utcToZoned, zonedToUtcMs } from '../../core/time/local-time.ts';
import { graphTimeZone, windowsZoneFor } from './windows-zones.ts';
import { graphRecurrence } from './recurrence.ts';

/**
 * Graph's idempotency key for creates: the same for every retry of one copy. A copy made again
 * after a removal (a later generation) gets a new key, so it can never be answered with the
 * copy that was deleted (generation 0 keeps the form copies made before generations had).
 */
export function graphTransactionId(uid: string, connectionId: string, generation = 0): string {
  const key = generation === 0 ? `${connectionId}\n${uid}` : `${connectionId}\n${uid}\n${generation}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 40);
}

/**
 * Start and end in a zone Graph documents (Windows ids, or UTC). All-day: midnight to midnight,
 * end exclusive (Graph's isAllDay rule); the zone only names the day there, so any documented
 * one will do. Timed: our wall clock in the Windows zone, or the UTC wall clock of our instants.
 */
function graphTimes(e: RemoteEventInput) {
  if (e.allDay) {
    const timeZone = windowsZoneFor(e.timezone) ?? 'UTC';
    return { start: { dateTime: `${e.start}T00:00:00`, timeZone }, end: { dateTime: `${e.end}T00:00:00`, timeZone } };
  }
  const zone = graphTimeZone(e.timezone, e.startUtc, e.endUtc);
  if ('utc' in zone) {
    const utc = (utcMs: number) => ({ dateTime: formatLocalDateTime(fromWallClockMs(utcMs)), timeZone: 'UTC' });
    return { start: utc(e.startUtc), end: utc(e.endUtc) };
  }
  // A wall clock DST skips names no time; send the one of the instant we stored it as.
  const wall = (local: string, utcMs: number) => (existsInZone(local, e.timezone) ? local : formatLocalDateTime(utcToZoned(utcMs, e.timezone)));
  return { start: { dateTime: wall(e.start, e.startUtc), timeZone: zone.zone }, end: { dateTime: wall(e.end, e.endUtc), timeZone: zone.zone } };
}

function existsInZone(local: string, zone: string): boolean {
  const t = parseLocalDateTime(local);
  return t !== null && formatLocalDateTime(utcToZoned(zonedToUtcMs(t, zone), zone)) === formatLocalDateTime(t);
}

export function toGraphEvent(e: RemoteEventInput) {
  const recurrence = graphRecurrence(e);
  return {
    ...(recurrence ? { recurrence } : {}),
    subject: e.title,
    body: { contentType: 'text', content: [e.description, e.url].filter(Boolean).join('\n\n') },
    location: e.location ? { displayName: e.location } : undefined,
    ...graphTimes(e),
    isAllDay: e.allDay,
    showAs: e.allDay ? 'free' : e.status === 'tentative' ? 'tentative' : 'busy',
    categories: ['Calendar Club'],
  };
}

/**
 * The body of a PATCH to a copy: as a create, but a one-off event says `recurrence: null`. A
 * PATCH changes only the properties it names, and an explicit null is how a seriesMaster stops
 * repeating (https://learn.microsoft.com/en-us/graph/api/event-update, and the Graph SDK
 * maintainers: "the only way to disable recurrence is to set the property to null",
 * https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/264); without it a series turned
 * back into a one-off event would keep repeating in the person's calendar.
 */
export function toGraphPatch(e: RemoteEventInput) {
  return { recurrence: null, ...toGraphEvent(e) };
}

interface CalendarViewBody {
  value?: { id: string; seriesMasterId?: string | null; start: { dateTime: string }; end: { dateTime: string }; showAs?: string; isCancelled?: boolean }[];
}

/**
 * calendarView answered with `Prefer: outlook.timezone="UTC"`: naive date-times are UTC. An
 * occurrence or exception of a series has its own id; it is named by its series' id
 * (`seriesMasterId`, https://learn.microsoft.com/en-us/graph/api/resources/event), the id our
 * pushed copy has, so every date of a series we pushed is known as ours.
 */
export function fromCalendarView(body: unknown): BusyInterval[] {
  return ((body as CalendarViewBody).value ?? [])
    .filter((e) => !e.isCancelled && e.showAs !== 'free' && e.showAs !== 'workingElsewhere')
    .map((e) => ({ start: Date.parse(`${e.start.dateTime.replace(/Z$/, '')}Z`), end: Date.parse(`${e.end.dateTime.replace(/Z$/, '')}Z`), remoteEventId: e.seriesMasterId ?? e.id }));
}

/** A changed occurrence as the body of its PATCH: the series' fields with the changes applied. */
export function toGraphException(e: RemoteEventInput, x: RemoteException) {
  const { recurrence: _, ...one } = e;
  return toGraphEvent({ ...one, title: x.title, description: x.description, location: x.location, start: x.start, end: x.end, startUtc: x.startUtc, endUtc: x.endUtc });
}

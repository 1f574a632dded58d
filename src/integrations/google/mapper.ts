import { createHash } from 'node:crypto';
import { ProviderError, type BusyInterval, type RemoteEventInput } from '../provider.ts';

/**
 * Our idempotency key on Google: a client-supplied event id derived from the event UID and
 * the connection, in Google's alphabet (base32hex: a-v, 0-9). A retried insert gets 409.
 */
export function googleEventId(uid: string, connectionId: string): string {
  const digest = createHash('sha256').update(`${connectionId}\n${uid}`).digest();
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let out = 'cc';
  for (let i = 0; i < 26; i++) out += alphabet[digest[i]! & 31];
  return out;
}

const basic = (local: string) => local.replace(/[-:]/g, '');

/**
 * A series' `recurrence` lines: the RRULE, and one EXDATE for the cancelled occurrences in the
 * start's own form (TZID wall clock, or dates for all-day series), as RFC 5545 wants them
 * (https://developers.google.com/workspace/calendar/api/v3/reference/events: "list of RRULE,
 * EXRULE, RDATE and EXDATE lines for a recurring event, as specified in RFC5545").
 */
export function googleRecurrence(e: RemoteEventInput): string[] | undefined {
  if (!e.recurrence) return undefined;
  const lines = [`RRULE:${e.recurrence.rule}`];
  const cancelled = e.recurrence.exceptions.filter((x) => x.cancelled).map((x) => basic(x.originalStart));
  if (cancelled.length > 0) lines.push(e.allDay ? `EXDATE;VALUE=DATE:${cancelled.join(',')}` : `EXDATE;TZID=${e.timezone}:${cancelled.join(',')}`);
  return lines;
}

/**
 * The id of one instance of a series: the series' id, `_`, and the original start in UTC
 * (`…_20270316T230000Z`), or its date for an all-day series (`…_20270316`); the id Google gives
 * the instances it expands (https://developers.google.com/workspace/calendar/api/guides/recurringevents).
 */
export function googleInstanceId(seriesId: string, originalStartUtc: number, allDay: boolean): string {
  const stamp = new Date(originalStartUtc).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${seriesId}_${allDay ? stamp.slice(0, 8) : stamp}`;
}

/** The changed instances of a series, each as the body of its own PATCH. */
export function googleChangedInstances(e: RemoteEventInput, seriesId: string): { id: string; body: ReturnType<typeof toGoogleEvent> }[] {
  return (e.recurrence?.exceptions ?? [])
    .filter((x) => !x.cancelled)
    .map((x) => {
      const id = googleInstanceId(seriesId, x.originalStartUtc, e.allDay);
      const { recurrence: _, ...one } = e;
      const body = toGoogleEvent({ ...one, title: x.title, description: x.description, location: x.location, start: x.start, end: x.end, startUtc: x.startUtc, endUtc: x.endUtc, sequence: x.sequence }, id);
      return { id, body };
    });
}

export function toGoogleEvent(e: RemoteEventInput, id: string) {
  const time = (local: string) => (e.allDay ? { date: local } : { dateTime: local, timeZone: e.timezone });
  return {
    id,
    summary: e.title,
    description: [e.description, e.url].filter(Boolean).join('\n\n') || undefined,
    location: e.location ?? undefined,
    start: time(e.start),
    end: time(e.end),
    recurrence: googleRecurrence(e),
    status: e.status,
    transparency: e.allDay ? 'transparent' : 'opaque',
    source: e.url ? { title: 'Calendar Club', url: e.url } : undefined,
    extendedProperties: { private: { calendarClubUid: e.uid, calendarClubSequence: String(e.sequence) } },
  };
}

/**
 * The body of a PATCH to a copy: as a create, but a one-off event says `recurrence: []`. A PATCH
 * leaves out fields as they were and replaces arrays it is given ("Array fields, if specified,
 * overwrite the existing arrays; this discards any previous array elements":
 * https://developers.google.com/workspace/calendar/api/v3/reference/events/patch), so without it
 * a series turned back into a one-off event would keep repeating in the person's calendar.
 */
export function toGooglePatch(e: RemoteEventInput, id: string) {
  const body = toGoogleEvent(e, id);
  return { ...body, recurrence: body.recurrence ?? [] };
}

interface FreeBusyBody {
  calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: { domain?: string; reason?: string }[] }>;
}

// Plain words for the per-calendar reasons the freeBusy reference lists (and the ones seen).
const FREE_BUSY_REASONS: Record<string, string> = {
  notFound: 'the calendar was not found or is no longer shared with you',
  internalError: 'Google had an internal error',
  tooManyCalendarsRequested: 'too many calendars were asked for at once',
  groupTooBig: 'a group has too many members',
};

/**
 * Busy intervals of every calendar in a freeBusy answer. A calendar with `errors` was not
 * computed (https://developers.google.com/workspace/calendar/api/v3/reference/freebusy/query:
 * "Optional error(s) (if computation for the calendar failed)"): its empty `busy` is unknown,
 * not free, so the whole answer is refused rather than read as a free calendar.
 */
export function fromGoogleFreeBusy(body: unknown): BusyInterval[] {
  const calendars = (body as FreeBusyBody).calendars ?? {};
  const failed = Object.values(calendars).flatMap((c) => c.errors ?? []);
  if (failed.length > 0) {
    const reasons = [...new Set(failed.map((e) => e.reason ?? 'unknown'))];
    const code = reasons.every((r) => r === 'notFound') ? 'not_found' : reasons.includes('internalError') || reasons.includes('backendError') ? 'temporary' : 'permanent';
    const words = reasons.map((r) => FREE_BUSY_REASONS[r] ?? r).join('; ');
    throw new ProviderError(code, `Google couldn't check your busy times: ${words}`);
  }
  return Object.values(calendars).flatMap((c) =>
    (c.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })),
  );
}

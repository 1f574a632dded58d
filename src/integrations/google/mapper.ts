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

export function toGoogleEvent(e: RemoteEventInput, id: string) {
  const time = (local: string) => (e.allDay ? { date: local } : { dateTime: local, timeZone: e.timezone });
  return {
    id,
    summary: e.title,
    description: [e.description, e.url].filter(Boolean).join('\n\n') || undefined,
    location: e.location ?? undefined,
    start: time(e.start),
    end: time(e.end),
    status: e.status,
    transparency: e.allDay ? 'transparent' : 'opaque',
    source: e.url ? { title: 'Calendar Club', url: e.url } : undefined,
    extendedProperties: { private: { calendarClubUid: e.uid, calendarClubSequence: String(e.sequence) } },
  };
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

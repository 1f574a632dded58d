import { createHash } from 'node:crypto';
import type { BusyInterval, RemoteEventInput } from '../provider.ts';

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
  calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: unknown[] }>;
}

export function fromGoogleFreeBusy(body: unknown): BusyInterval[] {
  const calendars = (body as FreeBusyBody).calendars ?? {};
  return Object.values(calendars).flatMap((c) =>
    (c.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })),
  );
}

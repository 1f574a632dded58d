import { createHash } from 'node:crypto';
import type { BusyInterval, RemoteEventInput } from '../provider.ts';

/** Graph's idempotency key for creates: the same for every retry of one event on one connection. */
export function graphTransactionId(uid: string, connectionId: string): string {
  return createHash('sha256').update(`${connectionId}\n${uid}`).digest('hex').slice(0, 40);
}

export function toGraphEvent(e: RemoteEventInput) {
  // All-day: midnight to midnight in the event's zone, end exclusive (Graph's isAllDay rule).
  const time = (local: string) => ({ dateTime: e.allDay ? `${local}T00:00:00` : local, timeZone: e.timezone });
  return {
    subject: e.title,
    body: { contentType: 'text', content: [e.description, e.url].filter(Boolean).join('\n\n') },
    location: e.location ? { displayName: e.location } : undefined,
    start: time(e.start),
    end: time(e.end),
    isAllDay: e.allDay,
    showAs: e.allDay ? 'free' : e.status === 'tentative' ? 'tentative' : 'busy',
    categories: ['Calendar Club'],
  };
}

interface CalendarViewBody {
  value?: { id: string; start: { dateTime: string }; end: { dateTime: string }; showAs?: string; isCancelled?: boolean }[];
}

/** calendarView answered with `Prefer: outlook.timezone="UTC"`: naive date-times are UTC. */
export function fromCalendarView(body: unknown): BusyInterval[] {
  return ((body as CalendarViewBody).value ?? [])
    .filter((e) => !e.isCancelled && e.showAs !== 'free' && e.showAs !== 'workingElsewhere')
    .map((e) => ({ start: Date.parse(`${e.start.dateTime.replace(/Z$/, '')}Z`), end: Date.parse(`${e.end.dateTime.replace(/Z$/, '')}Z`), remoteEventId: e.id }));
}

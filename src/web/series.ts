import type { EventJson } from './api.ts';
import { describeRule } from '../core/recurrence/describe.ts';

// A series as lists, cards and pages show it: at its next date, with its rule in words.

/** The event at its next occurrence (a one-off event, or a series that is over, as it is). */
export function atNext(e: EventJson): EventJson {
  if (!e.next) return e;
  return { ...e, start: e.next.start, end: e.next.end, startsAt: e.next.startsAt, endsAt: e.next.endsAt };
}

/** "Every Tuesday until June 1"; null for a one-off event. */
export function repeatsText(e: Pick<EventJson, 'rrule' | 'start' | 'timezone'>): string | null {
  return e.rrule ? describeRule(e.rrule, { start: e.start, timezone: e.timezone }) : null;
}

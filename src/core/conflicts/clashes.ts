// Which events clash with a person's busy times (issue 6), as pure functions: intervals are
// half-open [start, end) in epoch ms, so an event that starts when a meeting ends is no clash.

export interface Interval {
  start: number;
  end: number;
}

export interface BusyBlock extends Interval {
  /** Which connection said so (never the person's event titles). */
  connectionId: string;
  /** The provider's id for the busy event, when it told us (lets us skip our own copies). */
  remoteEventId?: string;
}

export interface Clash {
  eventId: string;
  /** Which occurrence of the event (its name, the original local start; a one-off event's own start). */
  occurrence?: string;
  /** That occurrence's times. */
  occurrenceStart: number;
  occurrenceEnd: number;
  connectionId: string;
  /** The overlapping part. */
  start: number;
  end: number;
  /** The busy block itself, which is what the person recognises ("busy 7:00–8:30 PM"). */
  busyStart: number;
  busyEnd: number;
}

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

/**
 * Busy blocks minus the ones that are our own pushed copies: by provider id where the provider
 * gives ids, otherwise by time (free/busy answers carry none), matching a copy's exact interval.
 */
export function withoutOwnCopies(busy: BusyBlock[], ownCopies: { connectionId: string; remoteId: string | null; start: number; end: number }[]): BusyBlock[] {
  return busy.filter(
    (b) =>
      !ownCopies.some(
        (c) => c.connectionId === b.connectionId && (b.remoteEventId !== undefined ? b.remoteEventId === c.remoteId : c.start === b.start && c.end === b.end),
      ),
  );
}

/** Every (event or occurrence, busy block) overlap, with the overlapping times. */
export function findClashes(events: ({ id: string; occurrence?: string } & Interval)[], busy: BusyBlock[]): Clash[] {
  const clashes: Clash[] = [];
  for (const e of events) {
    for (const b of busy) {
      if (overlaps(e, b)) clashes.push({ eventId: e.id, ...(e.occurrence !== undefined ? { occurrence: e.occurrence } : {}), occurrenceStart: e.start, occurrenceEnd: e.end, connectionId: b.connectionId, start: Math.max(e.start, b.start), end: Math.min(e.end, b.end), busyStart: b.start, busyEnd: b.end });
    }
  }
  return clashes;
}

/** Free evenings: the days whose evening (as `eveningUtc` gives it, in the person's zone) has no busy block. */
export function freeEvenings(
  days: string[],
  busy: Interval[],
  eveningUtc: (day: string) => Interval,
): string[] {
  return days.filter((day) => !busy.some((b) => overlaps(b, eveningUtc(day))));
}

import type { CalendarEvent } from '../core/events/event.ts';
import { exportedRule } from '../core/ics/series.ts';
import { isSeries, occurrenceNamed, originalOccurrences, resolve } from '../core/recurrence/occurrences.ts';
import type { RemoteException, RemoteRecurrence } from '../integrations/provider.ts';

// A series as the push adapters receive it: the rule in the form every provider reads (UNTIL
// in UTC), and its exceptions already resolved, so no adapter expands or resolves anything.

export function remoteRecurrence(e: CalendarEvent): RemoteRecurrence | undefined {
  if (!isSeries(e)) return undefined;
  const exceptions = (e.overrides ?? []).map((override): RemoteException => {
    const original = occurrenceNamed(e, override.occurrence);
    const o = resolve(e, original, override);
    return {
      // The RECURRENCE-ID value: the name plus the series' seconds (a name has minutes only).
      originalStart: e.allDay ? override.occurrence : `${override.occurrence}${e.start.slice(16)}`,
      originalStartUtc: original.startUtc,
      cancelled: override.cancelled,
      title: o.title,
      description: o.description,
      location: o.location,
      start: o.start,
      end: o.end,
      startUtc: o.startUtc,
      endUtc: o.endUtc,
      sequence: override.sequence,
    };
  });
  return {
    rule: exportedRule(e),
    rrule: e.rrule!,
    rangeEndUtc: e.rangeEndUtc ?? e.endUtc,
    occurrenceStartsUtc: originalOccurrences(e).map((o) => o.startUtc),
    overrides: e.overrides ?? [],
    exceptions,
  };
}

import type { CalendarEvent, EventFields } from '../events/event.ts';
import { isSeries, originalOccurrences, type OccurrenceOverride } from './occurrences.ts';
import { applyChanges } from './occurrences.ts';

// Keeping a series' exceptions true to its dates after the series itself is changed.

/**
 * After a whole-series change: exceptions whose occurrence no longer exists (new rule, new
 * start time) are dropped — a RECURRENCE-ID or EXDATE naming no occurrence is ignored or
 * misread by clients — and the range end takes moved occurrences into account.
 */
export function seriesAfterPatch(
  current: CalendarEvent,
  next: EventFields,
  times: { startUtc: number; endUtc: number; rangeEndUtc: number },
): Pick<CalendarEvent, 'overrides' | 'rangeEndUtc'> {
  const { rangeEndUtc } = times;
  const overrides = current.overrides ?? [];
  if (!next.rrule) return { overrides: undefined, rangeEndUtc };
  if (overrides.length === 0) return { overrides: [], rangeEndUtc };
  const retimed = ['start', 'end', 'timezone', 'allDay', 'rrule'].some(
    (k) => JSON.stringify(next[k as keyof EventFields] ?? null) !== JSON.stringify(current[k as keyof CalendarEvent] ?? null),
  );
  if (!retimed) return { overrides, rangeEndUtc: Math.max(rangeEndUtc, current.rangeEndUtc ?? rangeEndUtc) };
  const after: CalendarEvent = { ...current, ...next, startUtc: times.startUtc, endUtc: times.endUtc };
  const names = new Set(originalOccurrences(after).map((o) => o.occurrence));
  const kept = overrides.filter((o) => names.has(o.occurrence));
  return { overrides: kept, rangeEndUtc: rangeEndWith({ ...after, overrides: kept }, rangeEndUtc) };
}

/** The range end of a series whose exceptions may move occurrences past its last date. */
export function rangeEndWith(e: CalendarEvent, ruleEnd: number): number {
  if (!isSeries(e)) return ruleEnd;
  let end = ruleEnd;
  const byName = new Map((e.overrides ?? []).map((o) => [o.occurrence, o]));
  if (![...byName.values()].some((o) => o.changes.end !== undefined || o.changes.start !== undefined)) return end;
  for (const o of originalOccurrences(e)) {
    const override = byName.get(o.occurrence);
    if (override && !override.cancelled) end = Math.max(end, applyChanges(e, o, override.changes).endUtc);
  }
  return end;
}

export function sortOverrides(list: OccurrenceOverride[]): OccurrenceOverride[] {
  return list.sort((a, b) => (a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0));
}

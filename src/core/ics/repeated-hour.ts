import type { CalendarEvent } from '../events/event.ts';
import { HORIZON_YEARS, type Occurrence } from '../recurrence/series.ts';
import { originalOccurrences } from '../recurrence/occurrences.ts';
import { isRepeatedWallTime, transitionsBetween } from '../time/transitions.ts';

// A series keeps its TZID so that its occurrences follow the wall clock, but an occurrence whose
// local time comes twice (the autumn change) is read as its first instant by RFC 5545 and us, and
// as its second by khal and libical. Such an occurrence is written as an override of its own:
// RECURRENCE-ID with the same TZID value (every client matches it to the instance it expanded,
// whichever instant it chose) and DTSTART/DTEND in UTC (one instant in every client).

const DAY = 86_400_000;
const minuteOfDay = (wallMs: number) => (((wallMs % DAY) + DAY) % DAY) / 60_000;

// Per zone and first year: every series of a feed asks, and the answer never changes.
const rangesCache = new Map<string, [number, number][]>();

/** Minutes of the day (local) that come twice somewhere in `years`, as [from, to) ranges. */
function repeatedMinutes(zone: string, fromYear: number, toYear: number): [number, number][] {
  const key = `${zone} ${fromYear} ${toYear}`;
  let ranges = rangesCache.get(key);
  if (!ranges) rangesCache.set(key, (ranges = computeRepeatedMinutes(zone, fromYear, toYear)));
  return ranges;
}

function computeRepeatedMinutes(zone: string, fromYear: number, toYear: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const t of transitionsBetween(zone, fromYear, toYear)) {
    if (t.from <= t.to) continue; // spring forward: a gap, nothing repeats
    // The clock goes from at+from back to at+to: the wall times [at+to, at+from) come round again.
    const from = minuteOfDay(t.at + t.to);
    const to = minuteOfDay(t.at + t.from);
    if (from < to) ranges.push([from, to]);
    else ranges.push([from, 1440], [0, to]); // a window across midnight
  }
  return ranges;
}

const inAny = (minute: number, ranges: [number, number][]) => ranges.some(([a, b]) => minute >= a && minute < b);

/**
 * The original occurrences of a timed series that start or end at a repeated local time. Cheap
 * for almost every series: the occurrences are only expanded when the series' own start or end
 * time of day falls in a repeated window of its zone.
 */
export function occurrencesAtRepeatedTimes(e: CalendarEvent): Occurrence[] {
  if (e.allDay) return [];
  const firstYear = new Date(e.startUtc).getUTCFullYear();
  const ranges = repeatedMinutes(e.timezone, firstYear, firstYear + HORIZON_YEARS);
  if (ranges.length === 0) return [];
  const startMinute = Number(e.start.slice(11, 13)) * 60 + Number(e.start.slice(14, 16));
  const endMinute = Number(e.end.slice(11, 13)) * 60 + Number(e.end.slice(14, 16));
  if (!inAny(startMinute, ranges) && !inAny(endMinute, ranges)) return [];
  return originalOccurrences(e).filter((o) => isRepeatedWallTime(o.startUtc, e.timezone) || isRepeatedWallTime(o.endUtc, e.timezone));
}

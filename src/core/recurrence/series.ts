import {
  formatLocalDate,
  formatLocalDateTime,
  parseLocalDate,
  parseLocalDateTime,
  utcToZoned,
  zonedToUtcMs,
  type LocalDateTime,
} from '../time/local-time.ts';
import { localToUtc, utcToLocal } from '../time/zone-math.ts';
import { dayNumber, ruleDays, ymd } from './dates.ts';
import type { RecurrenceRule } from './rule.ts';

// A series expanded into occurrences. Each occurrence repeats the first one's wall-clock time
// in the event's zone (19:00 stays 19:00 across a DST change); a time that falls in a spring
// gap moves forward by the gap (RFC 5545 §3.3.5, the same rule zonedToUtcMs applies).

/** No series runs past this many years after its first start (PRODUCT.md). */
export const HORIZON_YEARS = 5;
/** Hard cap on one expansion: a daily series over the whole horizon fits (5 × 366). */
export const MAX_OCCURRENCES = 1900;

export interface SeriesTiming {
  start: string;
  end: string;
  timezone: string;
  allDay: boolean;
  startUtc: number;
  endUtc: number;
}

export interface Occurrence {
  /** Its name and RECURRENCE-ID: the original local start, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD`. */
  occurrence: string;
  /** Local start/end in the series' form (`YYYY-MM-DDTHH:MM:SS` or a date). */
  start: string;
  end: string;
  startUtc: number;
  endUtc: number;
}

function firstLocal(t: SeriesTiming): LocalDateTime {
  return (t.allDay ? parseLocalDate(t.start) : parseLocalDateTime(t.start))!;
}

/** The occurrence name for a local start. */
export function occurrenceName(local: LocalDateTime, allDay: boolean): string {
  return allDay ? formatLocalDate(local) : formatLocalDateTime(local).slice(0, 16);
}

/** Last instant (timed) or last day number (all-day) UNTIL allows, in the series' terms. */
export function untilBound(rule: RecurrenceRule, t: SeriesTiming): number | null {
  const u = rule.until;
  if (!u) return null;
  const [y, m, d] = u.date.split('-').map(Number) as [number, number, number];
  const local = (time: string | null): LocalDateTime => {
    const [h, mi, s] = (time ?? '00:00:00').split(':').map(Number) as [number, number, number];
    return { year: y, month: m, day: d, hour: h, minute: mi, second: s };
  };
  if (t.allDay) {
    if (u.time === null || !u.utc) return dayNumber(y, m, d);
    const z = utcToLocal(Date.UTC(y, m - 1, d, ...(u.time.split(':').map(Number) as [number, number, number])), t.timezone);
    return dayNumber(z.year, z.month, z.day);
  }
  if (u.time === null) return localToUtc({ ...local(null), ...ymdOf(dayNumber(y, m, d) + 1) }, t.timezone) - 1000;
  if (u.utc) return Date.UTC(y, m - 1, d, ...(u.time.split(':').map(Number) as [number, number, number]));
  return localToUtc(local(u.time), t.timezone);
}

function ymdOf(day: number): Pick<LocalDateTime, 'year' | 'month' | 'day'> {
  const { y, m, d } = ymd(day);
  return { year: y, month: m, day: d };
}

export interface Expansion {
  occurrences: Occurrence[];
  /** True when the rule, unbounded by COUNT/UNTIL within the horizon, would go on past it. */
  pastHorizon: boolean;
}

/**
 * Every occurrence of the series in order, at most MAX_OCCURRENCES, never past the horizon.
 * `stopAfterUtc` ends the walk early once an occurrence starts at or after that instant.
 */
export function expandSeries(t: SeriesTiming, rule: RecurrenceRule, stopAfterUtc = Infinity): Expansion {
  const first = firstLocal(t);
  const startDay = dayNumber(first.year, first.month, first.day);
  const horizonDay = dayNumber(first.year + HORIZON_YEARS, first.month, first.day);
  const until = untilBound(rule, t);
  const duration = t.allDay ? dayOf(t.end) - startDay : t.endUtc - t.startUtc;
  const occurrences: Occurrence[] = [];
  // The walk looks up to eight years past the horizon (a leap-day rule's next date can be that
  // far), so a rule whose next date lies beyond the horizon is known to run past it.
  for (const day of ruleDays(rule, startDay, horizonDay + 8 * 366)) {
    if (rule.count !== null && occurrences.length >= rule.count) return { occurrences, pastHorizon: false };
    if (day > horizonDay && until === null) return { occurrences, pastHorizon: true };
    const local: LocalDateTime = { ...first, ...ymdOf(day) };
    let o: Occurrence;
    if (t.allDay) {
      if (until !== null && day > until) return { occurrences, pastHorizon: false };
      if (day > horizonDay) return { occurrences, pastHorizon: true };
      const start = formatLocalDate(local);
      const end: LocalDateTime = { ...local, ...ymdOf(day + duration) };
      o = { occurrence: start, start, end: formatLocalDate(end), startUtc: localToUtc(local, t.timezone), endUtc: localToUtc(end, t.timezone) };
    } else {
      const startUtc = localToUtc(local, t.timezone);
      if (until !== null && startUtc > until) return { occurrences, pastHorizon: false };
      if (day > horizonDay) return { occurrences, pastHorizon: true };
      const endUtc = startUtc + duration;
      o = {
        occurrence: occurrenceName(local, false),
        // In a spring gap the occurrence starts later than its name says.
        start: formatLocalDateTime(utcToLocal(startUtc, t.timezone)),
        end: formatLocalDateTime(utcToLocal(endUtc, t.timezone)),
        startUtc,
        endUtc,
      };
    }
    occurrences.push(o);
    if (occurrences.length >= MAX_OCCURRENCES || o.startUtc >= stopAfterUtc) return { occurrences, pastHorizon: false };
  }
  // COUNT asks for more dates than the rule has within reach: they would lie past the horizon.
  return { occurrences, pastHorizon: rule.count !== null && occurrences.length < rule.count };
}

function dayOf(localDate: string): number {
  const d = parseLocalDate(localDate)!;
  return dayNumber(d.year, d.month, d.day);
}

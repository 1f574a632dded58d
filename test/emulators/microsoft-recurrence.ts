import { formatLocalDateTime, isKnownTimeZone, parseLocalDateTime, utcToZoned, zonedToUtcMs } from '../../src/core/time/local-time.ts';
import { windowsZoneRules } from '../../src/integrations/microsoft/windows-zones.ts';
import { graphAcceptsTimeZone } from './graph-time-zones.ts';

// Graph's recurring events as documented: a seriesMaster carries `recurrence` (a
// patternedRecurrence: pattern + range) and the server expands it into occurrences; an
// occurrence changed or deleted on its own becomes an exception or disappears
// (https://learn.microsoft.com/en-us/graph/outlook-schedule-recurring-events). Written from the
// pages, not from the adapter: six pattern types, three range types.

interface Pattern {
  type?: string;
  interval?: number;
  daysOfWeek?: string[];
  firstDayOfWeek?: string;
  dayOfMonth?: number;
  month?: number;
  index?: string;
}
interface Range {
  type?: string;
  startDate?: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}
export interface PatternedRecurrence {
  pattern?: Pattern;
  range?: Range;
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'];
const TYPES = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
/** The emulator expands at most this many years past the start of a series without an end. */
const NO_END_YEARS = 10;

const day = (name: string) => DAYS.indexOf(name.toLowerCase());

/**
 * Why Graph would refuse a recurrence, or null. Per type, the required properties of
 * https://learn.microsoft.com/en-us/graph/api/resources/recurrencepattern; "even if a field is
 * ignored, it is still validated"; and startDate "MUST correspond to the date value of the
 * start property" (https://learn.microsoft.com/en-us/graph/api/resources/recurrencerange).
 */
export function recurrenceProblem(r: PatternedRecurrence, startLocalDate: string): string | null {
  const p = r.pattern;
  const g = r.range;
  if (!p || !g) return 'recurrence needs a pattern and a range';
  if (!TYPES.includes(p.type ?? '')) return `pattern type '${p.type}' is not valid`;
  if (!Number.isInteger(p.interval) || p.interval! < 1) return 'pattern interval must be a positive integer';
  if (p.daysOfWeek !== undefined && (!Array.isArray(p.daysOfWeek) || p.daysOfWeek.some((d) => day(d) < 0))) return 'daysOfWeek holds an unknown day';
  if (p.firstDayOfWeek !== undefined && day(p.firstDayOfWeek) < 0) return 'firstDayOfWeek is not a day';
  if (p.index !== undefined && !INDEXES.includes(p.index)) return `index '${p.index}' is not valid`;
  if (p.dayOfMonth !== undefined && (!Number.isInteger(p.dayOfMonth) || p.dayOfMonth < 1 || p.dayOfMonth > 31)) return 'dayOfMonth must be 1-31';
  if (p.month !== undefined && (!Number.isInteger(p.month) || p.month < 1 || p.month > 12)) return 'month must be 1-12';
  const needsDays = ['weekly', 'relativeMonthly', 'relativeYearly'].includes(p.type!);
  if (needsDays && !(p.daysOfWeek?.length)) return `daysOfWeek is required for ${p.type}`;
  if (['absoluteMonthly', 'absoluteYearly'].includes(p.type!) && p.dayOfMonth === undefined) return `dayOfMonth is required for ${p.type}`;
  if (['absoluteYearly', 'relativeYearly'].includes(p.type!) && p.month === undefined) return `month is required for ${p.type}`;
  if (!['endDate', 'noEnd', 'numbered'].includes(g.type ?? '')) return `range type '${g.type}' is not valid`;
  if (!g.startDate) return 'range startDate is required';
  if (g.startDate !== startLocalDate) return 'range startDate must be the date of the start property';
  if (g.type === 'endDate' && (!g.endDate || g.endDate < g.startDate)) return 'range endDate is required and must not be before startDate';
  if (g.type === 'numbered' && (!Number.isInteger(g.numberOfOccurrences) || g.numberOfOccurrences! < 1)) return 'numberOfOccurrences must be positive';
  if (g.recurrenceTimeZone !== undefined && !graphAcceptsTimeZone(g.recurrenceTimeZone)) return `recurrenceTimeZone '${g.recurrenceTimeZone}' is not supported`;
  return null;
}

const utcDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOf = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);

/** The date in `year`/`month` that a relative pattern names: the index-th of its days, the earliest if several. */
function relativeDate(year: number, month: number, days: number[], index: string): number {
  const first = Date.UTC(year, month - 1, 1) / 86_400_000;
  const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const candidates = days.map((d) => {
    const matching = Array.from({ length }, (_, i) => first + i).filter((n) => new Date(n * 86_400_000).getUTCDay() === d);
    return index === 'last' ? matching.at(-1)! : matching[INDEXES.indexOf(index)]!;
  });
  return Math.min(...candidates);
}

/** Whether a date fits the pattern (interval counted from the range's start). */
function fits(p: Pattern, n: number, startDay: number): boolean {
  const d = new Date(n * 86_400_000);
  const s = new Date(startDay * 86_400_000);
  const interval = p.interval!;
  const months = (d.getUTCFullYear() - s.getUTCFullYear()) * 12 + d.getUTCMonth() - s.getUTCMonth();
  const years = d.getUTCFullYear() - s.getUTCFullYear();
  const days = (p.daysOfWeek ?? []).map(day);
  switch (p.type) {
    case 'daily':
      return (n - startDay) % interval === 0;
    case 'weekly': {
      // Weeks begin on firstDayOfWeek (default Sunday); the interval counts whole weeks.
      const first = day(p.firstDayOfWeek ?? 'sunday');
      const weekStart = (x: number) => x - ((new Date(x * 86_400_000).getUTCDay() - first + 7) % 7);
      return days.includes(d.getUTCDay()) && Math.round((weekStart(n) - weekStart(startDay)) / 7) % interval === 0;
    }
    case 'absoluteMonthly':
      return months % interval === 0 && d.getUTCDate() === p.dayOfMonth;
    case 'relativeMonthly':
      return months % interval === 0 && relativeDate(d.getUTCFullYear(), d.getUTCMonth() + 1, days, p.index ?? 'first') === n;
    case 'absoluteYearly':
      return years % interval === 0 && d.getUTCMonth() + 1 === p.month && d.getUTCDate() === p.dayOfMonth;
    case 'relativeYearly':
      return years % interval === 0 && d.getUTCMonth() + 1 === p.month && relativeDate(d.getUTCFullYear(), p.month!, days, p.index ?? 'first') === n;
  }
  return false;
}

/** The IANA zone whose rules a Graph zone name follows. */
export function rulesOf(zone: string): string {
  return windowsZoneRules(zone) ?? zone;
}

export interface ExpandedOccurrence {
  /** The original start, as Graph's `originalStart` (UTC). */
  originalStartUtc: number;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
}

/**
 * Every occurrence of a series master: the dates from startDate on that fit the pattern, within
 * the range, each at the start's wall clock in start.timeZone (the first one "may not occur on
 * [startDate] if it does not fit the pattern").
 */
export function expandMaster(master: { start: { dateTime: string; timeZone: string }; end: { dateTime: string; timeZone: string }; isAllDay?: boolean; recurrence?: PatternedRecurrence }): ExpandedOccurrence[] {
  const r = master.recurrence;
  if (!r?.pattern || !r.range) return [];
  const zone = rulesOf(master.start.timeZone);
  const first = parseLocalDateTime(master.start.dateTime.slice(0, 19));
  const endLocal = parseLocalDateTime(master.end.dateTime.slice(0, 19));
  if (!first || !endLocal || !isKnownTimeZone(zone) || !isKnownTimeZone(rulesOf(master.end.timeZone))) return [];
  const duration = zonedToUtcMs(endLocal, rulesOf(master.end.timeZone)) - zonedToUtcMs(first, zone);
  const startDay = utcDay(r.range.startDate!);
  const lastDay = r.range.type === 'endDate' ? utcDay(r.range.endDate!) : startDay + 366 * NO_END_YEARS;
  const out: ExpandedOccurrence[] = [];
  for (let n = startDay; n <= lastDay; n++) {
    if (r.range.type === 'numbered' && out.length >= r.range.numberOfOccurrences!) break;
    if (!fits(r.pattern, n, startDay)) continue;
    const [y, m, d] = dateOf(n).split('-').map(Number) as [number, number, number];
    const local = { ...first, year: y, month: m, day: d };
    const utc = zonedToUtcMs(local, zone);
    const wall = (ms: number, z: string) => formatLocalDateTime(utcToZoned(ms, rulesOf(z)));
    out.push({
      originalStartUtc: utc,
      start: { dateTime: wall(utc, master.start.timeZone), timeZone: master.start.timeZone },
      end: { dateTime: wall(utc + duration, master.end.timeZone), timeZone: master.end.timeZone },
    });
  }
  return out;
}

import { storedRule } from '../../core/recurrence/check.ts';
import type { RecurrenceRule, WeekdayNum } from '../../core/recurrence/rule.ts';
import { formatLocalDate, utcToZoned } from '../../core/time/local-time.ts';
import { ProviderError, type RemoteEventInput } from '../provider.ts';
import { graphTimeZone, windowsZoneFor } from './windows-zones.ts';

// A series as Graph's patternedRecurrence: a pattern (how often) and a range (how long)
// (https://learn.microsoft.com/en-us/graph/api/resources/patternedrecurrence). Graph has six
// pattern types and no BYSETPOS, no lists of month days, no "every Tuesday of the month"; a rule
// it cannot say exactly is refused with a permanent failure naming what Outlook cannot repeat,
// never pushed as a different series (the person sees "failed" with that reason on the copy,
// and the feed or the .ics still carries the series exactly).

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
// weekIndex: "first, second, third, fourth, last"
// (https://learn.microsoft.com/en-us/graph/api/resources/recurrencepattern).
const INDEX: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };

export interface GraphPattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  daysOfWeek?: string[];
  firstDayOfWeek?: string;
  dayOfMonth?: number;
  month?: number;
  index?: string;
}

export interface GraphRange {
  type: 'endDate' | 'numbered';
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone: string;
}

const refuse = (why: string) =>
  new ProviderError('permanent', `Outlook can't repeat this series exactly (${why}); subscribe to the feed or download the .ics to get every date`);

/** One weekday with an ordinal Graph has (1st-4th, last), as relativeMonthly/Yearly take it. */
function relative(days: WeekdayNum[]): { daysOfWeek: string[]; index: string } | null {
  if (days.length !== 1 || days[0]!.ordinal === null || !INDEX[days[0]!.ordinal]) return null;
  return { daysOfWeek: [DAYS[days[0]!.weekday]!], index: INDEX[days[0]!.ordinal]! };
}

/** The pattern for a rule, or why Graph cannot say it. `day`/`month` are the first start's. */
export function graphPattern(r: RecurrenceRule, first: { day: number; month: number; weekday: number }): GraphPattern | string {
  const interval = r.interval;
  if (r.bySetPos.length > 0) return 'BYSETPOS has no Outlook pattern';
  if (r.byMonthDay.length > 1 || r.byMonthDay.some((d) => d < 0)) return 'Outlook repeats on one day of the month only, counted from its start';
  const plainDays = r.byDay.length > 0 && r.byDay.every((d) => d.ordinal === null);
  const weekly = (days: number[]): GraphPattern => ({ type: 'weekly', interval, daysOfWeek: days.map((d) => DAYS[d]!), firstDayOfWeek: DAYS[r.wkst]! });
  // RFC 5545 skips months without the day; Outlook documents no such rule, so only days every month has.
  const dayOfMonth = r.byMonthDay[0] ?? first.day;
  const monthDayOk = dayOfMonth <= 28;
  switch (r.freq) {
    case 'DAILY':
      if (r.byMonth.length > 0 || r.byMonthDay.length > 0) return 'a daily rule limited to some months or days';
      if (r.byDay.length === 0) return { type: 'daily', interval };
      // Every weekday (interval 1) is a weekly pattern on those days.
      return interval === 1 && plainDays ? weekly(r.byDay.map((d) => d.weekday)) : 'a daily rule on some weekdays every few days';
    case 'WEEKLY':
      if (r.byMonth.length > 0) return 'a weekly rule limited to some months';
      return weekly(r.byDay.length > 0 ? r.byDay.map((d) => d.weekday) : [first.weekday]);
    case 'MONTHLY': {
      if (r.byMonth.length > 0) return 'a monthly rule limited to some months';
      if (r.byDay.length > 0) {
        const rel = r.byMonthDay.length === 0 ? relative(r.byDay) : null;
        return rel ? { type: 'relativeMonthly', interval, ...rel } : 'Outlook repeats on one weekday of the month (1st-4th or last)';
      }
      return monthDayOk ? { type: 'absoluteMonthly', interval, dayOfMonth } : `day ${dayOfMonth} is not in every month`;
    }
    case 'YEARLY': {
      if (r.byMonth.length > 1) return 'Outlook repeats in one month of the year';
      const month = r.byMonth[0] ?? first.month;
      if (r.byDay.length > 0) {
        const rel = r.byMonthDay.length === 0 && r.byMonth.length === 1 ? relative(r.byDay) : null;
        return rel ? { type: 'relativeYearly', interval, month, ...rel } : 'Outlook repeats on one weekday of one month (1st-4th or last)';
      }
      if (r.byMonthDay.length === 0 && month !== first.month) return 'a yearly rule in another month than its start';
      return monthDayOk ? { type: 'absoluteYearly', interval, month, dayOfMonth } : `day ${dayOfMonth} is not in every month`;
    }
  }
}

/**
 * `recurrence` for a series, with the zone Graph expands it in: the Windows zone of the event,
 * which must give our wall clock at every occurrence (Graph repeats the start's wall clock in
 * start.timeZone; a UTC start would drift an hour at each DST change). Throws a permanent
 * ProviderError when Graph cannot repeat the series exactly.
 */
export function graphRecurrence(e: RemoteEventInput): { pattern: GraphPattern; range: GraphRange } | undefined {
  const series = e.recurrence;
  if (!series) return undefined;
  const starts = series.occurrenceStartsUtc;
  // RFC 5545 counts DTSTART as the first occurrence; Graph starts at the first date of the
  // pattern on or after startDate ("the first occurrence … may not occur on this date").
  if (starts[0] !== e.startUtc) throw refuse('its first date is not one of its repeats');
  const duration = e.endUtc - e.startUtc;
  let zone: string | null;
  if (e.allDay) zone = windowsZoneFor(e.timezone) ?? 'UTC';
  else {
    const zones = new Set(starts.map((s) => {
      const z = graphTimeZone(e.timezone, s, s + duration);
      return 'zone' in z ? z.zone : null;
    }));
    zone = zones.size === 1 ? [...zones][0]! : null;
  }
  if (!zone) throw refuse(`Outlook has no time zone that keeps ${e.timezone}'s times on every date`);
  const firstDate = new Date(`${e.start.slice(0, 10)}T00:00:00Z`);
  const pattern = graphPattern(storedRule(series.rrule), { day: firstDate.getUTCDate(), month: firstDate.getUTCMonth() + 1, weekday: firstDate.getUTCDay() });
  if (typeof pattern === 'string') throw refuse(pattern);
  const rule = storedRule(series.rrule);
  const startDate = e.start.slice(0, 10);
  // recurrenceRange: numbered for COUNT; otherwise the date of the last occurrence, which ends
  // "endDate" ranges at exactly the same place as UNTIL does
  // (https://learn.microsoft.com/en-us/graph/api/resources/recurrencerange).
  const range: GraphRange =
    rule.count !== null
      ? { type: 'numbered', startDate, numberOfOccurrences: rule.count, recurrenceTimeZone: zone }
      : { type: 'endDate', startDate, endDate: formatLocalDate(utcToZoned(starts.at(-1)!, e.timezone)), recurrenceTimeZone: zone };
  return { pattern, range };
}

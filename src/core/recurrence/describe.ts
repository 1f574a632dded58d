import { parseRule, type RecurrenceRule, type WeekdayNum } from './rule.ts';
import { dayNumber, weekdayOf } from './dates.ts';

// A series' rule in plain words for people ("Every Tuesday until June 1", "Every month on the
// first Friday, 10 times"). Pure and locale-aware for dates (Intl); the sentence itself is
// English like the rest of the pages. Rules the words cannot say exactly get an honest
// "custom" sentence rather than a wrong one.

export interface DescribeContext {
  /** The series' first local start, `YYYY-MM-DD[THH:MM[:SS]]`. */
  start: string;
  /** The series' zone: a UTC UNTIL is shown as the local date there. */
  timezone: string;
  /** Date format locale; the browser's by default. */
  locale?: string;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORDINAL_WORDS: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', [-1]: 'last', [-2]: 'second to last' };

/** "Monday, Wednesday and Friday" */
function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "1st", "2nd", "23rd", "last day" */
function dayOfMonth(n: number): string {
  if (n === -1) return 'last day';
  if (n < 0) return `${ORDINAL_WORDS[n] ?? `${-n}th to last`} day`;
  const suffix = n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

const every = (n: number, unit: string) => (n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`);

function weekdays(days: WeekdayNum[]): string {
  const sorted = [...days].sort((a, b) => ((a.weekday + 6) % 7) - ((b.weekday + 6) % 7));
  if (sorted.length === 5 && sorted.every((d) => d.weekday >= 1 && d.weekday <= 5)) return 'weekday';
  return list(sorted.map((d) => DAY_NAMES[d.weekday]!));
}

/** "first Friday" */
const nthWeekday = (d: WeekdayNum) => `${ORDINAL_WORDS[d.ordinal ?? 0] ?? `${d.ordinal}th`} ${DAY_NAMES[d.weekday]}`;

function startParts(start: string): { y: number; m: number; d: number; weekday: number } {
  const [y, m, d] = start.slice(0, 10).split('-').map(Number) as [number, number, number];
  return { y, m, d, weekday: weekdayOf(dayNumber(y, m, d)) };
}

/** The pattern part, or null when it needs more words than we have. */
function pattern(r: RecurrenceRule, start: string): string | null {
  const s = startParts(start);
  if (r.bySetPos.length > 0) return null;
  switch (r.freq) {
    case 'DAILY':
      if (r.byDay.length > 0 || r.byMonthDay.length > 0 || r.byMonth.length > 0) return null;
      return every(r.interval, 'day');
    case 'WEEKLY': {
      if (r.byMonth.length > 0) return null;
      const days = r.byDay.length > 0 ? r.byDay : [{ weekday: s.weekday, ordinal: null }];
      if (r.interval === 1) return `Every ${weekdays(days)}`;
      return `${every(r.interval, 'week')} on ${weekdays(days)}`;
    }
    case 'MONTHLY': {
      if (r.byMonth.length > 0 || (r.byDay.length > 0 && r.byMonthDay.length > 0)) return null;
      const base = every(r.interval, 'month');
      if (r.byDay.length > 0) {
        if (r.byDay.some((d) => d.ordinal === null)) return r.byDay.every((d) => d.ordinal === null) ? `${base} on every ${weekdays(r.byDay)}` : null;
        return `${base} on the ${list(r.byDay.map(nthWeekday))}`;
      }
      // Days from the start of the month first, then those counted from its end.
      const days = r.byMonthDay.length > 0 ? [...r.byMonthDay].sort((a, b) => (a < 0) === (b < 0) ? a - b : a < 0 ? 1 : -1) : [s.d];
      return `${base} on the ${list(days.map(dayOfMonth))}`;
    }
    case 'YEARLY': {
      const base = every(r.interval, 'year');
      const months = r.byMonth.length > 0 ? r.byMonth : [s.m];
      if (months.length !== 1) return null;
      const month = MONTH_NAMES[months[0]! - 1]!;
      if (r.byDay.length > 0) {
        if (r.byMonthDay.length > 0 || r.byMonth.length === 0 || r.byDay.some((d) => d.ordinal === null)) return null;
        return `${base} on the ${list(r.byDay.map(nthWeekday))} of ${month}`;
      }
      const days = r.byMonthDay.length > 0 ? r.byMonthDay : [s.d];
      if (days.length !== 1 || days[0]! < 1) return null;
      return `${base} on ${month} ${days[0]}`;
    }
  }
}

/** The local date UNTIL stands for: a UTC UNTIL is read in the series' zone. */
function untilDate(r: RecurrenceRule, timezone: string): { y: number; m: number; d: number } {
  const u = r.until!;
  if (u.utc && u.time !== null) {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(`${u.date}T${u.time}Z`));
    const [y, m, d] = parts.split('-').map(Number) as [number, number, number];
    return { y, m, d };
  }
  const [y, m, d] = u.date.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

function ending(r: RecurrenceRule, ctx: DescribeContext): string {
  if (r.count !== null) return r.count === 1 ? ', once' : `, ${r.count} times`;
  if (r.until === null) return '';
  const u = untilDate(r, ctx.timezone);
  // The year only when it is not the start's: "until June 1", "until January 12, 2028".
  const withYear = u.y !== startParts(ctx.start).y;
  const format = new Intl.DateTimeFormat(ctx.locale, { month: 'long', day: 'numeric', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' });
  return ` until ${format.format(new Date(Date.UTC(u.y, u.m - 1, u.d)))}`;
}

/** "Every Tuesday until June 1"; null when `rrule` does not parse. */
export function describeRule(rrule: string, ctx: DescribeContext): string | null {
  let rule: RecurrenceRule;
  try {
    rule = parseRule(rrule);
  } catch {
    return null;
  }
  const words = pattern(rule, ctx.start) ?? `Repeats ${rule.freq.toLowerCase()} (custom pattern)`;
  return `${words}${ending(rule, ctx)}`;
}

import type { RecurrenceRule } from './rule.ts';

// The dates a rule produces, as day numbers (days since 1970-01-01 on the wall calendar; no
// zone involved). Periods are walked in order and each period's candidate set is built, sorted
// and filtered by BYSETPOS, as RFC 5545 §3.3.10 describes for the parts we support.

const DAY = 86_400_000;

export const dayNumber = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / DAY;
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;
export function ymd(day: number): { y: number; m: number; d: number } {
  const t = new Date(day * DAY);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
const monthLength = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Days of month `m` matching BYDAY, ordinals counted within the month. */
function byDayInMonth(rule: RecurrenceRule, y: number, m: number): number[] {
  return byDayInSpan(rule, dayNumber(y, m, 1), monthLength(y, m));
}

/** Days of a span (a month or a year) matching BYDAY, ordinals counted within the span. */
function byDayInSpan(rule: RecurrenceRule, first: number, length: number): number[] {
  const out: number[] = [];
  for (const { weekday, ordinal } of rule.byDay) {
    const firstMatch = first + ((weekday - weekdayOf(first) + 7) % 7);
    const matches: number[] = [];
    for (let d = firstMatch; d < first + length; d += 7) matches.push(d);
    if (ordinal === null) out.push(...matches);
    else {
      const pick = ordinal > 0 ? matches[ordinal - 1] : matches[matches.length + ordinal];
      if (pick !== undefined) out.push(pick);
    }
  }
  return out;
}

function monthDays(rule: RecurrenceRule, y: number, m: number): number[] {
  const len = monthLength(y, m);
  return rule.byMonthDay.map((n) => (n > 0 ? n : len + 1 + n)).filter((n) => n >= 1 && n <= len).map((n) => dayNumber(y, m, n));
}

const intersect = (a: number[], b: number[]): number[] => a.filter((x) => b.includes(x));

/** Candidates of one month for MONTHLY (and YEARLY with BYMONTH or BYMONTHDAY). */
function inMonth(rule: RecurrenceRule, y: number, m: number, startDay: number): number[] {
  const hasDay = rule.byDay.length > 0;
  const hasMonthDay = rule.byMonthDay.length > 0;
  if (hasDay && hasMonthDay) return intersect(monthDays(rule, y, m), byDayInMonth(rule, y, m));
  if (hasDay) return byDayInMonth(rule, y, m);
  if (hasMonthDay) return monthDays(rule, y, m);
  const d = ymd(startDay).d;
  return d <= monthLength(y, m) ? [dayNumber(y, m, d)] : [];
}

function periodCandidates(rule: RecurrenceRule, k: number, startDay: number): { first: number; days: number[] } {
  const s = ymd(startDay);
  const step = k * rule.interval;
  const okMonth = (day: number) => rule.byMonth.length === 0 || rule.byMonth.includes(ymd(day).m);
  const okWeekday = (day: number) => rule.byDay.length === 0 || rule.byDay.some((b) => b.weekday === weekdayOf(day));
  switch (rule.freq) {
    case 'DAILY': {
      const day = startDay + step;
      const okMonthDay = rule.byMonthDay.length === 0 || monthDays(rule, ymd(day).y, ymd(day).m).includes(day);
      return { first: day, days: okMonth(day) && okMonthDay && okWeekday(day) ? [day] : [] };
    }
    case 'WEEKLY': {
      const weekStart = startDay - ((weekdayOf(startDay) - rule.wkst + 7) % 7) + 7 * step;
      const days: number[] = [];
      for (let d = weekStart; d < weekStart + 7; d++) {
        const wanted = rule.byDay.length === 0 ? weekdayOf(d) === weekdayOf(startDay) : okWeekday(d);
        if (wanted && okMonth(d)) days.push(d);
      }
      return { first: weekStart, days };
    }
    case 'MONTHLY': {
      const index = s.y * 12 + (s.m - 1) + step;
      const y = Math.floor(index / 12);
      const m = (index % 12) + 1;
      return { first: dayNumber(y, m, 1), days: rule.byMonth.length === 0 || rule.byMonth.includes(m) ? inMonth(rule, y, m, startDay) : [] };
    }
    case 'YEARLY': {
      const y = s.y + step;
      const first = dayNumber(y, 1, 1);
      if (rule.byDay.length > 0 && rule.byMonth.length === 0) {
        // BYDAY alone in a year: "20MO" is the 20th Monday of the year.
        const inYear = byDayInSpan(rule, first, dayNumber(y + 1, 1, 1) - first);
        if (rule.byMonthDay.length === 0) return { first, days: inYear };
        const all = Array.from({ length: 12 }, (_, i) => monthDays(rule, y, i + 1)).flat();
        return { first, days: intersect(all, inYear) };
      }
      const months = rule.byMonth.length > 0 ? rule.byMonth : rule.byMonthDay.length > 0 ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : [s.m];
      return { first, days: months.flatMap((m) => inMonth(rule, y, m, startDay)) };
    }
  }
}

function applySetPos(rule: RecurrenceRule, days: number[]): number[] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (rule.bySetPos.length === 0) return sorted;
  const picked = rule.bySetPos.map((p) => (p > 0 ? sorted[p - 1] : sorted[sorted.length + p])).filter((d): d is number => d !== undefined);
  return [...new Set(picked)].sort((a, b) => a - b);
}

/** Every date of the rule from `startDay` on (COUNT and UNTIL are the caller's), up to `lastDay`. */
export function* ruleDays(rule: RecurrenceRule, startDay: number, lastDay: number): Generator<number> {
  for (let k = 0; ; k++) {
    const { first, days } = periodCandidates(rule, k, startDay);
    if (first > lastDay) return;
    for (const day of applySetPos(rule, days)) {
      if (day < startDay) continue;
      if (day > lastDay) return;
      yield day;
    }
  }
}

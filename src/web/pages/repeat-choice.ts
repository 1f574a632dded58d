import { parseRule, WEEKDAYS } from '../../core/recurrence/rule.ts';

// The organizer form's "Repeats" choices and the RRULE they stand for, both ways. What the
// simple choices cannot hold (every 2 weeks, BYSETPOS…) stays a custom rule, shown and sent
// as written, so editing a series never rewrites a rule the organizer did not touch.

export type RepeatKind = 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'custom';
/** Monthly: on the start's day number, its nth weekday, or the last such weekday of the month. */
export type MonthlyBy = 'day' | 'nth' | 'last';

export interface RepeatChoice {
  kind: RepeatKind;
  /** Weekly days, 0 = Sunday; empty = the start's weekday. */
  weekdays: number[];
  monthly: MonthlyBy;
  end: 'count' | 'until';
  count: number;
  /** Last date, `YYYY-MM-DD`. */
  until: string;
  /** The rule text when kind is custom. */
  custom: string;
}

export const NO_REPEAT: RepeatChoice = { kind: 'none', weekdays: [], monthly: 'day', end: 'count', count: 10, until: '', custom: '' };

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

function parts(startDate: string): { y: number; m: number; d: number; weekday: number; last: boolean } | null {
  const [y, m, d] = startDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return null;
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const monthLength = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { y, m, d, weekday, last: d + 7 > monthLength };
}

/** The start's weekday (0 = Sunday), or null before a start is given. */
export function startWeekday(startDate: string): number | null {
  return parts(startDate)?.weekday ?? null;
}

/** The monthly choices a start date allows, worded: "on day 15", "on the third Tuesday", "on the last Tuesday". */
export function monthlyOptions(startDate: string): { value: MonthlyBy; label: string }[] {
  const p = parts(startDate);
  if (!p) return [{ value: 'day', label: 'on the same day each month' }];
  const day = DAY_NAMES[p.weekday]!;
  return [
    { value: 'day', label: `on day ${p.d}` },
    ...(p.d <= 28 ? [{ value: 'nth' as const, label: `on the ${ORDINALS[Math.ceil(p.d / 7) - 1]} ${day}` }] : []),
    ...(p.last ? [{ value: 'last' as const, label: `on the last ${day}` }] : []),
  ];
}

/** The RECUR text for the choices; null for "does not repeat". */
export function ruleFromChoice(c: RepeatChoice, startDate: string): string | null {
  if (c.kind === 'none') return null;
  if (c.kind === 'custom') return c.custom.trim().replace(/^RRULE:/i, '');
  const p = parts(startDate);
  const end = c.end === 'until' ? `UNTIL=${c.until.replaceAll('-', '')}` : `COUNT=${c.count}`;
  switch (c.kind) {
    case 'daily':
      return `FREQ=DAILY;${end}`;
    case 'weekly': {
      const days = c.weekdays.length > 0 ? c.weekdays : p ? [p.weekday] : [];
      // Monday first, as calendars show a week.
      const codes = [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => WEEKDAYS[d]);
      return `FREQ=WEEKLY;${end}${codes.length > 0 ? `;BYDAY=${codes.join(',')}` : ''}`;
    }
    case 'monthly': {
      if (!p || c.monthly === 'day') return `FREQ=MONTHLY;${end}${p ? `;BYMONTHDAY=${p.d}` : ''}`;
      const ordinal = c.monthly === 'last' ? -1 : Math.ceil(p.d / 7);
      return `FREQ=MONTHLY;${end};BYDAY=${ordinal}${WEEKDAYS[p.weekday]}`;
    }
    case 'yearly':
      return `FREQ=YEARLY;${end}`;
  }
}

/** The choices that give `rrule` back (up to the order of its parts); custom when none do. */
export function choiceFromRule(rrule: string | null, startDate: string): RepeatChoice {
  if (!rrule) return NO_REPEAT;
  const custom: RepeatChoice = { ...NO_REPEAT, kind: 'custom', custom: rrule };
  let r;
  try {
    r = parseRule(rrule);
  } catch {
    return custom;
  }
  // UNTIL as a date only: a UTC date-time would have to be moved to a day to be shown here.
  if (r.interval !== 1 || r.bySetPos.length > 0 || r.byMonth.length > 0 || r.wkst !== 1 || (r.until && r.until.time !== null)) return custom;
  const ends = r.count !== null ? { end: 'count' as const, count: r.count } : r.until ? { end: 'until' as const, until: r.until.date } : null;
  if (!ends) return custom;
  const base = { ...NO_REPEAT, ...ends };
  const p = parts(startDate);
  let choice: RepeatChoice | null = null;
  if (r.freq === 'DAILY' && r.byDay.length + r.byMonthDay.length === 0) choice = { ...base, kind: 'daily' };
  if (r.freq === 'YEARLY' && r.byDay.length + r.byMonthDay.length === 0) choice = { ...base, kind: 'yearly' };
  if (r.freq === 'WEEKLY' && r.byDay.every((d) => d.ordinal === null)) choice = { ...base, kind: 'weekly', weekdays: r.byDay.map((d) => d.weekday) };
  if (r.freq === 'MONTHLY' && p) {
    if (r.byDay.length === 0 && (r.byMonthDay.length === 0 || (r.byMonthDay.length === 1 && r.byMonthDay[0] === p.d))) choice = { ...base, kind: 'monthly', monthly: 'day' };
    const only = r.byMonthDay.length === 0 && r.byDay.length === 1 ? r.byDay[0]! : null;
    if (only && only.weekday === p.weekday && only.ordinal === -1 && p.last) choice = { ...base, kind: 'monthly', monthly: 'last' };
    if (only && only.weekday === p.weekday && only.ordinal === Math.ceil(p.d / 7)) choice = { ...base, kind: 'monthly', monthly: 'nth' };
  }
  return choice ?? custom;
}

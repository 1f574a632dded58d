// The RRULE subset we accept (PRODUCT.md "Recurring events"), parsed into a plain value and
// written back in one canonical order so the same rule always renders the same bytes.

export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** RFC 5545 weekday codes in JavaScript's getUTCDay() order (0 = Sunday). */
export const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

export interface WeekdayNum {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 1FR = 1, -1SU = -1; null for "every". */
  ordinal: number | null;
}

/** UNTIL as written: a date, a UTC date-time, or a floating (local) date-time. */
export interface Until {
  date: string; // YYYY-MM-DD
  time: string | null; // HH:MM:SS
  utc: boolean;
}

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: Until | null;
  byDay: WeekdayNum[];
  byMonthDay: number[];
  byMonth: number[];
  bySetPos: number[];
  wkst: number;
}

export const MAX_COUNT = 730;
const MAX_TEXT = 500;

export class RuleSyntaxError extends Error {
  readonly code = 'invalid_rrule';
}

const intList = (text: string, name: string, min: number, max: number, allowNegative: boolean): number[] => {
  const values = text.split(',').map((part) => {
    if (!/^[+-]?\d{1,3}$/.test(part)) throw new RuleSyntaxError(`${name} must be a list of numbers`);
    const n = Number(part);
    const abs = Math.abs(n);
    if (abs < min || abs > max || (n < 0 && !allowNegative)) throw new RuleSyntaxError(`${name} value ${part} is out of range`);
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
};

function parseUntil(text: string): Until {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(text);
  if (!m) throw new RuleSyntaxError('UNTIL must be a date (20271231) or a UTC date-time (20271231T235959Z)');
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const probe = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== date) throw new RuleSyntaxError('UNTIL is not a real date');
  if (m[4] !== undefined && (+m[4] > 23 || +m[5]! > 59 || +m[6]! > 59)) throw new RuleSyntaxError('UNTIL is not a real time');
  return { date, time: m[4] === undefined ? null : `${m[4]}:${m[5]}:${m[6]}`, utc: m[7] === 'Z' };
}

/** Parses a RECUR value (no `RRULE:` prefix); throws RuleSyntaxError saying what is wrong. */
export function parseRule(text: string): RecurrenceRule {
  if (text.length === 0 || text.length > MAX_TEXT) throw new RuleSyntaxError(`must be 1-${MAX_TEXT} characters`);
  const body = text.toUpperCase().startsWith('RRULE:') ? text.slice(6) : text;
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new RuleSyntaxError(`"${part}" is not NAME=VALUE`);
    const name = part.slice(0, eq).toUpperCase();
    if (parts.has(name)) throw new RuleSyntaxError(`${name} appears twice`);
    parts.set(name, part.slice(eq + 1).toUpperCase());
  }
  const supported = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST'];
  for (const name of parts.keys()) {
    if (!supported.includes(name)) throw new RuleSyntaxError(`${name} is not supported (supported: ${supported.join(', ')})`);
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) throw new RuleSyntaxError('FREQ is required');
  if (!(FREQUENCIES as readonly string[]).includes(freq)) {
    throw new RuleSyntaxError(`FREQ=${freq} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY`);
  }
  const f = freq as Frequency;
  const interval = parts.has('INTERVAL') ? intList(parts.get('INTERVAL')!, 'INTERVAL', 1, 999, false) : [1];
  if (interval.length !== 1) throw new RuleSyntaxError('INTERVAL must be one number');
  if (parts.has('COUNT') && parts.has('UNTIL')) throw new RuleSyntaxError('give COUNT or UNTIL, not both');
  let count: number | null = null;
  if (parts.has('COUNT')) {
    const c = parts.get('COUNT')!;
    if (!/^\d{1,6}$/.test(c) || Number(c) < 1) throw new RuleSyntaxError('COUNT must be a positive number');
    count = Number(c);
    if (count > MAX_COUNT) throw new RuleSyntaxError(`COUNT must be at most ${MAX_COUNT}`);
  }
  const until = parts.has('UNTIL') ? parseUntil(parts.get('UNTIL')!) : null;
  const byDay = parts.has('BYDAY') ? parseByDay(parts.get('BYDAY')!, f) : [];
  const byMonthDay = parts.has('BYMONTHDAY') ? intList(parts.get('BYMONTHDAY')!, 'BYMONTHDAY', 1, 31, true) : [];
  if (byMonthDay.length > 0 && f === 'WEEKLY') throw new RuleSyntaxError('BYMONTHDAY cannot be used with FREQ=WEEKLY');
  const byMonth = parts.has('BYMONTH') ? intList(parts.get('BYMONTH')!, 'BYMONTH', 1, 12, false) : [];
  // Calendars disagree here: ical.js repeats only DTSTART's month, libical and dateutil every month.
  if (f === 'YEARLY' && byMonthDay.length > 0 && byMonth.length === 0) {
    throw new RuleSyntaxError('FREQ=YEARLY with BYMONTHDAY needs BYMONTH (calendars read it differently without); for every month use FREQ=MONTHLY');
  }
  const bySetPos = parts.has('BYSETPOS') ? intList(parts.get('BYSETPOS')!, 'BYSETPOS', 1, 366, true) : [];
  if (bySetPos.length > 0 && byDay.length + byMonthDay.length + byMonth.length === 0) {
    throw new RuleSyntaxError('BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH');
  }
  let wkst = 1;
  if (parts.has('WKST')) {
    wkst = WEEKDAYS.indexOf(parts.get('WKST') as (typeof WEEKDAYS)[number]);
    if (wkst < 0) throw new RuleSyntaxError('WKST must be a weekday code (MO, TU, …)');
  }
  return { freq: f, interval: interval[0]!, count, until, byDay, byMonthDay, byMonth, bySetPos, wkst };
}

function parseByDay(text: string, freq: Frequency): WeekdayNum[] {
  const seen = new Map<string, WeekdayNum>();
  for (const part of text.split(',')) {
    const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(part);
    if (!m) throw new RuleSyntaxError(`BYDAY value "${part}" is not a weekday such as TU or 1FR`);
    const ordinal = m[1] === undefined ? null : Number(m[1]);
    if (ordinal !== null) {
      if (freq !== 'MONTHLY' && freq !== 'YEARLY') throw new RuleSyntaxError('BYDAY ordinals (1FR, -1SU) need FREQ=MONTHLY or YEARLY');
      const max = freq === 'MONTHLY' ? 5 : 53;
      if (ordinal === 0 || Math.abs(ordinal) > max) throw new RuleSyntaxError(`BYDAY ordinal ${m[1]} is out of range`);
    }
    seen.set(part.replace(/^\+/, ''), { weekday: WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]), ordinal });
  }
  return [...seen.values()].sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0) || a.weekday - b.weekday);
}

/** The canonical text of a rule: FREQ first, then the other parts in a fixed order. */
export function formatRule(rule: RecurrenceRule, until: string | null = rule.until ? formatUntil(rule.until) : null): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`);
  if (until !== null) parts.push(`UNTIL=${until}`);
  if (rule.byMonth.length > 0) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  if (rule.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.ordinal ?? ''}${WEEKDAYS[d.weekday]}`).join(',')}`);
  if (rule.bySetPos.length > 0) parts.push(`BYSETPOS=${rule.bySetPos.join(',')}`);
  if (rule.wkst !== 1) parts.push(`WKST=${WEEKDAYS[rule.wkst]}`);
  return parts.join(';');
}

export function formatUntil(u: Until): string {
  const d = u.date.replaceAll('-', '');
  return u.time === null ? d : `${d}T${u.time.replaceAll(':', '')}${u.utc ? 'Z' : ''}`;
}

import { parseRule, type RecurrenceRule } from './rule.ts';
import { dayNumber, ruleDays, ymd } from './dates.ts';

// The first few dates of a rule, for the organizer form's preview while the rule is being
// chosen. Dates only, on the wall calendar: every occurrence keeps the first one's clock time
// (series.ts), so the form shows that time beside each date without any zone arithmetic. The
// server's check (check.ts) stays the judge of what may be stored.

const pad = (n: number) => String(n).padStart(2, '0');

/** The last local date UNTIL allows (a UTC UNTIL read as its UTC date: close enough for a preview). */
function lastDay(rule: RecurrenceRule): number {
  if (!rule.until) return Infinity;
  const [y, m, d] = rule.until.date.split('-').map(Number) as [number, number, number];
  return dayNumber(y, m, d);
}

/** Up to `limit` occurrence dates (`YYYY-MM-DD`) from `startDate` on; [] when the rule does not parse. */
export function previewDates(rrule: string, startDate: string, limit = 5): string[] {
  let rule: RecurrenceRule;
  try {
    rule = parseRule(rrule);
  } catch {
    return [];
  }
  const [y, m, d] = startDate.split('-').map(Number) as [number, number, number];
  if (!y || !m || !d) return [];
  const first = dayNumber(y, m, d);
  const max = Math.min(limit, rule.count ?? Infinity);
  const out: string[] = [];
  // Ten years is past the longest series the server accepts (five), so this walk always ends.
  for (const day of ruleDays(rule, first, Math.min(lastDay(rule), first + 3660))) {
    if (out.length >= max) break;
    const t = ymd(day);
    out.push(`${t.y}-${pad(t.m)}-${pad(t.d)}`);
  }
  return out;
}

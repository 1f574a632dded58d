import { formatRule, parseRule, RuleSyntaxError, type RecurrenceRule } from './rule.ts';
import { expandSeries, HORIZON_YEARS, untilBound, type SeriesTiming } from './series.ts';

// Whether a rule may be stored for an event with these times (PRODUCT.md: what is refused).

export interface CheckedRule {
  /** Canonical RECUR text, stored and rendered. */
  rrule: string;
  /** End of the last occurrence: the series is in a window that overlaps [startUtc, this). */
  lastEndUtc: number;
}

export function checkRule(text: string, t: SeriesTiming): { ok: CheckedRule } | { error: string } {
  let rule: RecurrenceRule;
  try {
    rule = parseRule(text);
  } catch (error) {
    if (error instanceof RuleSyntaxError) return { error: error.message };
    throw error;
  }
  const until = untilBound(rule, t);
  const startKey = t.allDay ? Date.parse(`${t.start}T00:00:00Z`) / 86_400_000 : t.startUtc;
  if (until !== null && until < startKey) {
    return { error: 'UNTIL is before the start' };
  }
  const { occurrences, pastHorizon } = expandSeries(t, rule);
  // RFC 5545 leaves the set undefined when DTSTART does not match the rule, and clients differ.
  if (occurrences[0]?.occurrence !== t.start.slice(0, 16)) {
    return { error: `the start (${t.start.slice(0, 16)}) must itself be an occurrence of the rule` };
  }
  if (pastHorizon) {
    return { error: `a series may run at most ${HORIZON_YEARS} years: give COUNT or an UNTIL within ${HORIZON_YEARS} years of the start` };
  }
  return { ok: { rrule: formatRule(rule), lastEndUtc: occurrences[occurrences.length - 1]!.endUtc } };
}

const parsed = new Map<string, RecurrenceRule>();

/** A stored (already checked) rule, parsed once per process. */
export function storedRule(text: string): RecurrenceRule {
  let rule = parsed.get(text);
  if (!rule) {
    rule = parseRule(text);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, rule);
  }
  return rule;
}

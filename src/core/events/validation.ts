import { FIELD_LIMITS, type EventFields } from './event.ts';
import type { FieldError } from './errors.ts';
import { slugify } from './slug.ts';
import { canonicalTzid } from '../ics/vtimezone.ts';
import { checkRule, type CheckedRule } from '../recurrence/check.ts';
import type { SeriesTiming } from '../recurrence/series.ts';
import { gapMessage } from '../time/gaps.ts';
import {
  addDays,
  formatLocalDate,
  formatLocalDateTime,
  isKnownTimeZone,
  parseLocalDate,
  parseLocalDateTime,
  wallClockMs,
  zonedToUtcMs,
} from '../time/local-time.ts';

// Single-line text may hold no control characters at all: a CR/LF in a title is an attempt
// to start a new iCalendar line (or header), never a legitimate title.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f\u2028\u2029]/;
// Multi-line text may hold TAB, LF and CR; other control characters are not valid iCalendar TEXT.
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface NormalizedEvent {
  fields: EventFields;
  startUtc: number;
  endUtc: number;
  /** End of the last occurrence of a series; endUtc for a one-off event. */
  rangeEndUtc: number;
}

/** Checks every domain rule on a complete set of fields and returns them normalized. */
export function normalizeEventFields(input: EventFields): { ok: NormalizedEvent } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (title.length === 0) errors.push({ field: 'title', message: 'must not be empty' });
  checkText(errors, 'title', input.title, FIELD_LIMITS.title, SINGLE_LINE_FORBIDDEN);
  checkText(errors, 'description', input.description, FIELD_LIMITS.description, MULTI_LINE_FORBIDDEN);
  checkText(errors, 'location', input.location, FIELD_LIMITS.location, SINGLE_LINE_FORBIDDEN);
  if (input.url !== null && !isHttpUrl(input.url)) {
    errors.push({ field: 'url', message: 'must be an absolute http or https URL' });
  }
  const categories = normalizeCategories(input.categories, errors);
  const timezone = isKnownTimeZone(input.timezone) ? canonicalTzid(input.timezone) : null;
  if (timezone === null) {
    errors.push({ field: 'timezone', message: `unknown time zone "${input.timezone}"; use an IANA name such as Europe/Berlin` });
  }
  const times = timezone === null ? null : normalizeTimes({ ...input, timezone }, errors);
  if (errors.length > 0 || !times) return { errors };
  const series = checkSeries(input.rrule ?? null, { ...input, timezone: timezone!, ...times }, errors);
  if (errors.length > 0) return { errors };
  return {
    ok: {
      fields: {
        ...input,
        title,
        description: emptyToNull(input.description),
        location: emptyToNull(input.location?.trim() ?? null),
        categories,
        timezone: timezone!,
        start: times.start,
        end: times.end,
        rrule: series?.rrule ?? null,
      },
      startUtc: times.startUtc,
      endUtc: times.endUtc,
      rangeEndUtc: series?.lastEndUtc ?? times.endUtc,
    },
  };
}

function checkSeries(rrule: string | null, timing: SeriesTiming, errors: FieldError[]): CheckedRule | null {
  if (rrule === null) return null;
  const result = checkRule(rrule, timing);
  if ('error' in result) {
    errors.push({ field: 'rrule', message: result.error });
    return null;
  }
  return result.ok;
}

function checkText(errors: FieldError[], field: string, value: string | null, max: number, forbidden: RegExp): void {
  if (value === null) return;
  if ([...value].length > max) errors.push({ field, message: `must be at most ${max} characters` });
  if (forbidden.test(value)) errors.push({ field, message: 'must not contain control characters or line breaks' });
  // A lone UTF-16 surrogate (possible in JSON via \ud800) is not text any calendar can show.
  if (!value.isWellFormed()) errors.push({ field, message: 'must be valid Unicode text' });
}

function emptyToNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

export function isHttpUrl(text: string): boolean {
  if (text.length > FIELD_LIMITS.url || /[\s\u0000-\u001f\u007f]/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function normalizeCategories(names: string[], errors: FieldError[]): string[] {
  if (names.length > FIELD_LIMITS.categories) {
    errors.push({ field: 'categories', message: `at most ${FIELD_LIMITS.categories} categories` });
  }
  const bySlug = new Map<string, string>();
  names.forEach((raw, i) => {
    // A trailing backslash would sit right before the list separator in CATEGORIES, where
    // readers (ical.js among them) take "\\\\," for an escaped comma and merge two names.
    const name = raw.trim().replace(/\s+/g, ' ').replace(/\\+$/, '').trim();
    if (name.length === 0 || [...name].length > FIELD_LIMITS.category || SINGLE_LINE_FORBIDDEN.test(raw) || !raw.isWellFormed()) {
      errors.push({ field: `categories/${i}`, message: `must be 1-${FIELD_LIMITS.category} characters on one line` });
      return;
    }
    if (!bySlug.has(slugify(name))) bySlug.set(slugify(name), name);
  });
  return [...bySlug.values()];
}

function normalizeTimes(input: EventFields, errors: FieldError[]) {
  if (input.allDay) {
    const start = parseLocalDate(input.start);
    const end = parseLocalDate(input.end);
    if (!start) errors.push({ field: 'start', message: 'must be a date YYYY-MM-DD for an all-day event' });
    if (!end) errors.push({ field: 'end', message: 'must be a date YYYY-MM-DD (exclusive) for an all-day event' });
    if (!start || !end) return null;
    if (wallClockMs(end) < wallClockMs(addDays(start, 1))) {
      errors.push({ field: 'end', message: 'must be at least one day after start (the end date is exclusive)' });
      return null;
    }
    return {
      start: formatLocalDate(start),
      end: formatLocalDate(end),
      startUtc: zonedToUtcMs(start, input.timezone),
      endUtc: zonedToUtcMs(end, input.timezone),
    };
  }
  const start = parseLocalDateTime(input.start);
  const end = parseLocalDateTime(input.end);
  if (!start) errors.push({ field: 'start', message: 'must be a local date-time YYYY-MM-DDTHH:MM[:SS]' });
  if (!end) errors.push({ field: 'end', message: 'must be a local date-time YYYY-MM-DDTHH:MM[:SS]' });
  if (!start || !end) return null;
  const startUtc = zonedToUtcMs(start, input.timezone);
  const endUtc = zonedToUtcMs(end, input.timezone);
  const startGap = gapMessage(start, startUtc, input.timezone);
  const endGap = gapMessage(end, endUtc, input.timezone);
  if (startGap) errors.push({ field: 'start', message: startGap });
  if (endGap) errors.push({ field: 'end', message: endGap });
  if (startGap || endGap) return null;
  if (endUtc <= startUtc) {
    errors.push({ field: 'end', message: 'must be after start' });
    return null;
  }
  return { start: formatLocalDateTime(start), end: formatLocalDateTime(end), startUtc, endUtc };
}

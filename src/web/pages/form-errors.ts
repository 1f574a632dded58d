import type { Problem } from '../api.ts';

// The server's field errors (problem `errors[]`) as sentences a person acts on. Validator text
// ("must NOT have fewer than 1 characters") never reaches the page; a message we do not know
// gets a plain "check this" line for its field instead.

const FIELD_NAMES: Record<string, string> = {
  title: 'title',
  description: 'description',
  location: 'location',
  url: 'link',
  categories: 'categories',
  start: 'start',
  end: 'end',
  timezone: 'time zone',
  allDay: 'all-day setting',
  rrule: 'repeat rule',
};

/** A refused rule (core/recurrence/check.ts and rule.ts messages) in words an organizer acts on. */
function ruleSentence(message: string): string {
  if (/must itself be an occurrence/.test(message)) return 'The start is not one of the repeat dates: pick a start on a repeat day, or change the days.';
  if (/at most \d+ years/.test(message)) return 'A series can run for at most 5 years: end it sooner (fewer times or an earlier last date).';
  const most = /COUNT must be at most (\d+)/.exec(message);
  if (most) return `A series can have at most ${most[1]} dates: choose fewer times.`;
  if (/COUNT must be a positive/.test(message)) return 'Choose how many times it repeats (1 or more).';
  if (/UNTIL is before the start/.test(message)) return 'The last date must be on or after the start.';
  if (/UNTIL must be|UNTIL is not/.test(message)) return 'Pick the last date of the series.';
  // The rule parser's own messages name the part that is wrong, which a custom rule's author needs.
  return `This repeat rule cannot be used: ${message}.`;
}

/** "21:00" of a local "2027-02-01T21:00" in the viewer's way of writing times ("9:00 PM"). */
function localClock(local: string): string {
  const m = /T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, 0, 1, Number(m[1]), Number(m[2]))));
}

/** "Mon, Feb 1" of a local date. */
function localDate(local: string): string {
  const [y, mo, d] = local.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (!y || !mo || !d) return local;
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, d)));
}

function sentence(field: string, message: string, form: { start: string; allDay: boolean }): string {
  const tooLong = /more than|at most|NOT have more/i.test(message);
  switch (field) {
    case 'title':
      return tooLong ? 'Keep the title under 200 characters.' : 'Add a title.';
    case 'url':
      return 'Use a full web address that starts with https:// (or http://).';
    case 'timezone':
      return 'Pick a time zone from the list.';
    case 'rrule':
      return ruleSentence(message);
    case 'categories':
      return 'Use at most 10 categories, separated by commas, each up to 60 characters.';
    case 'start':
    case 'end': {
      const which = field === 'start' ? 'start' : 'end';
      // A daylight-saving gap: say what happens to the clocks, not the server's instant.
      const gap = /skip forward (.+?) there/.exec(message);
      if (gap) return `That ${which} time does not exist: the clocks skip forward ${gap[1]} then. Pick a time after the change.`;
      if (field === 'end' && /after start/.test(message)) {
        return form.allDay
          ? `The end date must be after the start date (${localDate(form.start)}).`
          : `The end must be after the start (${localClock(form.start)}).`;
      }
      return form.allDay ? `Pick a ${which} date.` : `Pick a ${which} date and time.`;
    }
    default:
      if (tooLong) return `Shorten the ${FIELD_NAMES[field] ?? field}.`;
      return `Check the ${FIELD_NAMES[field] ?? field}.`;
  }
}

/** One sentence per form field, keyed by field name ("categories/2" counts as "categories"). */
export function fieldSentences(problem: Problem, form: { start: string; allDay: boolean }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem.errors ?? []) {
    const field = e.field.split('/')[0]!;
    out[field] ??= sentence(field, e.message, form);
  }
  return out;
}

/** The line above the button: a count, not the server's summary. */
export function formSummary(problem: Problem, fields: Record<string, string>): string {
  const n = Object.keys(fields).length;
  if (n === 0) return problem.status >= 500 ? 'The event could not be saved. Try again in a moment.' : (problem.detail ?? problem.title);
  return n === 1 ? 'Please fix the field marked above.' : `Please fix the ${n} fields marked above.`;
}

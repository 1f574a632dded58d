import type { CalendarEvent } from './event.ts';
import { FIELD_LIMITS } from './event.ts';
import { nextChangeAt } from './rules.ts';
import { EventValidationError, type FieldError } from './errors.ts';
import { isSeries, originalOccurrences, applyChanges, type OccurrenceChanges, type OccurrenceOverride } from '../recurrence/occurrences.ts';
import { rangeEndWith, sortOverrides } from '../recurrence/overrides.ts';
import { gapMessage } from '../time/gaps.ts';
import { parseLocalDate, parseLocalDateTime, zonedToUtcMs, formatLocalDate, formatLocalDateTime } from '../time/local-time.ts';

// Changing or cancelling one occurrence of a series. Either is a change to the series too:
// its SEQUENCE goes up by one and DTSTAMP moves (PRODUCT.md), so every feed holding it gets a
// new ETag; the exception carries the series' new SEQUENCE as its own.

export class NoSuchOccurrenceError extends Error {
  readonly code = 'no_such_occurrence';
}

export interface OccurrenceChange {
  event: CalendarEvent;
  /** Empty when nothing changed (nothing is saved). */
  changed: string[];
}

export type OccurrencePatch = OccurrenceChanges;

function findOccurrence(e: CalendarEvent, name: string) {
  if (!isSeries(e)) throw new NoSuchOccurrenceError(`event ${e.id} is not a series`);
  const o = originalOccurrences(e).find((x) => x.occurrence === name);
  if (!o) throw new NoSuchOccurrenceError(`the series has no occurrence ${name}`);
  return o;
}

function save(e: CalendarEvent, override: OccurrenceOverride, now: number, what: string): OccurrenceChange {
  const sequence = e.sequence + 1;
  const updatedAt = nextChangeAt(e.updatedAt, now);
  const stored = { ...override, sequence, updatedAt };
  const overrides = sortOverrides([...(e.overrides ?? []).filter((o) => o.occurrence !== override.occurrence), stored]);
  const next = { ...e, sequence, updatedAt, overrides };
  return { event: { ...next, rangeEndUtc: rangeEndWith(next, e.rangeEndUtc ?? e.endUtc) }, changed: [`${what} ${override.occurrence}`] };
}

export function cancelOccurrence(e: CalendarEvent, name: string, now: number): OccurrenceChange {
  findOccurrence(e, name);
  const current = e.overrides?.find((o) => o.occurrence === name);
  if (current?.cancelled) return { event: e, changed: [] };
  return save(e, { occurrence: name, cancelled: true, changes: current?.changes ?? {}, sequence: 0, updatedAt: 0 }, now, 'cancelled occurrence');
}

export function changeOccurrence(e: CalendarEvent, name: string, patch: OccurrencePatch, now: number): OccurrenceChange {
  const o = findOccurrence(e, name);
  const current = e.overrides?.find((x) => x.occurrence === name);
  const changes: OccurrenceChanges = { ...current?.changes };
  const errors: FieldError[] = [];
  if (patch.title !== undefined) {
    const title = patch.title.trim();
    if (title.length === 0 || [...title].length > FIELD_LIMITS.title || /[\u0000-\u001f\u007f\u2028\u2029]/.test(title)) {
      errors.push({ field: 'title', message: `must be 1-${FIELD_LIMITS.title} characters on one line` });
    } else changes.title = title;
  }
  for (const field of ['description', 'location'] as const) {
    const value = patch[field];
    if (value === undefined) continue;
    const max = FIELD_LIMITS[field];
    const forbidden = field === 'location' ? /[\u0000-\u001f\u007f]/ : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
    if (value !== null && ([...value].length > max || forbidden.test(value) || !value.isWellFormed())) {
      errors.push({ field, message: `must be at most ${max} characters of text${field === 'location' ? ' on one line' : ''}` });
    } else changes[field] = value === null || value.trim() === '' ? null : value;
  }
  if (patch.start !== undefined || patch.end !== undefined) {
    const times = checkTimes(e, { start: patch.start ?? changes.start ?? o.start, end: patch.end ?? changes.end }, errors);
    if (times) {
      changes.start = times.start;
      if (times.end !== undefined) changes.end = times.end;
    }
  }
  if (errors.length > 0) throw new EventValidationError(errors);
  if (JSON.stringify(changes) === JSON.stringify(current?.changes ?? {})) return { event: e, changed: [] };
  const t = applyChanges(e, o, changes);
  if (t.endUtc <= t.startUtc) throw new EventValidationError([{ field: 'end', message: 'must be after start' }]);
  return save(e, { occurrence: name, cancelled: current?.cancelled ?? false, changes, sequence: 0, updatedAt: 0 }, now, 'changed occurrence');
}

function checkTimes(e: CalendarEvent, t: { start: string; end?: string }, errors: FieldError[]): { start: string; end?: string } | null {
  const parse = e.allDay ? parseLocalDate : parseLocalDateTime;
  const format = e.allDay ? formatLocalDate : formatLocalDateTime;
  const form = e.allDay ? 'a date YYYY-MM-DD' : 'a local date-time YYYY-MM-DDTHH:MM[:SS]';
  const out: { start: string; end?: string } = { start: t.start };
  for (const field of ['start', 'end'] as const) {
    const text = t[field];
    if (text === undefined) continue;
    const local = parse(text);
    if (!local) {
      errors.push({ field, message: `must be ${form} in the series' time zone` });
      return null;
    }
    const gap = e.allDay ? null : gapMessage(local, zonedToUtcMs(local, e.timezone), e.timezone);
    if (gap) {
      errors.push({ field, message: gap });
      return null;
    }
    out[field] = format(local);
  }
  return out;
}

import type { CalendarEvent, EventStatus } from '../events/event.ts';
import { addDays, formatLocalDate, parseLocalDate, parseLocalDateTime, utcToZoned, formatLocalDateTime, zonedToUtcMs } from '../time/local-time.ts';
import { localToUtc, utcToLocal } from '../time/zone-math.ts';
import { storedRule } from './check.ts';
import { expandSeries, type Occurrence } from './series.ts';

// One series seen as its occurrences, with each occurrence's changes or cancellation applied.
// What feeds, the API, pages, push and conflicts all read (none of them expands rules itself).

/** What an organizer changed on one occurrence; absent fields follow the series. */
export interface OccurrenceChanges {
  title?: string;
  description?: string | null;
  location?: string | null;
  /** Local start/end in the series' zone and form. */
  start?: string;
  end?: string;
}

/** A stored exception: a changed (RECURRENCE-ID instance) or cancelled (EXDATE) occurrence. */
export interface OccurrenceOverride {
  occurrence: string;
  cancelled: boolean;
  changes: OccurrenceChanges;
  /** Its own SEQUENCE: the series' SEQUENCE when it last changed. */
  sequence: number;
  updatedAt: number;
}

export interface ResolvedOccurrence extends Occurrence {
  title: string;
  description: string | null;
  location: string | null;
  status: EventStatus;
  overridden: boolean;
  override: OccurrenceOverride | null;
}

export const isSeries = (e: CalendarEvent): boolean => typeof e.rrule === 'string' && e.rrule.length > 0;

/** The original occurrences of a series, in order (a one-off event is its own only occurrence). */
export function originalOccurrences(e: CalendarEvent, stopAfterUtc = Infinity): Occurrence[] {
  if (!isSeries(e)) {
    return [{ occurrence: e.start.slice(0, 16), start: e.start, end: e.end, startUtc: e.startUtc, endUtc: e.endUtc }];
  }
  return expandSeries(e, storedRule(e.rrule!), stopAfterUtc).occurrences;
}

/**
 * The original occurrence a stored exception names, computed from the name alone (no walk
 * through the rule): exceptions are only stored for dates the rule has, and dropped when a
 * change to the series removes their date (recurrence/overrides.ts).
 */
export function occurrenceNamed(e: CalendarEvent, name: string): Occurrence {
  if (e.allDay) {
    const days = (Date.parse(`${e.end}T00:00:00Z`) - Date.parse(`${e.start}T00:00:00Z`)) / 86_400_000;
    const end = formatLocalDate(addDays(parseLocalDate(name)!, days));
    return { occurrence: name, start: name, end, startUtc: localToUtc(parseLocalDate(name)!, e.timezone), endUtc: localToUtc(parseLocalDate(end)!, e.timezone) };
  }
  const startUtc = localToUtc(parseLocalDateTime(`${name}${e.start.slice(16)}`)!, e.timezone);
  const endUtc = startUtc + (e.endUtc - e.startUtc);
  return {
    occurrence: name,
    start: formatLocalDateTime(utcToLocal(startUtc, e.timezone)),
    end: formatLocalDateTime(utcToLocal(endUtc, e.timezone)),
    startUtc,
    endUtc,
  };
}

/** Start and end of an occurrence once its changes are applied. */
export function applyChanges(e: CalendarEvent, o: Occurrence, c: OccurrenceChanges): Pick<Occurrence, 'start' | 'end' | 'startUtc' | 'endUtc'> {
  if (c.start === undefined && c.end === undefined) return o;
  const parse = (text: string) => (e.allDay ? parseLocalDate(text) : parseLocalDateTime(text))!;
  const start = c.start ?? o.start;
  const startUtc = localToUtc(parse(start), e.timezone);
  // A moved all-day occurrence keeps its length in days (its end moves with its start: DTEND
  // after DTSTART, RFC 5545 §3.8.2.2), not the original end date.
  const endText = c.end ?? (e.allDay ? formatLocalDate(addDays(parse(start), Math.round((Date.parse(o.end.slice(0, 10)) - Date.parse(o.start.slice(0, 10))) / 86_400_000))) : undefined);
  const endUtc = endText !== undefined ? localToUtc(parse(endText), e.timezone) : startUtc + (o.endUtc - o.startUtc);
  const end = endText ?? formatLocalDateTime(utcToLocal(endUtc, e.timezone));
  return { start, end, startUtc, endUtc };
}

export function resolve(e: CalendarEvent, o: Occurrence, override: OccurrenceOverride | null): ResolvedOccurrence {
  const c = override?.changes ?? {};
  return {
    ...o,
    ...applyChanges(e, o, c),
    title: c.title ?? e.title,
    description: c.description !== undefined ? c.description : e.description,
    location: c.location !== undefined ? c.location : e.location,
    status: override?.cancelled || e.status === 'cancelled' ? 'cancelled' : e.status,
    overridden: override !== null,
    override,
  };
}

/** Occurrences that overlap [from, to), changes applied, cancelled ones included (status says so). */
export function occurrencesBetween(e: CalendarEvent, from: number, to: number): ResolvedOccurrence[] {
  const byName = new Map((e.overrides ?? []).map((o) => [o.occurrence, o]));
  const out: ResolvedOccurrence[] = [];
  // A changed occurrence may have moved anywhere, so the window applies to the changed times.
  for (const o of originalOccurrences(e)) {
    const r = resolve(e, o, byName.get(o.occurrence) ?? null);
    if (r.endUtc > from && r.startUtc < to) out.push(r);
  }
  return out.sort((a, b) => a.startUtc - b.startUtc || a.occurrence.localeCompare(b.occurrence));
}

/** True when a series (or event) has an occurrence that is not cancelled and overlaps [from, to). */
export function hasOccurrenceIn(e: CalendarEvent, from: number, to: number): boolean {
  if (!isSeries(e)) return e.endUtc > from && e.startUtc < to;
  const byName = new Map((e.overrides ?? []).map((o) => [o.occurrence, o]));
  const moved = (e.overrides ?? []).some((o) => o.changes.start !== undefined || o.changes.end !== undefined);
  for (const o of originalOccurrences(e, moved ? Infinity : to)) {
    const override = byName.get(o.occurrence);
    if (override?.cancelled) continue;
    const t = override ? applyChanges(e, o, override.changes) : o;
    if (t.endUtc > from && t.startUtc < to) return true;
  }
  return false;
}

/** The next occurrence that has not ended at `now` and is not cancelled (for lists and cards). */
export function nextOccurrence(e: CalendarEvent, now: number): ResolvedOccurrence | null {
  return occurrencesBetween(e, now, Infinity).find((o) => o.status !== 'cancelled') ?? null;
}

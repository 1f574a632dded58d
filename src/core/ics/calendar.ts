import type { CalendarEvent } from '../events/event.ts';
import { CRLF, escapeText, foldLine } from './text.ts';
import { dateValue, localDateTimeValue, utcDateTime } from './datetime.ts';
import { isUtcZone, tzidParam, vtimezoneFor, yearsCovering, type YearRange } from './vtimezone.ts';
import { recurrenceIdLine, recurrenceLines, type StartForm } from './series.ts';
import { isSeries, occurrenceNamed, resolve } from '../recurrence/occurrences.ts';
import { isRepeatedWallTime } from '../time/transitions.ts';

/**
 * Bump when the rendered bytes change for the same stored data (new property, new format):
 * it is part of every feed's ETag, so clients refetch after a deploy that changes output.
 */
export const RENDERER_VERSION = 2;

export interface CalendarMeta {
  /** PRODID, e.g. `-//Calendar Club//Calendar Club 1.0//EN`. */
  productId: string;
  /** NAME and X-WR-CALNAME: a plain name (Outlook web shows the backslashes of escaped commas). */
  name: string;
  description?: string;
  /** REFRESH-INTERVAL and X-PUBLISHED-TTL, in minutes; omitted for one-off downloads. */
  refreshMinutes?: number;
}

/** Renders one VCALENDAR holding `events` in the given order, CRLF after every line. */
export function renderCalendar(meta: CalendarMeta, events: readonly CalendarEvent[]): string {
  let out = calendarHead(meta, events);
  for (const event of events) out += renderEvent(event);
  return out + 'END:VCALENDAR' + CRLF;
}

/** An event's encoded VEVENT(s) and the stored version they were rendered from. */
export interface CachedVevent {
  updatedAt: number;
  sequence: number;
  /** A series' changed occurrences ('' for none), see `overridesVersion`. */
  overrides: string;
  bytes: Buffer;
}

/** Encoded VEVENTs kept between renders, by event id, one version each (the caller bounds its size). */
export interface VeventCache {
  get(eventId: string): CachedVevent | undefined;
  set(eventId: string, entry: CachedVevent): void;
}

/**
 * The bytes are a function of the stored event alone — DTSTAMP is its updatedAt, never the
 * render time — and every stored change moves updatedAt and SEQUENCE is checked too
 * (core/events/rules.ts; occurrence changes move the master's updatedAt as well, and a series'
 * changed occurrences are compared all the same). Numbers compared, no key built per event.
 */
function isCurrent(entry: CachedVevent, e: CalendarEvent): boolean {
  return entry.updatedAt === e.updatedAt && entry.sequence === e.sequence && entry.overrides === overridesVersion(e);
}

export function overridesVersion(e: CalendarEvent): string {
  const overrides = e.overrides;
  if (!overrides || overrides.length === 0) return '';
  let version = '';
  for (const o of overrides) version += `${o.occurrence}:${o.updatedAt}:${o.sequence}:${o.cancelled ? 1 : 0}|`;
  return version;
}

/**
 * The same bytes as Buffer.from(renderCalendar(…)), built event by event: each event's text
 * dies young, so a 50,000-event feed never holds its whole text as one JavaScript string.
 * With a cache, each event is serialized once per version: a render after one edit is one
 * serialization and a concatenation.
 */
export function renderCalendarBytes(meta: CalendarMeta, events: readonly CalendarEvent[], cache?: VeventCache): Buffer {
  if (cache) return renderWithCache(meta, events, cache);
  const chunks: Buffer[] = [Buffer.from(calendarHead(meta, events), 'utf8')];
  let batch = '';
  for (const event of events) {
    batch += renderEvent(event);
    if (batch.length > 64 * 1024) {
      chunks.push(Buffer.from(batch, 'utf8'));
      batch = '';
    }
  }
  chunks.push(Buffer.from(batch + 'END:VCALENDAR' + CRLF, 'utf8'));
  return Buffer.concat(chunks);
}

function renderWithCache(meta: CalendarMeta, events: readonly CalendarEvent[], cache: VeventCache): Buffer {
  const chunks: Buffer[] = [Buffer.from(calendarHead(meta, events), 'utf8')];
  // Events serialized here are encoded in batches and kept as views into their batch, so
  // neighbours stay neighbours in memory; runs of them are then copied as one slice, and the
  // final copy is a few large pieces instead of one per event.
  let run: { memory: ArrayBufferLike; start: number; end: number } | null = null;
  const push = (bytes: Buffer) => {
    if (run && run.memory === bytes.buffer && run.end === bytes.byteOffset) run.end += bytes.length;
    else {
      if (run) chunks.push(Buffer.from(run.memory, run.start, run.end - run.start));
      run = { memory: bytes.buffer, start: bytes.byteOffset, end: bytes.byteOffset + bytes.length };
    }
  };
  let pending: { event: CalendarEvent; text: string }[] = [];
  let pendingLength = 0;
  const flush = () => {
    const batch = Buffer.from(pending.map((p) => p.text).join(''), 'utf8');
    let offset = 0;
    for (const { event, text } of pending) {
      const bytes = batch.subarray(offset, (offset += Buffer.byteLength(text, 'utf8')));
      cache.set(event.id, { updatedAt: event.updatedAt, sequence: event.sequence, overrides: overridesVersion(event), bytes });
      push(bytes);
    }
    pending = [];
    pendingLength = 0;
  };
  for (const event of events) {
    const cached = cache.get(event.id);
    if (cached && isCurrent(cached, event)) {
      if (pending.length > 0) flush();
      push(cached.bytes);
      continue;
    }
    const text = renderEvent(event);
    pending.push({ event, text });
    if ((pendingLength += text.length) > 64 * 1024) flush();
  }
  if (pending.length > 0) flush();
  if (run !== null) push(Buffer.alloc(0)); // closes the last run
  chunks.push(Buffer.from('END:VCALENDAR' + CRLF, 'utf8'));
  return Buffer.concat(chunks);
}

function calendarHead(meta: CalendarMeta, events: readonly CalendarEvent[]): string {
  let out = 'BEGIN:VCALENDAR' + CRLF + 'VERSION:2.0' + CRLF + foldLine('PRODID:' + meta.productId) + CRLF + 'CALSCALE:GREGORIAN' + CRLF;
  const name = escapeText(meta.name.replace(/[,;\\]/g, ' ').replace(/\s+/g, ' ').trim());
  out += foldLine('NAME:' + name) + CRLF + foldLine('X-WR-CALNAME:' + name) + CRLF;
  if (meta.description) {
    const description = escapeText(meta.description);
    out += foldLine('DESCRIPTION:' + description) + CRLF + foldLine('X-WR-CALDESC:' + description) + CRLF;
  }
  if (meta.refreshMinutes !== undefined) {
    const duration = `PT${Math.max(1, Math.round(meta.refreshMinutes))}M`;
    out += 'REFRESH-INTERVAL;VALUE=DURATION:' + duration + CRLF + 'X-PUBLISHED-TTL:' + duration + CRLF;
  }
  for (const [tzid, range] of usedTzids(events)) out += vtimezoneFor(tzid, range)!.lines.join(CRLF) + CRLF;
  return out;
}

/**
 * Every TZID the events reference, sorted so that the output is deterministic, with the years
 * its block must cover (from the first start to the last end of the events in that zone).
 */
function usedTzids(events: readonly CalendarEvent[]): [string, YearRange][] {
  const spans = new Map<string, { from: number; to: number }>();
  for (const e of events) {
    if (e.allDay) continue;
    const zone = tzidParam(e.timezone);
    if (!zone || isUtcZone(zone.tzid)) continue;
    const end = e.rangeEndUtc ?? e.endUtc;
    const span = spans.get(zone.tzid);
    if (!span) spans.set(zone.tzid, { from: e.startUtc, to: end });
    else {
      span.from = Math.min(span.from, e.startUtc);
      span.to = Math.max(span.to, end);
    }
  }
  return [...spans.keys()].sort().map((tzid) => [tzid, yearsCovering(spans.get(tzid)!.from, spans.get(tzid)!.to)]);
}

function renderEvent(e: CalendarEvent, recurrenceId = ''): string {
  const stamp = utcDateTime(e.updatedAt);
  let out =
    'BEGIN:VEVENT' + CRLF +
    foldLine('UID:' + e.uid) + CRLF +
    'DTSTAMP:' + stamp + CRLF +
    'CREATED:' + utcDateTime(e.createdAt) + CRLF +
    'LAST-MODIFIED:' + stamp + CRLF +
    'SEQUENCE:' + e.sequence + CRLF +
    recurrenceId;
  const series = isSeries(e);
  let form: StartForm = { kind: 'date' };
  if (e.allDay) {
    out += 'DTSTART;VALUE=DATE:' + dateValue(e.start) + CRLF + 'DTEND;VALUE=DATE:' + dateValue(e.end) + CRLF;
  } else {
    const zone = tzidParam(e.timezone);
    // A one-off event at a repeated local time (autumn change) goes out in UTC: khal and
    // libical read such a TZID time as its second instant, we and RFC 5545 as the first. A
    // series keeps its TZID, which is what makes its occurrences follow the wall clock.
    const repeated = !series && (isRepeatedWallTime(e.startUtc, e.timezone) || isRepeatedWallTime(e.endUtc, e.timezone));
    if (!zone || isUtcZone(zone.tzid) || repeated) {
      form = { kind: 'utc' };
      out += 'DTSTART:' + utcDateTime(e.startUtc) + CRLF + 'DTEND:' + utcDateTime(e.endUtc) + CRLF;
    } else {
      const tz = zone.param;
      form = { kind: 'tzid', param: tz };
      out += 'DTSTART' + tz + localDateTimeValue(e.start) + CRLF + 'DTEND' + tz + localDateTimeValue(e.end) + CRLF;
    }
  }
  if (series) out += recurrenceLines(e, form);
  out += foldLine('SUMMARY:' + escapeText(e.title)) + CRLF;
  const description = descriptionWithLink(e);
  if (description) out += foldLine('DESCRIPTION:' + escapeText(description)) + CRLF;
  if (e.location) out += foldLine('LOCATION:' + escapeText(e.location)) + CRLF;
  if (e.url) out += foldLine('URL:' + e.url) + CRLF;
  if (e.categories.length > 0) out += foldLine('CATEGORIES:' + e.categories.map(escapeText).join(',')) + CRLF;
  // All-day items (festivals, deadlines) should not block a whole day in free/busy.
  out += 'STATUS:' + STATUS[e.status] + CRLF + (e.allDay ? 'TRANSP:TRANSPARENT' : 'TRANSP:OPAQUE') + CRLF + 'END:VEVENT' + CRLF;
  if (series) out += renderChangedOccurrences(e, form);
  return out;
}

/** One VEVENT per changed (not cancelled) occurrence: same UID, RECURRENCE-ID, its own SEQUENCE. */
function renderChangedOccurrences(e: CalendarEvent, form: StartForm): string {
  const changed = (e.overrides ?? []).filter((o) => !o.cancelled);
  if (changed.length === 0) return '';
  let out = '';
  for (const override of changed) {
    const o = resolve(e, occurrenceNamed(e, override.occurrence), override);
    const instance: CalendarEvent = {
      ...e,
      title: o.title,
      description: o.description,
      location: o.location,
      start: o.start,
      end: o.end,
      startUtc: o.startUtc,
      endUtc: o.endUtc,
      sequence: override.sequence,
      updatedAt: override.updatedAt,
      rrule: null,
      overrides: [],
    };
    out += renderEvent(instance, recurrenceIdLine(e, override.occurrence, form));
  }
  return out;
}

const STATUS = { confirmed: 'CONFIRMED', tentative: 'TENTATIVE', cancelled: 'CANCELLED' } as const;

/** Google does not show URL on import, so the link is repeated at the end of DESCRIPTION. */
function descriptionWithLink(e: CalendarEvent): string | null {
  if (!e.url) return e.description;
  if (!e.description) return e.url;
  return e.description.includes(e.url) ? e.description : `${e.description}\n\n${e.url}`;
}

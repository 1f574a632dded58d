import type { CalendarEvent } from '../events/event.ts';
import { CRLF, escapeText, foldLine } from './text.ts';
import { SlabWriter } from './slab-writer.ts';
import { dateValue, localDateTimeValue, utcDateTime } from './datetime.ts';
import { isUtcZone, tzidParam, vtimezoneFor, yearsCovering, type YearRange } from './vtimezone.ts';
import { recurrenceIdLine, recurrenceLines, type StartForm } from './series.ts';
import { occurrencesAtRepeatedTimes } from './repeated-hour.ts';
import { isSeries, occurrenceNamed, resolve } from '../recurrence/occurrences.ts';
import { isRepeatedWallTime } from '../time/transitions.ts';

/**
 * Bump when the rendered bytes change for the same stored data (new property, new format):
 * it is part of every feed's ETag, so clients refetch after a deploy that changes output.
 */
export const RENDERER_VERSION = 4;

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
  // Events are written as UTF-8 octets (see SlabWriter); decoding them is cheaper than a
  // second serializer that builds strings.
  return renderCalendarBytes(meta, events).toString('utf8');
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
function isCurrent(entry: { updatedAt: number; sequence: number; overrides: string }, e: CalendarEvent, overrides: string): boolean {
  return entry.updatedAt === e.updatedAt && entry.sequence === e.sequence && entry.overrides === overrides;
}

export function overridesVersion(e: CalendarEvent): string {
  const overrides = e.overrides;
  if (!overrides || overrides.length === 0) return '';
  let version = '';
  for (const o of overrides) version += `${o.occurrence}:${o.updatedAt}:${o.sequence}:${o.cancelled ? 1 : 0}|`;
  return version;
}

/**
 * What a feed's last render leaves for its next one; the caller keeps one per feed (empty at
 * first). Its body and where each event's VEVENTs lie in it: when the next render finds an
 * event at the same version, it copies that byte range, so unchanged stretches of the feed are
 * copied as one piece, with no lookup per event.
 */
export interface RenderMemory {
  last?: RenderLayout;
}

interface RenderLayout {
  body: Buffer;
  ids: string[];
  updatedAt: Float64Array;
  sequence: Float64Array;
  overrides: string[];
  /** Where event i's bytes start in `body`; the last entry is where the last one ends. */
  offsets: Float64Array;
  /** Event id -> index, built on the first event not found where it was. */
  index?: Map<string, number>;
}

/**
 * The calendar as UTF-8, each event written as octets into slabs (SlabWriter), so a 50,000-event
 * feed is never held as one JavaScript string, nor any event built as a string and re-encoded.
 * With a cache, each event is serialized once per version: a render after one edit is one
 * serialization and a concatenation (with `memory`, the feed's previous render, a copy of the
 * unchanged byte ranges).
 */
export function renderCalendarBytes(meta: CalendarMeta, events: readonly CalendarEvent[], cache?: VeventCache, memory?: RenderMemory): Buffer {
  return renderWithCache(meta, events, cache ?? NO_CACHE, memory);
}

const NO_CACHE: VeventCache = { get: () => undefined, set: () => {} };

const SLAB = 256 * 1024;

function renderWithCache(meta: CalendarMeta, events: readonly CalendarEvent[], cache: VeventCache, memory?: RenderMemory): Buffer {
  const head = Buffer.from(calendarHead(meta, events), 'utf8');
  const chunks: Buffer[] = [head];
  let length = head.length;
  // Byte ranges are appended as runs: a range that continues the previous one in the same
  // memory (neighbours in a slab, or in the previous body) extends it, so the final copy is a
  // few large pieces instead of one per event.
  let runBuffer: Buffer | null = null;
  let runStart = 0;
  let runEnd = 0;
  const append = (buffer: Buffer, start: number, end: number) => {
    if (runBuffer === buffer && runEnd === start) runEnd = end;
    else {
      if (runBuffer) chunks.push(runBuffer.subarray(runStart, runEnd));
      runBuffer = buffer;
      runStart = start;
      runEnd = end;
    }
    length += end - start;
  };
  // Events serialized here are encoded straight into slabs, kept (as views) in the cache.
  const writer = new SlabWriter(Math.min(SLAB, 4096 * Math.max(1, events.length)));

  const n = events.length;
  const prev = memory?.last;
  const next: RenderLayout | undefined = memory && {
    body: head,
    ids: new Array<string>(n),
    updatedAt: new Float64Array(n),
    sequence: new Float64Array(n),
    overrides: new Array<string>(n),
    offsets: new Float64Array(n + 1),
  };
  let j = 0; // where the next event probably is in the previous render
  for (let i = 0; i < n; i++) {
    const event = events[i]!;
    const overrides = overridesVersion(event);
    if (next) {
      next.ids[i] = event.id;
      next.updatedAt[i] = event.updatedAt;
      next.sequence[i] = event.sequence;
      next.overrides[i] = overrides;
      next.offsets[i] = length;
    }
    if (prev) {
      if (prev.ids[j] !== event.id) j = indexIn(prev, event.id);
      if (j >= 0 && prev.updatedAt[j] === event.updatedAt && prev.sequence[j] === event.sequence && prev.overrides[j] === overrides) {
        append(prev.body, prev.offsets[j]!, prev.offsets[j + 1]!);
        j++;
        continue;
      }
      if (j >= 0) j++;
    }
    const cached = cache.get(event.id);
    if (cached && isCurrent(cached, event, overrides)) {
      append(cached.bytes, 0, cached.bytes.length);
      continue;
    }
    writer.mark = writer.pos;
    writeEvent(writer, event);
    const { buf, mark, pos } = writer;
    cache.set(event.id, { updatedAt: event.updatedAt, sequence: event.sequence, overrides, bytes: buf.subarray(mark, pos) });
    append(buf, mark, pos);
  }
  if (runBuffer) chunks.push((runBuffer as Buffer).subarray(runStart, runEnd));
  const tail = Buffer.from('END:VCALENDAR' + CRLF, 'utf8');
  chunks.push(tail);
  const body = concat(chunks, length + tail.length);
  if (next && memory) {
    next.offsets[n] = length;
    next.body = body;
    memory.last = next;
  }
  return body;
}

/** Buffer.concat, which copies megabytes several times slower than Buffer#copy (Node 24). */
function concat(chunks: readonly Buffer[], length: number): Buffer {
  const out = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(out, at);
  return out;
}

function indexIn(layout: RenderLayout, id: string): number {
  if (!layout.index) {
    layout.index = new Map();
    for (let k = 0; k < layout.ids.length; k++) layout.index.set(layout.ids[k]!, k);
  }
  return layout.index.get(id) ?? -1;
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
  // The span of each zone name as the events spell it (null: no VTIMEZONE): one lookup per
  // event, and the same span for aliases of one TZID.
  const byName = new Map<string, { from: number; to: number } | null>();
  for (const e of events) {
    if (e.allDay) continue;
    let span = byName.get(e.timezone);
    if (span === undefined) {
      const zone = tzidParam(e.timezone);
      span = !zone || isUtcZone(zone.tzid) ? null : (spans.get(zone.tzid) ?? { from: Infinity, to: -Infinity });
      if (zone && span) spans.set(zone.tzid, span);
      byName.set(e.timezone, span);
    }
    if (span === null) continue;
    const end = e.rangeEndUtc ?? e.endUtc;
    if (e.startUtc < span.from) span.from = e.startUtc;
    if (end > span.to) span.to = end;
  }
  return [...spans.keys()].sort().map((tzid) => [tzid, yearsCovering(spans.get(tzid)!.from, spans.get(tzid)!.to)]);
}

function writeEvent(w: SlabWriter, e: CalendarEvent, recurrenceId = ''): void {
  const stamp = utcDateTime(e.updatedAt);
  w.ascii('BEGIN:VEVENT\r\n');
  w.utf8(foldLine('UID:' + e.uid));
  w.ascii('\r\nDTSTAMP:');
  w.ascii(stamp);
  w.ascii('\r\nCREATED:');
  w.ascii(utcDateTime(e.createdAt));
  w.ascii('\r\nLAST-MODIFIED:');
  w.ascii(stamp);
  w.ascii('\r\nSEQUENCE:');
  w.ascii(String(e.sequence));
  w.ascii(CRLF);
  w.utf8(recurrenceId);
  const series = isSeries(e);
  let form: StartForm = { kind: 'date' };
  if (e.allDay) {
    w.ascii('DTSTART;VALUE=DATE:');
    w.ascii(dateValue(e.start));
    w.ascii('\r\nDTEND;VALUE=DATE:');
    w.ascii(dateValue(e.end));
    w.ascii(CRLF);
  } else {
    const zone = tzidParam(e.timezone);
    // A one-off event at a repeated local time (autumn change) goes out in UTC: khal and
    // libical read such a TZID time as its second instant, we and RFC 5545 as the first. A
    // series keeps its TZID, which is what makes its occurrences follow the wall clock.
    const repeated = !series && (isRepeatedWallTime(e.startUtc, e.timezone) || isRepeatedWallTime(e.endUtc, e.timezone));
    if (!zone || isUtcZone(zone.tzid) || repeated) {
      form = { kind: 'utc' };
      w.ascii('DTSTART:');
      w.ascii(utcDateTime(e.startUtc));
      w.ascii('\r\nDTEND:');
      w.ascii(utcDateTime(e.endUtc));
      w.ascii(CRLF);
    } else {
      const tz = zone.param;
      form = { kind: 'tzid', param: tz };
      w.ascii('DTSTART');
      w.utf8(tz);
      w.ascii(localDateTimeValue(e.start));
      w.ascii('\r\nDTEND');
      w.utf8(tz);
      w.ascii(localDateTimeValue(e.end));
      w.ascii(CRLF);
    }
  }
  if (series) w.utf8(recurrenceLines(e, form));
  w.textLine('SUMMARY:', e.title);
  const description = descriptionWithLink(e);
  if (description) w.textLine('DESCRIPTION:', description);
  if (e.location) w.textLine('LOCATION:', e.location);
  if (e.url) {
    w.utf8(foldLine('URL:' + e.url));
    w.ascii(CRLF);
  }
  if (e.categories.length > 0) {
    w.utf8(foldLine('CATEGORIES:' + e.categories.map(escapeText).join(',')));
    w.ascii(CRLF);
  }
  // All-day items (festivals, deadlines) should not block a whole day in free/busy.
  w.ascii(STATUS_LINES[e.status]);
  w.ascii(e.allDay ? 'TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n' : 'TRANSP:OPAQUE\r\nEND:VEVENT\r\n');
  if (series) writeChangedOccurrences(w, e, form);
}

/** One VEVENT per changed (not cancelled) occurrence: same UID, RECURRENCE-ID, its own SEQUENCE. */
function writeChangedOccurrences(w: SlabWriter, e: CalendarEvent, form: StartForm): void {
  const changed = (e.overrides ?? []).filter((o) => !o.cancelled);
  if (form.kind === 'tzid') writeRepeatedTimeOccurrences(w, e, form);
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
    writeEvent(w, instance, recurrenceIdLine(e, override.occurrence, form));
  }
}

/**
 * Unchanged occurrences at a repeated local time, each as an override of itself: its
 * RECURRENCE-ID keeps the TZID value (so every client matches it), its DTSTART/DTEND go out in UTC
 * (writeEvent does that for a single event at a repeated time), see repeated-hour.ts.
 */
function writeRepeatedTimeOccurrences(w: SlabWriter, e: CalendarEvent, form: StartForm): void {
  const named = new Set((e.overrides ?? []).map((o) => o.occurrence));
  for (const o of occurrencesAtRepeatedTimes(e)) {
    if (named.has(o.occurrence)) continue; // changed (rendered below) or cancelled (an EXDATE)
    const instance: CalendarEvent = { ...e, start: o.start, end: o.end, startUtc: o.startUtc, endUtc: o.endUtc, rrule: null, overrides: [] };
    writeEvent(w, instance, recurrenceIdLine(e, o.occurrence, form));
  }
}

const STATUS_LINES = { confirmed: 'STATUS:CONFIRMED\r\n', tentative: 'STATUS:TENTATIVE\r\n', cancelled: 'STATUS:CANCELLED\r\n' } as const;

/** Google does not show URL on import, so the link is repeated at the end of DESCRIPTION. */
function descriptionWithLink(e: CalendarEvent): string | null {
  if (!e.url) return e.description;
  if (!e.description) return e.url;
  return e.description.includes(e.url) ? e.description : `${e.description}\n\n${e.url}`;
}

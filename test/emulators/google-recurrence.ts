import ICAL from 'ical.js';
import { formatLocalDate, formatLocalDateTime, parseLocalDate, parseLocalDateTime, utcToZoned, zonedToUtcMs, type LocalDateTime } from '../../src/core/time/local-time.ts';
import type { GoogleEvent } from './google-events.ts';

// Google's recurring events, as documented: a master event carries `recurrence` (RRULE, EXDATE,
// RDATE lines of RFC 5545) and Google expands it into instances
// (https://developers.google.com/workspace/calendar/api/guides/recurringevents). The rule itself
// is expanded by ical.js (Mozilla's RFC 5545 implementation), never by the code under test.

/** The most instances one series is expanded into (Google caps expansion too). */
const MAX_INSTANCES = 2500;

export interface GoogleTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

/** A master's start as a wall clock in its zone (Google's `timeZone` "for the recurrence expansion"). */
function wallStart(t: GoogleTime, fallbackZone: string): { local: LocalDateTime; zone: string; allDay: boolean } | null {
  if (t.date) {
    const d = parseLocalDate(t.date);
    return d ? { local: d, zone: 'UTC', allDay: true } : null;
  }
  if (!t.dateTime) return null;
  const zone = t.timeZone ?? fallbackZone;
  if (/[zZ]|[+-]\d\d:\d\d$/.test(t.dateTime)) return { local: utcToZoned(Date.parse(t.dateTime), zone), zone, allDay: false };
  const local = parseLocalDateTime(t.dateTime.slice(0, 19));
  return local ? { local, zone, allDay: false } : null;
}

const basic = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * The instance id of an occurrence: the master's id, `_`, and the original start in UTC
 * (`20270316T230000Z`), or the date for all-day series (`20270316`) — the form the instances
 * returned by events.instances carry.
 */
export function instanceId(masterId: string, originalStartUtc: number, allDay: boolean): string {
  return `${masterId}_${allDay ? basic(originalStartUtc).slice(0, 8) : basic(originalStartUtc)}`;
}

/** Instants of one EXDATE/RDATE line (`EXDATE;TZID=Europe/Berlin:20270309T190000,…`, UTC, or dates). */
function dateList(line: string, zone: string): number[] {
  const colon = line.indexOf(':');
  const params = line.slice(0, colon).split(';').slice(1);
  const tzid = params.find((p) => p.toUpperCase().startsWith('TZID='))?.slice(5) ?? zone;
  return line
    .slice(colon + 1)
    .split(',')
    .map((v) => {
      const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(v.trim());
      if (!m) return NaN;
      const local = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) };
      return m[7] ? Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) : zonedToUtcMs(local, m[4] === undefined ? 'UTC' : tzid);
    });
}

/** True when every line is one Google accepts in `recurrence` (RRULE, EXRULE, RDATE, EXDATE). */
export function validRecurrence(lines: unknown): boolean {
  if (!Array.isArray(lines)) return false;
  return lines.every((l) => {
    if (typeof l !== 'string' || !/^(RRULE|EXRULE|RDATE|EXDATE)[:;]/i.test(l)) return false;
    if (!/^RRULE:/i.test(l)) return true;
    try {
      ICAL.Recur.fromString(l.slice(6));
      return true;
    } catch {
      return false;
    }
  });
}

export interface Occurrence {
  originalStartUtc: number;
  start: GoogleTime;
  end: GoogleTime;
}

/** Every occurrence of a master (EXDATEs removed), in order: what singleEvents and instances expand. */
export function occurrencesOf(master: GoogleEvent, startInstant: (t: GoogleTime) => number | null): Occurrence[] {
  const lines = (master.recurrence as string[] | undefined) ?? [];
  const first = wallStart(master.start, 'UTC');
  const firstUtc = startInstant(master.start);
  const endUtc = startInstant(master.end);
  if (!first || firstUtc === null || endUtc === null) return [];
  const excluded = new Set(lines.filter((l) => /^EXDATE/i.test(l)).flatMap((l) => dateList(l, first.zone)));
  const starts: LocalDateTime[] = [];
  for (const line of lines.filter((l) => /^RRULE:/i.test(l))) {
    // UNTIL in UTC is compared with the floating local starts ical.js walks: write it as the
    // zone's wall clock first (RFC 5545: UNTIL bounds the instances "inclusively").
    const text = line.slice(6).replace(/UNTIL=(\d{8}T\d{6})Z/i, (_, v: string) => {
      if (first.allDay) return `UNTIL=${v.slice(0, 8)}`;
      const [y, mo, d, h, mi, s] = [v.slice(0, 4), v.slice(4, 6), v.slice(6, 8), v.slice(9, 11), v.slice(11, 13), v.slice(13, 15)].map(Number) as number[];
      return `UNTIL=${formatLocalDateTime(utcToZoned(Date.UTC(y!, mo! - 1, d, h, mi, s), first.zone)).replace(/[-:]/g, '')}`;
    });
    const it = ICAL.Recur.fromString(text).iterator(ICAL.Time.fromData({ ...first.local, isDate: first.allDay }));
    for (let next = it.next(); next && starts.length < MAX_INSTANCES; next = it.next()) {
      starts.push({ year: next.year, month: next.month, day: next.day, hour: next.hour, minute: next.minute, second: next.second });
    }
  }
  for (const line of lines.filter((l) => /^RDATE/i.test(l))) for (const utc of dateList(line, first.zone)) starts.push(utcToZoned(utc, first.zone));
  const duration = endUtc - firstUtc;
  const seen = new Set<number>();
  const out: Occurrence[] = [];
  for (const local of starts) {
    const utc = zonedToUtcMs(local, first.zone);
    if (excluded.has(utc) || seen.has(utc)) continue;
    seen.add(utc);
    if (first.allDay) {
      const days = Math.round(duration / 86_400_000);
      const end = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
      out.push({ originalStartUtc: utc, start: { date: formatLocalDate(local) }, end: { date: end.toISOString().slice(0, 10) } });
    } else {
      const zone = master.start.timeZone ?? first.zone;
      out.push({
        originalStartUtc: utc,
        start: { dateTime: formatLocalDateTime(utcToZoned(utc, zone)), timeZone: zone },
        end: { dateTime: formatLocalDateTime(utcToZoned(utc + duration, zone)), timeZone: master.end.timeZone ?? zone },
      });
    }
  }
  return out.sort((a, b) => a.originalStartUtc - b.originalStartUtc);
}

/**
 * The instances of a master as events.instances and list(singleEvents=true) return them: each
 * occurrence with its own id, `recurringEventId` and `originalStartTime`; a changed one (an
 * exception stored under its instance id) in its changed form; cancelled ones only when
 * `showDeleted` (https://developers.google.com/workspace/calendar/api/v3/reference/events/instances).
 */
export function instancesOf(master: GoogleEvent, stored: (id: string) => GoogleEvent | undefined, startInstant: (t: GoogleTime) => number | null, showDeleted = false): GoogleEvent[] {
  const allDay = Boolean(master.start.date);
  const { recurrence: _r, etag: _e, ...fields } = master;
  const out: GoogleEvent[] = [];
  for (const o of occurrencesOf(master, startInstant)) {
    const id = instanceId(master.id, o.originalStartUtc, allDay);
    const exception = stored(id);
    const instance: GoogleEvent = exception ?? {
      ...fields,
      id,
      etag: master.etag,
      recurringEventId: master.id,
      originalStartTime: o.start,
      start: o.start,
      end: o.end,
    };
    if (instance.status === 'cancelled' && !showDeleted) continue;
    out.push(instance);
  }
  return out;
}

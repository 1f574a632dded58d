// Wall-clock dates and times in an IANA zone, converted with the runtime's tz data (Intl).
// Events are stored as local time + zone (what the organizer meant); instants are derived.

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses `YYYY-MM-DD`; null when malformed or not a real calendar date. */
export function parseLocalDate(text: string): LocalDateTime | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  return checked({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: 0, minute: 0, second: 0 });
}

/** Parses `YYYY-MM-DDTHH:MM[:SS]`; null when malformed or out of range. */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = DATE_TIME_RE.exec(text);
  if (!m) return null;
  return checked({
    year: +m[1]!,
    month: +m[2]!,
    day: +m[3]!,
    hour: +m[4]!,
    minute: +m[5]!,
    second: m[6] === undefined ? 0 : +m[6],
  });
}

function checked(t: LocalDateTime): LocalDateTime | null {
  if (t.year < 1900 || t.year > 2999 || t.month < 1 || t.month > 12) return null;
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return null;
  const probe = new Date(Date.UTC(t.year, t.month - 1, t.day));
  if (probe.getUTCDate() !== t.day) return null; // 2026-02-30 and friends
  return t;
}

/** The instant a wall-clock time would have if the wall clock were UTC. */
export function wallClockMs(t: LocalDateTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

export function fromWallClockMs(ms: number): LocalDateTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

const zoneValidity = new Map<string, boolean>();

/** True for names the runtime's tz database knows (IANA names and their aliases). */
export function isKnownTimeZone(zone: string): boolean {
  let ok = zoneValidity.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = zone.length > 0 && zone.length <= 64;
    } catch {
      ok = false;
    }
    zoneValidity.set(zone, ok);
  }
  return ok;
}

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds. */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in `zone`. Times skipped by a DST jump move forward by
 * the gap and repeated times take the earlier instant (RFC 5545 §3.3.5 and Temporal's
 * "compatible" disambiguation).
 */
export function zonedToUtcMs(t: LocalDateTime, zone: string): number {
  const wall = wallClockMs(t);
  const before = zoneOffsetMs(zone, wall - 86_400_000);
  const after = zoneOffsetMs(zone, wall + 86_400_000);
  const candidates = [wall - before, wall - after].filter((utc) => utc + zoneOffsetMs(zone, utc) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: interpret with the offset from before the jump, which lands after the gap.
  return wall - before;
}

/** The wall-clock time in `zone` at the instant `utcMs`. */
export function utcToZoned(utcMs: number, zone: string): LocalDateTime {
  return fromWallClockMs(utcMs + zoneOffsetMs(zone, utcMs));
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function formatLocalDate(t: LocalDateTime): string {
  return `${String(t.year).padStart(4, '0')}-${pad2(t.month)}-${pad2(t.day)}`;
}

export function formatLocalDateTime(t: LocalDateTime): string {
  return `${formatLocalDate(t)}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
}

export function addDays(t: LocalDateTime, days: number): LocalDateTime {
  return fromWallClockMs(wallClockMs(t) + days * 86_400_000);
}

/** Midnight UTC of the day holding `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

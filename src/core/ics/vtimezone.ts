import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import { paramValue } from './text.ts';
import { transitionsBetween } from '../time/transitions.ts';
import { zoneOffsetMs } from '../time/local-time.ts';

// VTIMEZONE blocks are generated from the runtime's own tz data (Intl), one observance per
// offset change over the years a calendar needs, so every client reading DTSTART;TZID=… lands
// on the instant we computed. (timezones-ical-library's RRULE-based blocks switched Asia/Gaza
// and Asia/Hebron a week late.) The library still names zones: aliases ("US/Eastern") resolve
// to their canonical TZID, and only zones on its list are accepted.

/** UTC calendar years a block covers; the last observance carries on after `toYear`. */
export interface YearRange {
  fromYear: number;
  toYear: number;
}

// For callers that do not say which years they need (a fixed range keeps output deterministic).
const DEFAULT_RANGE: YearRange = { fromYear: 2020, toYear: 2035 };

export interface TimeZoneBlock {
  tzid: string;
  /** Content lines without line ends, BEGIN:VTIMEZONE … END:VTIMEZONE. */
  lines: string[];
  /** `;TZID=<tzid>:`, ready to put between a property name and its value. */
  param: string;
}

const cache = new Map<string, TimeZoneBlock | null>();
// Asking the library about a name it does not know makes it print to the console; ask only
// about names on its list.
const KNOWN = new Set<string>(tzlib_get_timezones() as string[]);

export function vtimezoneFor(zone: string, range: YearRange = DEFAULT_RANGE): TimeZoneBlock | null {
  const tzid = canonicalTzid(zone);
  if (tzid === null) return null;
  const key = `${tzid}\n${range.fromYear}\n${range.toYear}`;
  let block = cache.get(key);
  if (block === undefined) {
    block = { tzid, lines: vtimezoneLines(tzid, range), param: `;TZID=${paramValue(tzid)}:` };
    cache.set(key, block);
  }
  return block;
}

const names = new Map<string, string | null>();
const params = new Map<string, Omit<TimeZoneBlock, 'lines'> | null>();

/** TZID and its ready parameter, without building a block (per event, so it must be cheap). */
export function tzidParam(zone: string): Omit<TimeZoneBlock, 'lines'> | null {
  let found = params.get(zone);
  if (found === undefined) {
    const tzid = canonicalTzid(zone);
    found = tzid === null ? null : { tzid, param: `;TZID=${paramValue(tzid)}:` };
    params.set(zone, found);
  }
  return found;
}

/** The canonical TZID for a zone name, or null when there is no VTIMEZONE for it. */
export function canonicalTzid(zone: string): string | null {
  let tzid = names.get(zone);
  if (tzid === undefined) {
    const found = KNOWN.has(zone) ? tzlib_get_ical_block(zone) : null;
    const param = Array.isArray(found) ? found[1] : undefined;
    tzid = typeof param === 'string' && param.startsWith('TZID=') ? param.slice('TZID='.length) : null;
    names.set(zone, tzid);
  }
  return tzid;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `-0500`, or `+053730` when seconds are needed (RFC 5545 UTC-OFFSET). */
function utcOffset(ms: number): string {
  const total = Math.abs(ms) / 1000;
  const text = `${ms < 0 ? '-' : '+'}${pad(Math.floor(total / 3600))}${pad(Math.floor((total % 3600) / 60))}`;
  return total % 60 === 0 ? text : text + pad(total % 60);
}

/** Local DATE-TIME of `utcMs` at `offset` (an observance's DTSTART is in the old offset). */
function localStamp(utcMs: number, offset: number): string {
  const d = new Date(utcMs + offset);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function vtimezoneLines(tzid: string, range: YearRange): string[] {
  const begin = Date.UTC(range.fromYear, 0, 1);
  const changes = transitionsBetween(tzid, range.fromYear, range.toYear);
  const initial = zoneOffsetMs(tzid, begin);
  const observance = (kind: string, at: number, from: number, to: number) => [
    `BEGIN:${kind}`,
    `DTSTART:${localStamp(at, from)}`,
    `TZOFFSETFROM:${utcOffset(from)}`,
    `TZOFFSETTO:${utcOffset(to)}`,
    `END:${kind}`,
  ];
  // Before the first change the zone keeps its opening offset; it is daylight time when the
  // next change goes back down.
  const firstKind = changes[0] && changes[0].to < changes[0].from ? 'DAYLIGHT' : 'STANDARD';
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`, ...observance(firstKind, begin, initial, initial)];
  for (const c of changes) lines.push(...observance(c.to > c.from ? 'DAYLIGHT' : 'STANDARD', c.at, c.from, c.to));
  lines.push('END:VTIMEZONE');
  return lines;
}

/** The years a block must cover for events starting at `firstStartUtc` and ending by `lastEndUtc`. */
export function yearsCovering(firstStartUtc: number, lastEndUtc: number): YearRange {
  // Two days' margin: a local time just after New Year can be the previous year in UTC.
  return { fromYear: new Date(firstStartUtc - 2 * 86_400_000).getUTCFullYear(), toYear: new Date(lastEndUtc).getUTCFullYear() };
}

/** Zones written as UTC instants (`…Z`) rather than TZID + VTIMEZONE. */
export function isUtcZone(tzid: string): boolean {
  return tzid === 'Etc/UTC' || tzid === 'UTC' || tzid === 'Etc/GMT' || tzid === 'GMT' || tzid === 'Etc/Zulu';
}

import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import { paramValue } from './text.ts';

// VTIMEZONE blocks come from timezones-ical-library (tzurl data: current rules as RRULE-based
// STANDARD/DAYLIGHT parts). Aliases ("US/Eastern") resolve to their canonical TZID.

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

export function vtimezoneFor(zone: string): TimeZoneBlock | null {
  let block = cache.get(zone);
  if (block === undefined) {
    const found = KNOWN.has(zone) ? tzlib_get_ical_block(zone) : null;
    const [text, tzidParam] = Array.isArray(found) ? found : [];
    block =
      text && tzidParam?.startsWith('TZID=')
        ? {
            tzid: tzidParam.slice('TZID='.length),
            lines: text.split(/\r?\n/).filter((l) => l.length > 0),
            param: `;TZID=${paramValue(tzidParam.slice('TZID='.length))}:`,
          }
        : null;
    cache.set(zone, block);
  }
  return block;
}

/** The canonical TZID for a zone name, or null when there is no VTIMEZONE for it. */
export function canonicalTzid(zone: string): string | null {
  return vtimezoneFor(zone)?.tzid ?? null;
}

/** Zones written as UTC instants (`…Z`) rather than TZID + VTIMEZONE. */
export function isUtcZone(tzid: string): boolean {
  return tzid === 'Etc/UTC' || tzid === 'UTC' || tzid === 'Etc/GMT' || tzid === 'GMT' || tzid === 'Etc/Zulu';
}

import { fromWallClockMs, wallClockMs, zoneOffsetMs, type LocalDateTime } from './local-time.ts';
import { transitionsInYear } from './transitions.ts';

// The conversions of local-time.ts, answered from the cached offset changes of a zone instead
// of asking Intl each time: series expand and render many dates of few zones, and each Intl
// call costs microseconds. Same rules (a gap moves forward, a repeated time is its first).

const DAY = 86_400_000;
const openingOffsets = new Map<string, number>();

/** Offset of `zone` at `utcMs` (ms), from its offset changes that year. */
export function offsetAt(zone: string, utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const changes = transitionsInYear(zone, year);
  for (let i = changes.length - 1; i >= 0; i--) if (utcMs >= changes[i]!.at) return changes[i]!.to;
  const key = `${zone}\n${year}`;
  let opening = openingOffsets.get(key);
  if (opening === undefined) {
    opening = zoneOffsetMs(zone, Date.UTC(year, 0, 1));
    openingOffsets.set(key, opening);
  }
  return opening;
}

/** As zonedToUtcMs. */
export function localToUtc(t: LocalDateTime, zone: string): number {
  const wall = wallClockMs(t);
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  const a = wall - before;
  const b = wall - after;
  const aOk = a + offsetAt(zone, a) === wall;
  const bOk = b + offsetAt(zone, b) === wall;
  if (aOk && bOk) return Math.min(a, b);
  if (aOk) return a;
  if (bOk) return b;
  return wall - before;
}

/** As utcToZoned. */
export function utcToLocal(utcMs: number, zone: string): LocalDateTime {
  return fromWallClockMs(utcMs + offsetAt(zone, utcMs));
}

import { zoneOffsetMs } from './local-time.ts';

// Offset changes of a zone, read from the runtime's tz data (Intl) — the same data every
// instant we store comes from, so VTIMEZONE blocks and ambiguity checks cannot disagree with
// them. Found by sampling weekly, then daily, and bisecting to the second; cached per zone and year.

export interface Transition {
  /** The first instant of the new offset (epoch ms). */
  at: number;
  /** Offsets from UTC before and after, in milliseconds. */
  from: number;
  to: number;
}

const DAY = 86_400_000;
const cache = new Map<string, Transition[]>();
const lastYear = new Map<string, { from: number; to: number; repeated: number[] }>();

/** Every offset change of `zone` in the UTC calendar year `year`, in order. */
export function transitionsInYear(zone: string, year: number): Transition[] {
  const key = `${zone}\n${year}`;
  let found = cache.get(key);
  if (found) return found;
  found = [];
  const end = Date.UTC(year + 1, 0, 1);
  let t = Date.UTC(year, 0, 1);
  let offset = zoneOffsetMs(zone, t);
  while (t < end) {
    // A week at a time, then day by day through a week whose offset moved (no zone changes
    // twice within one week in the data we serve; the all-zones agreement test checks it).
    const week = Math.min(t + 7 * DAY, end);
    if (zoneOffsetMs(zone, week) === offset) {
      t = week;
      continue;
    }
    const next = Math.min(t + DAY, end);
    const nextOffset = zoneOffsetMs(zone, next);
    if (nextOffset !== offset) {
      // Bisect (t, next] to the first second with the new offset.
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (zoneOffsetMs(zone, mid) === offset) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi, from: offset, to: zoneOffsetMs(zone, hi) });
    }
    t = next;
    offset = nextOffset;
  }
  cache.set(key, found);
  return found;
}

/** Offset changes in [fromYear, toYear] inclusive. */
export function transitionsBetween(zone: string, fromYear: number, toYear: number): Transition[] {
  const out: Transition[] = [];
  for (let y = fromYear; y <= toYear; y++) out.push(...transitionsInYear(zone, y));
  return out;
}

/**
 * True when the wall-clock time of `utcMs` in `zone` happens twice (an autumn change) — we
 * mean its first instant, but khal and libical read the second, so such times go out in UTC.
 */
export function isRepeatedWallTime(utcMs: number, zone: string): boolean {
  // The repeated spans of the instant's year and the next, kept per zone for the last year
  // asked (this runs twice per event of a feed, mostly for the same few zones and years).
  let last = lastYear.get(zone);
  if (!last || utcMs < last.from || utcMs >= last.to) {
    const year = new Date(utcMs).getUTCFullYear();
    const repeated: number[] = [];
    for (const y of [year, year + 1]) {
      for (const tr of transitionsInYear(zone, y)) {
        const back = tr.from - tr.to;
        // After a fall-back by `back`, the wall times of [at - back, at) come round again.
        if (back > 0) repeated.push(tr.at - back, tr.at);
      }
    }
    const yearStart = (y: number) => new Date(0).setUTCFullYear(y, 0, 1); // Date.UTC maps 0-99 to 19xx
    lastYear.set(zone, (last = { from: yearStart(year), to: yearStart(year + 1), repeated }));
  }
  const r = last.repeated;
  for (let i = 0; i < r.length; i += 2) if (utcMs >= r[i]! && utcMs < r[i + 1]!) return true;
  return false;
}

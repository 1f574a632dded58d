import { formatLocalDateTime, utcToZoned, wallClockMs, type LocalDateTime } from './local-time.ts';

// A local time skipped by a spring change does not exist; for a one-off event (and a series'
// first start) it is refused rather than silently moved, and the message names the gap.

/** Null when `local` exists in `zone`; otherwise a message naming the gap. */
export function gapMessage(local: LocalDateTime, utcMs: number, zone: string): string | null {
  const actual = utcToZoned(utcMs, zone);
  const shift = wallClockMs(actual) - wallClockMs(local);
  if (shift === 0) return null;
  const minutes = Math.round(shift / 60_000);
  const size = minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
  const text = formatLocalDateTime(local).slice(0, 16);
  return `${text} does not exist in ${zone}: the clocks skip forward ${size} there (daylight-saving gap); the same instant is ${formatLocalDateTime(actual).slice(0, 16)}`;
}

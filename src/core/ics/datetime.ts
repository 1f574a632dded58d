// DATE and DATE-TIME value forms (RFC 5545 §3.3.4, §3.3.5).

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);

/**
 * `20250310T080000Z`, whole seconds (milliseconds are dropped, never rounded up). Computed
 * with integer arithmetic (civil-from-days): this runs several times per event in every feed.
 */
export function utcDateTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return (
    year + TWO_DIGITS[month]! + TWO_DIGITS[day]! + 'T' + TWO_DIGITS[hour]! + TWO_DIGITS[minute]! + TWO_DIGITS[secondOfDay % 60]! + 'Z'
  );
}

/** `2025-03-10` -> `20250310`. */
export function dateValue(localDate: string): string {
  return localDate.slice(0, 4) + localDate.slice(5, 7) + localDate.slice(8, 10);
}

/** `2025-03-10T09:00:00` -> `20250310T090000` (to be paired with a TZID). */
export function localDateTimeValue(local: string): string {
  return dateValue(local) + 'T' + local.slice(11, 13) + local.slice(14, 16) + local.slice(17, 19);
}

// DATE and DATE-TIME value forms (RFC 5545 §3.3.4, §3.3.5).

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** `20250310T080000Z`, whole seconds (milliseconds are dropped, never rounded up). */
export function utcDateTime(ms: number): string {
  const d = new Date(ms);
  return (
    d.getUTCFullYear() +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    'T' +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds()) +
    'Z'
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

import { parseLocalDateTime } from './local-time.ts';

// ISO 8601 instants from people and programs (query parameters). Date.parse alone accepts
// impossible dates and rolls them over (2027-02-30 becomes 2 March): every field is checked
// first, so an impossible date is refused instead of meaning another day.

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Epoch milliseconds of `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`; null when malformed or impossible. */
export function parseIsoInstant(text: string): number | null {
  const m = INSTANT.exec(text);
  if (!m || !parseLocalDateTime(m[1]!)) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

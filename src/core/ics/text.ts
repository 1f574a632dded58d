// RFC 5545 §3.1 (content lines) and §3.3.11 (TEXT values).

const CRLF = '\r\n';

/** Escapes a TEXT value: backslash first, then `;` `,` and every kind of line break. */
export function escapeText(value: string): string {
  // A lone surrogate (possible in JSON input) would become U+FFFD on encoding anyway; do it now
  // so that folding counts the octets that are really written.
  if (!value.isWellFormed()) value = value.toWellFormed();
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPABLE, escapeOne);
}
const NEEDS_ESCAPE = /[\\;,\r\n\u0000-\u0008\u000b-\u001f\u007f]/;
// One pass: the escapes, every line break as \n, and control characters other than TAB dropped
// (they are not allowed in TEXT).
const ESCAPABLE = /\r\n|[\\;,\r\n\u0000-\u0008\u000b-\u001f\u007f]/g;
function escapeOne(match: string): string {
  switch (match) {
    case '\\':
      return '\\\\';
    case ';':
      return '\\;';
    case ',':
      return '\\,';
    case '\r\n':
    case '\r':
    case '\n':
      return '\\n';
    default:
      return '';
  }
}

const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/** UTF-8 length of the UTF-16 code unit at `i` (a surrogate pair counts 4 on its high half). */
function utf8Width(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdbff) return 4;
  return 3;
}

/**
 * Folds a content line so no physical line exceeds 75 octets, never splitting a code point.
 * Continuation lines start with one space, which counts toward their 75.
 */
export function foldLine(line: string): string {
  // Fast paths: even if every unit were 3 octets the line would fit; or it fits in octets.
  if (line.length <= 25 || (line.length <= 75 && Buffer.byteLength(line, 'utf8') <= 75)) return line;
  if (ASCII_ONLY.test(line)) {
    // One octet per unit: cut every 75, then every 74 (the leading space counts).
    let out = line.slice(0, 75);
    for (let i = 75; i < line.length; i += 74) out += CRLF + ' ' + line.slice(i, i + 74);
    return out;
  }
  let out = '';
  let start = 0;
  let used = 0;
  let limit = 75;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    const width = utf8Width(code);
    if (used + width > limit) {
      out += (start === 0 ? '' : CRLF + ' ') + line.slice(start, i);
      start = i;
      used = 0;
      limit = 74;
    }
    used += width;
    if (width === 4) i++; // the low surrogate travels with its high half
  }
  return start === 0 ? line : out + CRLF + ' ' + line.slice(start);
}

/** A parameter value, quoted when it holds `:` `;` or `,` (a `"` cannot be represented). */
export function paramValue(value: string): string {
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

export { CRLF };

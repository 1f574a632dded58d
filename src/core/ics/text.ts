// RFC 5545 §3.1 (content lines) and §3.3.11 (TEXT values).

const CRLF = '\r\n';

/** Escapes a TEXT value: backslash first, then `;` `,` and every kind of line break. */
export function escapeText(value: string): string {
  // A lone surrogate (possible in JSON input) would become U+FFFD on encoding anyway; do it now
  // so that folding counts the octets that are really written.
  if (!value.isWellFormed()) value = value.toWellFormed();
  // One pass by char code (a replace with a callback costs a call per match): the escapes,
  // every line break as \n, and control characters other than TAB dropped (not allowed in TEXT).
  let out = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 ? code !== 0x2c && code !== 0x3b && code !== 0x5c && code !== 0x7f : code === 0x09) continue;
    out += value.slice(start, i) + escapeCode(code);
    if (code === 0x0d && value.charCodeAt(i + 1) === 0x0a) i++; // CRLF is one line break
    start = i + 1;
  }
  return start === 0 ? value : out + value.slice(start);
}
function escapeCode(code: number): string {
  switch (code) {
    case 0x5c:
      return '\\\\';
    case 0x3b:
      return '\\;';
    case 0x2c:
      return '\\,';
    case 0x0d:
    case 0x0a:
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

/**
 * `foldLine(name + escapeText(value))` in one pass over the value: escaping, well-forming and
 * folding as those do, without a string per step. `name` is the ASCII property name with its
 * colon (e.g. `DESCRIPTION:`), shorter than a line.
 */
export function textLine(name: string, value: string): string {
  let out = name;
  let start = 0; // the value's characters from here on are not in `out` yet
  let used = name.length;
  let limit = 75;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) {
      if (code >= 0x20 ? code !== 0x2c && code !== 0x3b && code !== 0x5c && code !== 0x7f : code === 0x09) {
        if (++used > limit) {
          out += value.slice(start, i) + CRLF + ' ';
          start = i;
          used = 1;
          limit = 74;
        }
        continue;
      }
      // Escaped (or dropped) as escapeText does; a fold may fall inside an escape, as in foldLine.
      out += value.slice(start, i);
      if (code === 0x0d && value.charCodeAt(i + 1) === 0x0a) i++;
      start = i + 1;
      const escaped = escapeCode(code);
      for (let k = 0; k < escaped.length; k++) {
        if (++used > limit) {
          out += CRLF + ' ';
          used = 1;
          limit = 74;
        }
        out += escaped[k];
      }
      continue;
    }
    let width = code < 0x800 ? 2 : 3;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) width = 4;
      else {
        // A lone surrogate: U+FFFD, as toWellFormed() makes it.
        out += value.slice(start, i);
        start = i + 1;
        if (used + 3 > limit) {
          out += CRLF + ' ';
          used = 0;
          limit = 74;
        }
        out += '\uFFFD';
        used += 3;
        continue;
      }
    }
    if (used + width > limit) {
      out += value.slice(start, i) + CRLF + ' ';
      start = i;
      used = 0;
      limit = 74;
    }
    used += width;
    if (width === 4) i++; // the low surrogate travels with its high half
  }
  return start === 0 ? out + value : out + value.slice(start);
}

/** A parameter value, quoted when it holds `:` `;` or `,` (a `"` cannot be represented). */
export function paramValue(value: string): string {
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

export { CRLF };

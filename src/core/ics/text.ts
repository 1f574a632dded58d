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
 * colon (e.g. `DESCRIPTION:`), shorter than a line. The renderer writes the same line as octets
 * (writeTextLine); this string form is its reference in the tests.
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

// The value's raw UTF-8, encoded natively once per line (grown as needed, reused).
let raw = Buffer.allocUnsafeSlow(4096);

/** Octets `writeTextLine` may write at most: every unit 3 octets (an escape is 2), plus folds. */
export function textLineBound(name: string, value: string): number {
  return name.length + value.length * 4 + 8;
}

/**
 * Writes the UTF-8 of `textLine(name, value)` into `out` at `at` (room for `textLineBound`
 * octets) and returns where it ends. Works on octets: the value is encoded once by Buffer#write
 * (lone surrogates become U+FFFD, as in textLine), then escaped and folded in one loop, which
 * costs far less than building the line as a string and encoding it afterwards. Folding counts
 * octets as textLine does: a multi-byte sequence moves whole to the next line when it does not
 * fit (its length comes from its lead byte; continuation bytes are 0b10xxxxxx and are copied
 * with it), an escape may be split.
 */
export function writeTextLine(out: Buffer, at: number, name: string, value: string): number {
  if (raw.length < value.length * 3) raw = Buffer.allocUnsafeSlow(Math.max(raw.length * 2, value.length * 3));
  const n = raw.write(value, 0, 'utf8');
  let pos = at;
  for (let k = 0; k < name.length; k++) out[pos++] = name.charCodeAt(k);
  let used = name.length;
  let limit = 75;
  for (let i = 0; i < n; i++) {
    const b = raw[i]!;
    if (b < 0x80) {
      let escaped: number;
      if (b >= 0x20 ? b !== 0x2c && b !== 0x3b && b !== 0x5c && b !== 0x7f : b === 0x09) escaped = -1;
      else if (b === 0x5c || b === 0x3b || b === 0x2c) escaped = b;
      else if (b === 0x0d || b === 0x0a) {
        escaped = 0x6e; // n
        if (b === 0x0d && raw[i + 1] === 0x0a) i++; // CRLF is one line break
      } else continue; // other controls are dropped
      if (escaped >= 0) {
        if (++used > limit) {
          out[pos++] = 0x0d;
          out[pos++] = 0x0a;
          out[pos++] = 0x20;
          used = 1;
          limit = 74;
        }
        out[pos++] = 0x5c;
      }
      if (++used > limit) {
        out[pos++] = 0x0d;
        out[pos++] = 0x0a;
        out[pos++] = 0x20;
        used = 1;
        limit = 74;
      }
      out[pos++] = escaped >= 0 ? escaped : b;
      continue;
    }
    // A lead byte (the encoder's output is valid UTF-8, so never a continuation here).
    const width = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    if (used + width > limit) {
      out[pos++] = 0x0d;
      out[pos++] = 0x0a;
      out[pos++] = 0x20;
      used = 0;
      limit = 74;
    }
    used += width;
    out[pos++] = b;
    for (let k = 1; k < width; k++) out[pos++] = raw[++i]!;
  }
  return pos;
}

/** A parameter value, quoted when it holds `:` `;` or `,` (a `"` cannot be represented). */
export function paramValue(value: string): string {
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

export { CRLF };

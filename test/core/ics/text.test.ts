import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeText, foldLine, paramValue, textLine } from '../../../src/core/ics/text.ts';

// TEXT escaping (RFC 5545 §3.3.11) and line folding (§3.1), checked the way a reader sees them:
// the octets on each physical line, and what comes back after unfolding and unescaping.

const octets = (s: string) => Buffer.byteLength(s, 'utf8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A reference reader for escaped TEXT; throws on anything a strict reader would reject. */
function unescapeText(escaped: string): string {
  let out = '';
  const tokens = escaped.match(/\\.|[^\\]/gsu) ?? [];
  if (tokens.join('') !== escaped) throw new Error('dangling backslash');
  for (const token of tokens) {
    if (token === '\\n' || token === '\\N') out += '\n';
    else if (token === '\\\\' || token === '\\;' || token === '\\,') out += token[1];
    else if (token.startsWith('\\')) throw new Error(`stray escape ${JSON.stringify(token)}`);
    else if (token === ';' || token === ',') throw new Error(`unescaped ${token}`);
    else out += token;
  }
  return out;
}

/** What the writer promises to keep: lone surrogates as U+FFFD, breaks as LF, no controls but TAB. */
const expectedText = (s: string) =>
  s.toWellFormed().replace(/\r\n|\r/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

/** The physical lines of a folded line, checked against §3.1 on the way. */
function physicalLines(folded: string): string[] {
  const lines = folded.split('\r\n');
  lines.forEach((line, i) => {
    assert.ok(octets(line) <= 75, `line ${i} has ${octets(line)} octets: ${JSON.stringify(line)}`);
    if (i > 0) assert.ok(line.startsWith(' ') && line.length > 1, `continuation ${i} starts with one space and carries text`);
    // Decoding each line's own bytes strictly fails if a UTF-8 sequence was cut in two.
    assert.equal(strictUtf8.decode(Buffer.from(line, 'utf8')), line);
    assert.ok(line.isWellFormed(), `line ${i} holds half a surrogate pair`);
  });
  return lines;
}

const unfold = (folded: string) => folded.replace(/\r\n[ \t]/g, '');

describe('escapeText', () => {
  it('escapes backslash, semicolon and comma', () => {
    assert.equal(escapeText('a\\b'), 'a\\\\b');
    assert.equal(escapeText('Jazz; Blues, Soul'), 'Jazz\\; Blues\\, Soul');
    assert.equal(escapeText('C:\\Users\\Nina'), 'C:\\\\Users\\\\Nina');
  });

  it('escapes the backslash first, so existing escapes are not read as escapes', () => {
    assert.equal(escapeText('\\,'), '\\\\\\,'); // backslash + comma: both kept literally
    assert.equal(escapeText('\\n'), '\\\\n'); // the two characters "\n", not a line break
    assert.equal(unescapeText(escapeText('\\n\\;\\\\')), '\\n\\;\\\\');
  });

  it('writes every kind of line break as one \\n', () => {
    assert.equal(escapeText('a\nb'), 'a\\nb');
    assert.equal(escapeText('a\r\nb'), 'a\\nb', 'CRLF is one break, not two');
    assert.equal(escapeText('a\rb'), 'a\\nb');
    assert.equal(escapeText('a\n\r\nb\r\rc'), 'a\\n\\nb\\n\\nc');
  });

  it('drops control characters other than TAB (not allowed in TEXT)', () => {
    assert.equal(escapeText('a\u0000b\u0007c\u000bd\u000ce\u001bf\u007fg'), 'abcdefg');
    assert.equal(escapeText('a\tb'), 'a\tb');
  });

  it('leaves colons, quotes and non-ASCII text alone', () => {
    assert.equal(escapeText('Time: "now" — Café 日本 🎷 e\u0301'), 'Time: "now" — Café 日本 🎷 e\u0301');
  });

  it('replaces lone surrogates with U+FFFD and keeps real pairs', () => {
    assert.equal(escapeText('a\ud800b'), 'a\ufffdb');
    assert.equal(escapeText('\udc00'), '\ufffd');
    assert.equal(escapeText('🎷\ud83c'), '🎷\ufffd');
  });

  it('round-trips arbitrary Unicode through a strict reader (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom('\\', ';', ',', ':', '"', '\n', '\r', '\r\n', '\t', '\u0000', '\u001f', '\u007f'),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // lone surrogates
      fc.string({ unit: 'grapheme', maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }).map((a) => a.join('')), (s) => {
        const escaped = escapeText(s);
        assert.doesNotMatch(escaped, /[\u0000-\u0008\u000a-\u001f\u007f]/, 'no raw breaks or controls');
        assert.ok(escaped.isWellFormed());
        assert.equal(unescapeText(escaped), expectedText(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('foldLine', () => {
  it('leaves lines of up to 75 octets alone', () => {
    assert.equal(foldLine(''), '');
    assert.equal(foldLine('x'.repeat(75)), 'x'.repeat(75));
    assert.equal(foldLine('é'.repeat(37) + 'x'), 'é'.repeat(37) + 'x'); // 75 octets, 38 characters
  });

  it('folds ASCII at 75 octets, then 74 plus the leading space', () => {
    const line = 'SUMMARY:' + 'a'.repeat(200);
    const parts = physicalLines(foldLine(line));
    assert.deepEqual(parts.map(octets), [75, 75, 60]);
    assert.equal(unfold(foldLine(line)), line);
  });

  it('counts octets, not characters: 76 octets of two-byte letters fold', () => {
    const line = 'é'.repeat(38);
    assert.deepEqual(physicalLines(foldLine(line)), ['é'.repeat(37), ' é']);
  });

  // Every alignment of a multi-octet sequence against the 75-octet boundary.
  const samples: Record<string, string> = {
    emoji: '🎷',
    'emoji ZWJ sequence': '👩🏽‍💻',
    CJK: '日本語',
    'combining marks': 'e\u0301\u0323',
    mixed: 'ü🎉中',
  };
  for (const [name, unit] of Object.entries(samples)) {
    it(`never splits a code point (${name}), at any offset`, () => {
      for (let pad = 0; pad < 8; pad++) {
        const line = 'DESCRIPTION:' + 'x'.repeat(pad) + unit.repeat(60);
        const folded = foldLine(line);
        assert.ok(folded.includes('\r\n '), 'the line was folded');
        physicalLines(folded);
        assert.equal(unfold(folded), line);
      }
    });
  }

  it('fills each physical line: the next code point would not have fitted', () => {
    const line = 'LOCATION:' + 'ab日🎷'.repeat(40);
    const parts = physicalLines(foldLine(line));
    for (let i = 0; i < parts.length - 1; i++) {
      const next = String.fromCodePoint(parts[i + 1]!.codePointAt(1)!);
      assert.ok(octets(parts[i]!) + octets(next) > 75, `line ${i} was folded early`);
    }
  });

  it('keeps every line within 75 octets and unfolds to the original (property)', () => {
    const content = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
      fc.string({ unit: fc.constantFrom('a', 'é', '日', '🎷', 'e\u0301', ' ', '\t'), maxLength: 300 }),
    );
    fc.assert(
      fc.property(content, (raw) => {
        // Content lines reach foldLine escaped: no CR or LF inside.
        const line = 'DESCRIPTION:' + escapeText(raw);
        const folded = foldLine(line);
        physicalLines(folded);
        assert.equal(unfold(folded), line);
        assert.equal(unescapeText(unfold(folded).slice('DESCRIPTION:'.length)), expectedText(raw));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('paramValue', () => {
  it('quotes values holding : ; or , and leaves plain ones bare', () => {
    assert.equal(paramValue('Europe/Berlin'), 'Europe/Berlin');
    assert.equal(paramValue('Smith, Jane'), '"Smith, Jane"');
    assert.equal(paramValue('a;b'), '"a;b"');
    assert.equal(paramValue('mailto:x@y.test'), '"mailto:x@y.test"');
  });

  it('drops double quotes and control characters, which a parameter cannot hold', () => {
    assert.equal(paramValue('The "Docks"'), 'The Docks');
    assert.equal(paramValue('a\r\nb\u0000'), 'ab');
    assert.equal(paramValue('"x", y'), '"x, y"', 'quotes dropped, then quoted for the comma');
  });
});

// Text made of what escaping and folding care about: escapes, line breaks, controls, TAB, 2-,
// 3- and 4-octet characters, lone surrogates of both halves.
const tricky = fc
  .array(fc.constantFrom('a', 'Z', ' ', ',', ';', '\\', '\r', '\n', '\r\n', '\t', '\u0001', '\u001f', '\u007f', 'é', '→', '日', '🎉', '\ud83c', '\udf89', 'x'.repeat(70)), { maxLength: 120 })
  .map((parts) => parts.join(''));

/** escapeText as it was written first (a regular expression and a callback), the reference. */
function referenceEscape(value: string): string {
  const wellFormed = value.toWellFormed();
  return wellFormed.replace(/\r\n|[\\;,\r\n\u0000-\u0008\u000b-\u001f\u007f]/g, (m) => (m === '\\' ? '\\\\' : m === ';' ? '\\;' : m === ',' ? '\\,' : m === '\r\n' || m === '\r' || m === '\n' ? '\\n' : ''));
}

describe('escaping and folding in one pass', () => {
  it('escapeText is the reference escape', () => {
    fc.assert(fc.property(fc.oneof(tricky, fc.string({ unit: 'binary' })), (value) => assert.equal(escapeText(value), referenceEscape(value))), { numRuns: 2000 });
  });

  it('textLine(name, value) is foldLine(name + escapeText(value)), octet for octet', () => {
    for (const name of ['SUMMARY:', 'DESCRIPTION:', 'LOCATION:']) {
      fc.assert(fc.property(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 300 })), (value) => assert.equal(textLine(name, value), foldLine(name + escapeText(value)))), { numRuns: 2000 });
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeText, foldLine, textLine, textLineBound, writeTextLine } from '../../../src/core/ics/text.ts';

// The renderer writes TEXT lines as octets (writeTextLine); the string form (textLine, itself
// checked against foldLine(name + escapeText(value)) in text.test.ts) is the reference.

// ASCII to escape or drop, 2-, 3- and 4-octet characters, lone surrogates of both halves, and
// long runs, so folds fall next to escapes and multi-byte sequences.
const tricky = fc
  .array(fc.constantFrom('a', ' ', ',', ';', '\\', '\r', '\n', '\r\n', '\t', '\u0001', '\u007f', 'é', '→', '日', '🎉', '\ud83c', '\udf89', 'x'.repeat(70)), { maxLength: 120 })
  .map((parts) => parts.join(''));

describe('TEXT lines written as octets', () => {
  it('writeTextLine writes the UTF-8 of textLine(name, value), within textLineBound', () => {
    const out = Buffer.alloc(64 * 1024, 0xff);
    for (const name of ['SUMMARY:', 'DESCRIPTION:', 'X:']) {
      fc.assert(
        fc.property(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 })), fc.nat(16), (value, at) => {
          const end = writeTextLine(out, at, name, value);
          assert.ok(end - at <= textLineBound(name, value), 'bound');
          assert.deepEqual(out.subarray(at, end), Buffer.from(textLine(name, value), 'utf8'));
          assert.deepEqual(out.subarray(at, end), Buffer.from(foldLine(name + escapeText(value)), 'utf8'));
        }),
        { numRuns: 2000 },
      );
    }
  });
});

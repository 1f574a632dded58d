import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dateValue, localDateTimeValue, utcDateTime } from '../../../src/core/ics/datetime.ts';

describe('DATE and DATE-TIME values', () => {
  it('formats UTC instants like the platform does, dropping milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        const iso = new Date(ms).toISOString();
        assert.equal(utcDateTime(ms), `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`);
      }),
      { numRuns: 5000 },
    );
    assert.equal(utcDateTime(Date.parse('2028-02-29T23:59:59.999Z')), '20280229T235959Z', 'leap day, never rounded up');
    assert.equal(utcDateTime(Date.parse('1969-12-31T23:59:59Z')), '19691231T235959Z', 'before the epoch');
  });

  it('writes local dates and times without separators', () => {
    assert.equal(dateValue('2026-03-10'), '20260310');
    assert.equal(localDateTimeValue('2026-03-10T09:05:07'), '20260310T090507');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, applyEventPatch } from '../../../src/core/events/rules.ts';
import { EventValidationError } from '../../../src/core/events/errors.ts';
import { cancelOccurrence, changeOccurrence } from '../../../src/core/events/occurrence-rules.ts';
import { originalOccurrences, occurrencesBetween, hasOccurrenceIn } from '../../../src/core/recurrence/occurrences.ts';

// The expander on the cases the ical.js comparison leaves out, and what PRODUCT.md refuses.

const NOW = Date.parse('2026-11-24T10:00:00Z');
const series = (over: object) =>
  createEvent({ title: 'Jam', start: '2027-03-02T19:00', end: '2027-03-02T21:00', timezone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=4', ...over }, 'x.test', NOW);
const starts = (e: ReturnType<typeof series>) => originalOccurrences(e).map((o) => o.start);
const refusal = (over: object) => {
  try {
    series(over);
  } catch (error) {
    assert.ok(error instanceof EventValidationError);
    return error.errors.map((x) => `${x.field}: ${x.message}`).join('; ');
  }
  assert.fail('accepted');
};

describe('expansion', () => {
  it('keeps the wall-clock time across a DST change (19:00 New York stays 19:00)', () => {
    const e = series({});
    assert.deepEqual(starts(e), ['2027-03-02T19:00:00', '2027-03-09T19:00:00', '2027-03-16T19:00:00', '2027-03-23T19:00:00']);
    const utc = originalOccurrences(e).map((o) => new Date(o.startUtc).toISOString().slice(11, 16));
    assert.deepEqual(utc, ['00:00', '00:00', '23:00', '23:00']);
  });

  it('moves an occurrence in the spring gap forward by the gap, keeping its name', () => {
    const e = series({ start: '2027-03-07T02:30', end: '2027-03-07T03:30', rrule: 'FREQ=DAILY;COUNT=3' });
    const o = originalOccurrences(e);
    assert.deepEqual(o.map((x) => x.occurrence), ['2027-03-07T02:30', '2027-03-08T02:30', '2027-03-09T02:30']);
    assert.equal(new Date(o[1]!.startUtc).toISOString(), '2027-03-08T07:30:00.000Z'); // 03:30 EDT
  });

  it('handles the rules ical.js gets wrong: BYSETPOS on month days, BYMONTH in MONTHLY, Friday the 13th', () => {
    const last = series({ start: '2027-01-31T10:00', end: '2027-01-31T11:00', rrule: 'FREQ=MONTHLY;BYMONTHDAY=1,-1;BYSETPOS=-1;COUNT=3' });
    assert.deepEqual(starts(last).map((s) => s.slice(0, 10)), ['2027-01-31', '2027-02-28', '2027-03-31']);
    const winter = series({ start: '2027-02-01T10:00', end: '2027-02-01T11:00', rrule: 'FREQ=MONTHLY;BYMONTH=1,2;COUNT=3' });
    assert.deepEqual(starts(winter).map((s) => s.slice(0, 10)), ['2027-02-01', '2028-01-01', '2028-02-01']);
    const friday13 = series({ start: '2027-08-13T20:00', end: '2027-08-13T23:00', rrule: 'FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=2' });
    assert.deepEqual(starts(friday13).map((s) => s.slice(0, 10)), ['2027-08-13', '2028-10-13']);
    const firstFriday = series({ start: '2027-01-01T19:00', end: '2027-01-01T20:00', rrule: 'FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270331' });
    assert.deepEqual(starts(firstFriday).map((s) => s.slice(0, 10)), ['2027-01-01', '2027-02-05', '2027-03-05']);
    const lastSundayOct = series({ start: '2027-10-31T10:00', end: '2027-10-31T11:00', rrule: 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;COUNT=2' });
    assert.deepEqual(starts(lastSundayOct).map((s) => s.slice(0, 10)), ['2027-10-31', '2028-10-29']);
  });

  it('stores the rule in one canonical form', () => {
    assert.equal(series({ rrule: 'count=4;byday=TU;freq=weekly' }).rrule, 'FREQ=WEEKLY;COUNT=4;BYDAY=TU');
  });
});

describe('refused with a field error on rrule', () => {
  const cases: [string, RegExp][] = [
    ['FREQ=HOURLY;COUNT=3', /HOURLY is not supported/],
    ['FREQ=MINUTELY;COUNT=3', /not supported/],
    ['FREQ=WEEKLY;COUNT=731', /at most 730/],
    ['FREQ=WEEKLY;BYDAY=TU;COUNT=400', /at most 5 years/],
    ['FREQ=WEEKLY;BYDAY=TU', /at most 5 years/],
    ['FREQ=WEEKLY;UNTIL=20340101', /at most 5 years/],
    ['FREQ=WEEKLY;UNTIL=20270101', /UNTIL is before the start/],
    ['FREQ=WEEKLY;COUNT=3;UNTIL=20271231', /COUNT or UNTIL, not both/],
    ['FREQ=WEEKLY;BYWEEKNO=3;COUNT=2', /BYWEEKNO is not supported/],
    ['FREQ=WEEKLY;BYDAY=WE;COUNT=3', /must itself be an occurrence/],
    ['nonsense', /NAME=VALUE/],
    ['FREQ=YEARLY;BYMONTHDAY=1;COUNT=2', /needs BYMONTH/],
  ];
  for (const [rule, message] of cases) {
    it(rule, () => assert.match(refusal({ rrule: rule }), new RegExp(`^rrule: .*${message.source}`)));
  }
});

describe('exceptions', () => {
  it('a changed or cancelled occurrence bumps the series SEQUENCE and DTSTAMP; the exception takes the new SEQUENCE', () => {
    const e = series({});
    const changed = changeOccurrence(e, '2027-03-16T19:00', { title: 'Jam (late)', start: '2027-03-16T20:00' }, NOW + 5000).event;
    assert.equal(changed.sequence, 1);
    assert.ok(changed.updatedAt > e.updatedAt);
    assert.equal(changed.overrides![0]!.sequence, 1);
    const cancelled = cancelOccurrence(changed, '2027-03-23T19:00', NOW + 9000).event;
    assert.equal(cancelled.sequence, 2);
    const list = occurrencesBetween(cancelled, 0, Infinity);
    assert.deepEqual(list.map((o) => [o.occurrence, o.start, o.title, o.status]), [
      ['2027-03-02T19:00', '2027-03-02T19:00:00', 'Jam', 'confirmed'],
      ['2027-03-09T19:00', '2027-03-09T19:00:00', 'Jam', 'confirmed'],
      ['2027-03-16T19:00', '2027-03-16T20:00:00', 'Jam (late)', 'confirmed'],
      ['2027-03-23T19:00', '2027-03-23T19:00:00', 'Jam', 'cancelled'],
    ]);
    assert.equal(cancelOccurrence(cancelled, '2027-03-23T19:00', NOW + 10_000).changed.length, 0, 'cancelling twice changes nothing');
  });

  it('refuses a changed time in the spring gap, and an occurrence the series does not have', () => {
    const e = series({});
    assert.throws(() => changeOccurrence(e, '2027-03-09T19:00', { start: '2027-03-14T02:30' }, NOW), /does not exist in America\/New_York/);
    assert.throws(() => changeOccurrence(e, '2027-03-10T19:00', { title: 'x' }, NOW), /no occurrence/);
  });

  it('counts a series as in a window only when an occurrence that is not cancelled is', () => {
    let e = series({});
    const w = [Date.parse('2027-03-23T00:00:00Z'), Date.parse('2027-03-25T00:00:00Z')] as const;
    assert.ok(hasOccurrenceIn(e, ...w));
    e = cancelOccurrence(e, '2027-03-23T19:00', NOW).event;
    assert.equal(hasOccurrenceIn(e, ...w), false);
    assert.equal(hasOccurrenceIn(e, Date.parse('2027-03-05T00:00:00Z'), Date.parse('2027-03-08T00:00:00Z')), false, 'between dates');
  });

  it('changing the whole series bumps SEQUENCE and drops exceptions of dates that no longer exist', () => {
    const e = cancelOccurrence(series({}), '2027-03-16T19:00', NOW).event;
    const retitled = applyEventPatch(e, { title: 'Jam session' }, NOW + 60_000);
    assert.equal(retitled.event.sequence, e.sequence + 1);
    assert.equal(retitled.event.overrides!.length, 1);
    const moved = applyEventPatch(e, { start: '2027-03-02T20:00', end: '2027-03-02T22:00' }, NOW + 60_000).event;
    assert.deepEqual(moved.overrides, []);
    const longer = applyEventPatch(e, { rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6' }, NOW + 60_000);
    assert.ok(longer.changed.includes('rrule'));
    assert.equal(longer.event.sequence, e.sequence + 1);
    assert.equal(longer.event.overrides!.length, 1, 'the cancelled date still exists');
  });
});

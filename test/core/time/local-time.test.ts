import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays,
  formatLocalDate,
  formatLocalDateTime,
  isKnownTimeZone,
  parseLocalDate,
  parseLocalDateTime,
  utcDayStart,
  utcToZoned,
  zoneOffsetMs,
  zonedToUtcMs,
  type LocalDateTime,
} from '../../../src/core/time/local-time.ts';

// Wall clock + IANA zone -> instant, as organizers mean it: DST gaps move forward, repeated
// hours take the first instant (RFC 5545 §3.3.5), in both hemispheres.

const HOUR = 3_600_000;
const local = (text: string): LocalDateTime => {
  const t = parseLocalDateTime(text);
  assert.ok(t, `valid local time ${text}`);
  return t;
};
const utc = (text: string, zone: string) => new Date(zonedToUtcMs(local(text), zone)).toISOString();
const wall = (iso: string, zone: string) => formatLocalDateTime(utcToZoned(Date.parse(iso), zone));

describe('parseLocalDate / parseLocalDateTime', () => {
  it('accepts real dates and times, seconds optional', () => {
    assert.deepEqual(parseLocalDate('2028-02-29'), { year: 2028, month: 2, day: 29, hour: 0, minute: 0, second: 0 });
    assert.deepEqual(parseLocalDateTime('2026-03-10T09:05'), { year: 2026, month: 3, day: 10, hour: 9, minute: 5, second: 0 });
    assert.deepEqual(parseLocalDateTime('2026-12-31T23:59:59'), { year: 2026, month: 12, day: 31, hour: 23, minute: 59, second: 59 });
  });

  it('rejects dates that do not exist', () => {
    for (const bad of ['2026-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32']) {
      assert.equal(parseLocalDate(bad), null, bad);
      assert.equal(parseLocalDateTime(`${bad}T10:00`), null, `${bad}T10:00`);
    }
  });

  it('rejects malformed text instead of guessing', () => {
    const badDates = ['', '2026-1-05', '26-01-05', '2026/01/05', '20260105', ' 2026-01-05', '2026-01-05\n', '2026-01-05T00:00', '١٢٣٤-01-05'];
    for (const bad of badDates) assert.equal(parseLocalDate(bad), null, JSON.stringify(bad));
    const badTimes = [
      '2026-01-05',
      '2026-01-05 10:00', // space instead of T
      '2026-01-05T10',
      '2026-01-05T9:00',
      '2026-01-05T24:00',
      '2026-01-05T23:60',
      '2026-01-05T23:59:60',
      '2026-01-05T10:00Z', // an instant, not a wall-clock time
      '2026-01-05T10:00+01:00',
      '2026-01-05T10:00:00.500',
      '2026-01-05t10:00',
    ];
    for (const bad of badTimes) assert.equal(parseLocalDateTime(bad), null, bad);
  });

  it('keeps to the years 1900-2999', () => {
    assert.equal(parseLocalDate('1899-12-31'), null);
    assert.equal(parseLocalDate('3000-01-01'), null);
    assert.ok(parseLocalDate('1900-01-01'));
    assert.ok(parseLocalDate('2999-12-31'));
  });

  it('formats back to the canonical form with seconds', () => {
    assert.equal(formatLocalDateTime(local('2026-03-10T09:05')), '2026-03-10T09:05:00');
    assert.equal(formatLocalDate(local('2026-03-10T09:05')), '2026-03-10');
  });
});

describe('zonedToUtcMs', () => {
  it('converts ordinary times with the offset in force that day', () => {
    assert.equal(utc('2026-01-15T12:00', 'Europe/Berlin'), '2026-01-15T11:00:00.000Z');
    assert.equal(utc('2026-07-15T12:00', 'Europe/Berlin'), '2026-07-15T10:00:00.000Z');
    assert.equal(utc('2026-01-15T12:00', 'America/New_York'), '2026-01-15T17:00:00.000Z');
    assert.equal(utc('2026-07-15T12:00', 'America/New_York'), '2026-07-15T16:00:00.000Z');
    assert.equal(utc('2026-07-15T12:00', 'Asia/Kolkata'), '2026-07-15T06:30:00.000Z');
    assert.equal(utc('2026-07-15T12:00', 'Asia/Kathmandu'), '2026-07-15T06:15:00.000Z');
    assert.equal(utc('2026-07-15T12:00', 'Etc/UTC'), '2026-07-15T12:00:00.000Z');
    assert.equal(utc('2026-12-31T23:30', 'Pacific/Kiritimati'), '2026-12-31T09:30:00.000Z'); // UTC+14
  });

  it('moves a time inside a spring-forward gap forward by the gap (Europe/Berlin)', () => {
    // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist and becomes 03:30 CEST.
    assert.equal(utc('2026-03-29T02:30', 'Europe/Berlin'), '2026-03-29T01:30:00.000Z');
    assert.equal(wall('2026-03-29T01:30:00Z', 'Europe/Berlin'), '2026-03-29T03:30:00');
    assert.equal(utc('2026-03-29T01:59:59', 'Europe/Berlin'), '2026-03-29T00:59:59.000Z', 'just before the gap');
    assert.equal(utc('2026-03-29T03:00', 'Europe/Berlin'), '2026-03-29T01:00:00.000Z', 'just after the gap');
  });

  it('takes the earlier instant of a repeated time (Europe/Berlin, America/New_York)', () => {
    // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice, first in CEST.
    assert.equal(utc('2026-10-25T02:30', 'Europe/Berlin'), '2026-10-25T00:30:00.000Z');
    assert.equal(wall('2026-10-25T01:30:00Z', 'Europe/Berlin'), '2026-10-25T02:30:00', 'the second 02:30 exists too');
    assert.equal(utc('2026-11-01T01:30', 'America/New_York'), '2026-11-01T05:30:00.000Z'); // EDT, not EST
  });

  it('handles the southern hemisphere, where summer time spans the new year (Australia/Sydney)', () => {
    assert.equal(utc('2026-01-15T12:00', 'Australia/Sydney'), '2026-01-15T01:00:00.000Z'); // AEDT +11
    assert.equal(utc('2026-07-15T12:00', 'Australia/Sydney'), '2026-07-15T02:00:00.000Z'); // AEST +10
    // 2026-04-05 03:00 AEDT falls back to 02:00 AEST: 02:30 is taken in AEDT.
    assert.equal(utc('2026-04-05T02:30', 'Australia/Sydney'), '2026-04-04T15:30:00.000Z');
    // 2026-10-04 02:00 AEST jumps to 03:00 AEDT: 02:30 becomes 03:30 AEDT.
    assert.equal(utc('2026-10-04T02:30', 'Australia/Sydney'), '2026-10-03T16:30:00.000Z');
    assert.equal(wall('2026-10-03T16:30:00Z', 'Australia/Sydney'), '2026-10-04T03:30:00');
  });

  it('moves by the actual gap when it is not an hour (Australia/Lord_Howe, 30 minutes)', () => {
    // 2026-10-04 02:00 +10:30 jumps to 02:30 +11:00: 02:15 becomes 02:45.
    assert.equal(wall(utc('2026-10-04T02:15', 'Australia/Lord_Howe'), 'Australia/Lord_Howe'), '2026-10-04T02:45:00');
  });

  it('is the inverse of utcToZoned for every time that exists exactly once (property)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago', 'Etc/UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2040, 0, 1) / 1000 }),
        (zone, seconds) => {
          const ms = seconds * 1000;
          const wallClock = utcToZoned(ms, zone);
          const back = zonedToUtcMs(wallClock, zone);
          // The same wall clock again; the same instant unless that wall clock happened twice,
          // in which case the earlier one (at most the size of the fall-back shift earlier).
          assert.deepEqual(utcToZoned(back, zone), wallClock);
          assert.ok(back === ms || (back < ms && ms - back <= 2 * HOUR), `${zone} ${new Date(ms).toISOString()}`);
          if (back !== ms) assert.notEqual(zoneOffsetMs(zone, back), zoneOffsetMs(zone, ms));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('zoneOffsetMs / utcToZoned / isKnownTimeZone', () => {
  it('gives the offset in force at an instant', () => {
    assert.equal(zoneOffsetMs('Europe/Berlin', Date.parse('2026-01-15T12:00:00Z')), 1 * HOUR);
    assert.equal(zoneOffsetMs('Europe/Berlin', Date.parse('2026-07-15T12:00:00Z')), 2 * HOUR);
    assert.equal(zoneOffsetMs('America/New_York', Date.parse('2026-07-15T12:00:00Z')), -4 * HOUR);
    assert.equal(zoneOffsetMs('Asia/Kolkata', Date.parse('2026-07-15T12:00:00.999Z')), 5.5 * HOUR, 'milliseconds do not leak in');
  });

  it('gives the wall clock at an instant, whole seconds', () => {
    assert.equal(wall('2026-12-31T23:30:00.750Z', 'Asia/Tokyo'), '2027-01-01T08:30:00');
    assert.equal(wall('2026-01-01T03:00:00Z', 'America/Los_Angeles'), '2025-12-31T19:00:00');
  });

  it('knows IANA names and their aliases, and not made-up names', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'US/Eastern', 'Etc/UTC', 'UTC']) assert.ok(isKnownTimeZone(zone), zone);
    // Offsets like "+01:00" pass here (Intl accepts them); validation rejects them because
    // they have no VTIMEZONE (see the events tests).
    for (const zone of ['', 'Mars/Base', 'Europe/Berlinn', 'CEST']) assert.equal(isKnownTimeZone(zone), false, zone);
  });

  it('adds calendar days on the wall clock, and finds the UTC day', () => {
    assert.equal(formatLocalDate(addDays(local('2028-02-28T00:00'), 1)), '2028-02-29');
    assert.equal(formatLocalDate(addDays(local('2026-12-31T00:00'), 1)), '2027-01-01');
    assert.equal(new Date(utcDayStart(Date.parse('2026-05-05T23:59:59.999Z'))).toISOString(), '2026-05-05T00:00:00.000Z');
  });
});

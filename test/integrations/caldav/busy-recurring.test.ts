import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { busyFromEvents } from '../../../src/integrations/caldav/busy.ts';
import { vtimezoneFor } from '../../../src/core/ics/vtimezone.ts';

// The calendar-query fallback reads the person's events itself, so a recurring meeting must
// come out as its occurrences in the range: wall-clock time kept across DST, EXDATEs left out,
// a changed occurrence at its new time only, a cancelled one not at all.

const at = (iso: string) => Date.parse(iso);
const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

const weekly = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  ...vtimezoneFor('America/New_York')!.lines,
  'BEGIN:VEVENT',
  'UID:standup@example.test',
  'DTSTAMP:20270101T000000Z',
  'DTSTART;TZID=America/New_York:20270301T090000',
  'DTEND;TZID=America/New_York:20270301T093000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6',
  'EXDATE;TZID=America/New_York:20270322T090000',
  'SUMMARY:Standup',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:standup@example.test',
  'DTSTAMP:20270101T000000Z',
  'RECURRENCE-ID;TZID=America/New_York:20270315T090000',
  'DTSTART;TZID=America/New_York:20270315T140000',
  'DTEND;TZID=America/New_York:20270315T150000',
  'SUMMARY:Standup (moved)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:standup@example.test',
  'DTSTAMP:20270101T000000Z',
  'RECURRENCE-ID;TZID=America/New_York:20270329T090000',
  'DTSTART;TZID=America/New_York:20270329T090000',
  'DTEND;TZID=America/New_York:20270329T093000',
  'STATUS:CANCELLED',
  'SUMMARY:Standup',
  'END:VEVENT',
  'END:VCALENDAR',
]);

describe('CalDAV busy times from events (calendar-query fallback)', () => {
  it('expands a recurring meeting into its occurrences in the range, with its exceptions', () => {
    const busy = busyFromEvents([{ href: '/cal/standup.ics', data: weekly }], at('2027-03-01T00:00:00Z'), at('2027-04-10T00:00:00Z'));
    assert.deepEqual(
      busy.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString()]),
      [
        ['2027-03-01T14:00:00.000Z', '2027-03-01T14:30:00.000Z'], // EST
        ['2027-03-08T14:00:00.000Z', '2027-03-08T14:30:00.000Z'],
        ['2027-03-15T18:00:00.000Z', '2027-03-15T19:00:00.000Z'], // moved to 14:00 EDT; not also at 9:00
        // 03-22 is an EXDATE, 03-29 cancelled
        ['2027-04-05T13:00:00.000Z', '2027-04-05T13:30:00.000Z'], // 9:00 EDT: the wall clock held across DST
      ],
    );
    assert.ok(busy.every((b) => b.remoteEventId === '/cal/standup.ics'));
  });

  it('keeps only the occurrences inside the range', () => {
    const busy = busyFromEvents([{ href: '/cal/standup.ics', data: weekly }], at('2027-03-08T00:00:00Z'), at('2027-03-09T00:00:00Z'));
    assert.deepEqual(busy.map((b) => new Date(b.start).toISOString()), ['2027-03-08T14:00:00.000Z']);
  });
});

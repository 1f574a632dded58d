import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { createEvent } from '../../../src/core/events/rules.ts';
import { cancelOccurrence } from '../../../src/core/events/occurrence-rules.ts';
import { renderCalendar } from '../../../src/core/ics/calendar.ts';
import { occurrencesBetween } from '../../../src/core/recurrence/occurrences.ts';

// A series occurrence at a local time that comes twice (Berlin, 2027-10-31 02:30) is written as
// an override of itself with UTC times, so khal and libical (which read an ambiguous TZID time as
// the second instant) show the same instant as RFC 5545, ical.js and our API (the first).

const T0 = Date.parse('2027-01-10T09:15:42.789Z');
const meta = { productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club', refreshMinutes: 60 };

function nightShift(rrule = 'FREQ=DAILY;COUNT=4') {
  return createEvent({ title: 'Night shift', start: '2027-10-29T02:30', end: '2027-10-29T03:00', timezone: 'Europe/Berlin', rrule }, 'cal.example.test', T0);
}

/** Every instance a calendar would show, as ISO instants, after applying the overrides. */
function expandWithIcalJs(ics: string): string[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const [master, ...instances] = calendar.getAllSubcomponents('vevent');
  const event = new ICAL.Event(master!, { exceptions: instances });
  const out: string[] = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    out.push(event.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
  }
  return out;
}

describe('a series at a repeated local time', () => {
  it('writes the ambiguous occurrence as an override in UTC, keyed by its TZID value', () => {
    const ics = renderCalendar(meta, [nightShift()]);
    assert.match(ics, /RECURRENCE-ID;TZID=Europe\/Berlin:20271031T023000\r\n/);
    // The first 02:30 of that night is CEST (+02:00): 00:30 UTC.
    assert.match(ics, /DTSTART:20271031T003000Z\r\nDTEND:20271031T010000Z\r\n/);
    assert.equal((ics.match(/BEGIN:VEVENT/g) ?? []).length, 2, 'the master and one override');
  });

  it('is expanded by ical.js to exactly the instants our API gives', () => {
    const e = nightShift();
    const ours = occurrencesBetween(e, 0, Number.MAX_SAFE_INTEGER).map((o) => new Date(o.startUtc).toISOString());
    assert.deepEqual(expandWithIcalJs(renderCalendar(meta, [e])), ours);
    assert.ok(ours.includes('2027-10-31T00:30:00.000Z'));
  });

  it('adds nothing for a series that never meets a repeated time, nor for a cancelled ambiguous date', () => {
    const evening = createEvent({ title: 'Evening', start: '2027-10-29T19:00', end: '2027-10-29T20:00', timezone: 'Europe/Berlin', rrule: 'FREQ=DAILY;COUNT=4' }, 'cal.example.test', T0);
    assert.equal((renderCalendar(meta, [evening]).match(/BEGIN:VEVENT/g) ?? []).length, 1);
    const cancelled = cancelOccurrence(nightShift(), '2027-10-31T02:30', T0 + 1000).event;
    const ics = renderCalendar(meta, [cancelled]);
    assert.equal((ics.match(/BEGIN:VEVENT/g) ?? []).length, 1);
    assert.match(ics, /EXDATE;TZID=Europe\/Berlin:20271031T023000/);
  });
});

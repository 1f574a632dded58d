import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { createEvent } from '../../../src/core/events/rules.ts';
import { cancelOccurrence, changeOccurrence } from '../../../src/core/events/occurrence-rules.ts';
import { renderCalendar } from '../../../src/core/ics/calendar.ts';

// Golden files for a series: a weekly jam across the March DST change with one changed and one
// cancelled occurrence (master VEVENT with RRULE and EXDATE, then the RECURRENCE-ID instance),
// and a one-off event at a repeated local time (written in UTC). UPDATE_GOLDEN=1 rewrites them.

const dir = path.resolve(import.meta.dirname, '../../fixtures/ics');
const T0 = Date.parse('2027-01-10T09:15:42.789Z');
const meta = { productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club', refreshMinutes: 60 };
const fixed = { id: 'evt000000002', slug: 'jam', uid: 'feedfacefeedfacefeedfacefeedface@cal.example.test' };

function weeklySeries() {
  let e = { ...createEvent({ title: 'Tuesday jam', location: 'Back room', start: '2027-03-02T19:00', end: '2027-03-02T21:00', timezone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6' }, 'cal.example.test', T0), ...fixed };
  e = changeOccurrence(e, '2027-03-16T19:00', { title: 'Tuesday jam (late start)', start: '2027-03-16T20:00' }, T0 + 86_400_000).event;
  return cancelOccurrence(e, '2027-03-23T19:00', T0 + 2 * 86_400_000).event;
}

function repeatedTime() {
  return { ...createEvent({ title: 'Night owls', start: '2027-11-07T01:30', end: '2027-11-07T02:30', timezone: 'America/New_York' }, 'cal.example.test', T0), ...fixed, uid: 'owl@cal.example.test' };
}

// An all-day series whose second occurrence moved a day later, without a new end: the instance
// keeps its one day (DTEND the day after its DTSTART; it once kept the original end, DTEND =
// DTSTART, which khal warns about and RFC 5545 §3.8.2.2 forbids).
function allDaySeriesMoved() {
  const e = { ...createEvent({ title: 'Market day', start: '2027-02-03', end: '2027-02-04', allDay: true, timezone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;COUNT=3' }, 'cal.example.test', T0), ...fixed, uid: 'market@cal.example.test' };
  return changeOccurrence(e, '2027-02-10', { title: 'Market day (moved)', start: '2027-02-11' }, T0 + 86_400_000).event;
}

const cases: Record<string, () => string> = {
  'weekly-series-dst': () => renderCalendar(meta, [weeklySeries()]),
  'one-off-repeated-time': () => renderCalendar(meta, [repeatedTime()]),
  'all-day-series-moved': () => renderCalendar(meta, [allDaySeriesMoved()]),
};

describe('series golden files', () => {
  for (const [name, render] of Object.entries(cases)) {
    it(`renders ${name} byte for byte`, () => {
      const file = path.join(dir, `${name}.ics`);
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, render());
      assert.ok(fs.existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1 and review the diff`);
      assert.equal(render(), fs.readFileSync(file, 'utf8'));
    });
  }

  it('is read by ical.js as 19:00 local every week, the changed one at 20:00, the cancelled one gone', () => {
    const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(path.join(dir, 'weekly-series-dst.ics'), 'utf8')));
    const [master, ...instances] = calendar.getAllSubcomponents('vevent');
    assert.equal(instances.length, 1);
    const event = new ICAL.Event(master!, { exceptions: instances });
    const seen: string[] = [];
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const details = event.getOccurrenceDetails(next);
      seen.push(`${new Date(details.startDate.toUnixTime() * 1000).toISOString()} ${details.item.summary}`);
    }
    assert.deepEqual(seen, [
      '2027-03-03T00:00:00.000Z Tuesday jam',
      '2027-03-10T00:00:00.000Z Tuesday jam',
      '2027-03-17T00:00:00.000Z Tuesday jam (late start)', // 20:00 EDT
      // 2027-03-23 is an EXDATE
      '2027-03-30T23:00:00.000Z Tuesday jam', // 19:00 EDT after the change
      '2027-04-06T23:00:00.000Z Tuesday jam',
    ]);
    assert.equal(instances[0]!.getFirstPropertyValue('sequence'), 1);
    assert.equal(master!.getFirstPropertyValue('sequence'), 2);
  });

  it('writes a one-off event at a repeated local time in UTC, as its first instant', () => {
    const text = cases['one-off-repeated-time']!();
    assert.match(text, /\r\nDTSTART:20271107T053000Z\r\nDTEND:20271107T073000Z\r\n/); // 01:30 EDT to 02:30 EST
    assert.doesNotMatch(text, /DTSTART;TZID/);
  });

  it('moves a changed all-day occurrence with its length: DTEND is the day after the moved DTSTART', () => {
    const text = fs.readFileSync(path.join(dir, 'all-day-series-moved.ics'), 'utf8');
    assert.match(text, /RECURRENCE-ID;VALUE=DATE:20270210\r\nDTSTART;VALUE=DATE:20270211\r\nDTEND;VALUE=DATE:20270212\r\n/);
  });
});

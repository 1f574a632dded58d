import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderCalendar } from '../../../src/core/ics/calendar.ts';
import type { CalendarEvent } from '../../../src/core/events/event.ts';

// Golden files: the exact bytes the serializer writes for fixed events. Any change to the
// output shows up as a diff here; regenerate deliberately with UPDATE_GOLDEN=1.

const dir = path.resolve(import.meta.dirname, '../../fixtures/ics');
const T0 = Date.parse('2026-11-01T09:15:42.789Z');

function event(over: Partial<CalendarEvent>): CalendarEvent {
  return {
    id: 'evt000000001',
    slug: 'event',
    uid: '0123456789abcdef0123456789abcdef@cal.example.test',
    title: 'Event',
    description: null,
    location: null,
    url: null,
    categories: [],
    start: '2026-12-03T19:30:00',
    end: '2026-12-03T22:00:00',
    timezone: 'Europe/Berlin',
    allDay: false,
    status: 'confirmed',
    sequence: 0,
    createdAt: T0,
    updatedAt: T0,
    cancelledAt: null,
    startUtc: Date.parse('2026-12-03T18:30:00Z'),
    endUtc: Date.parse('2026-12-03T21:00:00Z'),
    ...over,
  };
}

const cases: Record<string, () => string> = {
  'timed-berlin': () =>
    renderCalendar({ productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club', refreshMinutes: 60 }, [
      event({ title: 'Jazz at the Docks', location: 'Harbour Terrace, Kai 3', categories: ['Music', 'Jazz'], url: 'https://example.com/jazz?a=1&b=2' }),
    ]),
  'all-day-and-cancelled': () =>
    renderCalendar({ productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club - Markets', refreshMinutes: 60 }, [
      event({ uid: 'aaaa@cal.example.test', title: 'Makers Market', allDay: true, start: '2026-12-10', end: '2026-12-13', timezone: 'Europe/Berlin' }),
      event({
        uid: 'bbbb@cal.example.test',
        title: 'Sunrise Yoga',
        status: 'cancelled',
        sequence: 3,
        updatedAt: T0 + 86_400_000,
        timezone: 'America/New_York',
        start: '2026-12-12T06:00:00',
        end: '2026-12-12T07:00:00',
      }),
    ]),
  'unicode-and-escaping': () =>
    renderCalendar({ productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar, Club; \\ Test' }, [
      event({
        title: 'Café "Lumière"; 夜市, 🎉 and a very long title that has to be folded somewhere past seventy-five octets 🎷🎷🎷',
        description: 'Line one\nC:\\Users\\Nina, semi; colon\r\nLast line with emoji 👩🏽‍💻 and CJK 日本語のテキスト',
        location: 'Kai 3, Hamburg; Tor 2',
        categories: ['Jazz, Blues', 'Music'],
        timezone: 'Asia/Tokyo',
        start: '2026-12-24T19:00:00',
        end: '2026-12-24T21:00:00',
      }),
    ]),
  'utc-and-tentative': () =>
    renderCalendar({ productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'UTC' }, [
      event({ title: 'Release call', timezone: 'Etc/UTC', status: 'tentative', start: '2026-12-01T16:00:00', end: '2026-12-01T17:00:00', startUtc: Date.parse('2026-12-01T16:00:00Z'), endUtc: Date.parse('2026-12-01T17:00:00Z') }),
    ]),
};

describe('iCalendar serializer golden files', () => {
  for (const [name, render] of Object.entries(cases)) {
    it(`renders ${name} byte for byte`, () => {
      const file = path.join(dir, `${name}.ics`);
      const actual = render();
      if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) fs.writeFileSync(file, actual);
      assert.equal(actual, fs.readFileSync(file, 'utf8'));
    });
  }

  it('writes CRLF after every line, the last included, and no line over 75 octets', () => {
    for (const render of Object.values(cases)) {
      const text = render();
      assert.ok(text.endsWith('END:VCALENDAR\r\n'));
      assert.ok(!/[^\r]\n|\r[^\n]/.test(text), 'no bare LF or CR');
      for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    }
  });

  it('includes a VTIMEZONE for each TZID used, sorted, and none for DATE or UTC values', () => {
    const text = cases['all-day-and-cancelled']!();
    assert.deepEqual([...text.matchAll(/^TZID:(.+)$/gm)].map((m) => m[1]!.trim()), ['America/New_York']);
    assert.match(text, /DTSTART;TZID=America\/New_York:20261212T060000/);
    const utc = cases['utc-and-tentative']!();
    assert.doesNotMatch(utc, /VTIMEZONE/);
    assert.match(utc, /DTSTART:20261201T160000Z/);
  });

  it('takes DTSTAMP and LAST-MODIFIED from the store (whole seconds), never from the clock', () => {
    const text = cases['timed-berlin']!();
    assert.match(text, /DTSTAMP:20261101T091542Z\r\n/);
    assert.match(text, /LAST-MODIFIED:20261101T091542Z\r\n/);
    assert.equal(cases['timed-berlin']!(), text, 'rendering again gives the same bytes');
  });

  it('publishes no METHOD, ATTENDEE or ORGANIZER, and repeats the URL in DESCRIPTION', () => {
    const text = Object.values(cases).map((r) => r()).join('');
    assert.doesNotMatch(text, /^(METHOD|ATTENDEE|ORGANIZER)/m);
    assert.match(cases['timed-berlin']!(), /DESCRIPTION:https:\/\/example.com\/jazz\?a=1&b=2\r\nLOCATION/);
  });
});

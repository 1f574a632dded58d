import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderCalendar, renderCalendarBytes } from '../../../src/core/ics/calendar.ts';
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
  // Several zones in one file: VTIMEZONE for exactly the TZIDs used (sorted), none for the
  // all-day event's zone or for UTC; the URL appended to an existing description.
  'mixed-zones': () =>
    renderCalendar(
      { productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club, all events', description: 'Everything; in one feed', refreshMinutes: 90 },
      [
        event({ uid: 'c1@cal.example.test', title: 'Poetry slam', timezone: 'Europe/Berlin', description: 'Open mic.\nSign up at the door.', url: 'https://example.com/slam', sequence: 2 }),
        event({ uid: 'c2@cal.example.test', title: 'Harbor cruise', timezone: 'America/New_York', start: '2026-12-05T10:00:00', end: '2026-12-05T12:30:00', startUtc: Date.parse('2026-12-05T15:00:00Z'), endUtc: Date.parse('2026-12-05T17:30:00Z') }),
        event({ uid: 'c3@cal.example.test', title: 'New Year holiday', allDay: true, timezone: 'Asia/Tokyo', start: '2027-01-01', end: '2027-01-04' }),
        event({ uid: 'c4@cal.example.test', title: 'Standup', timezone: 'Etc/UTC', start: '2026-12-07T09:00:00', end: '2026-12-07T09:15:00', startUtc: Date.parse('2026-12-07T09:00:00Z'), endUtc: Date.parse('2026-12-07T09:15:00Z') }),
        event({ uid: 'c5@cal.example.test', title: 'Second Berlin event', timezone: 'Europe/Berlin', description: 'Details: https://example.com/two', url: 'https://example.com/two' }),
      ],
    ),
};

describe('iCalendar serializer golden files', () => {
  for (const [name, render] of Object.entries(cases)) {
    it(`renders ${name} byte for byte`, () => {
      const file = path.join(dir, `${name}.ics`);
      const actual = render();
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
      // A missing fixture fails rather than being written: CI must never pass by creating one.
      assert.ok(fs.existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1 and review the diff`);
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

  it('declares exactly the TZIDs it uses, each once, in sorted order', () => {
    const text = cases['mixed-zones']!();
    const declared = [...text.matchAll(/^BEGIN:VTIMEZONE\r\nTZID:(.+)\r\n/gm)].map((m) => m[1]);
    const used = [...new Set([...text.matchAll(/^DT(?:START|END);TZID=([^:;]+):/gm)].map((m) => m[1]))].sort();
    assert.deepEqual(declared, ['America/New_York', 'Europe/Berlin']);
    assert.deepEqual(declared, used);
    assert.match(text, /DTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\n/);
    assert.match(text, /DTSTART:20261207T090000Z\r\nDTEND:20261207T091500Z\r\n/);
    assert.doesNotMatch(text, /Asia\/Tokyo|TZID=Etc/);
  });

  it('names the calendar twice (NAME, X-WR-CALNAME) and states the refresh interval twice', () => {
    const text = cases['mixed-zones']!();
    // Outlook web shows the backslashes of escaped commas, so the name carries none.
    assert.match(text, /\r\nNAME:Calendar Club all events\r\nX-WR-CALNAME:Calendar Club all events\r\n/);
    assert.match(text, /\r\nDESCRIPTION:Everything\\; in one feed\r\nX-WR-CALDESC:Everything\\; in one feed\r\n/);
    assert.match(text, /\r\nREFRESH-INTERVAL;VALUE=DURATION:PT90M\r\nX-PUBLISHED-TTL:PT90M\r\n/);
    assert.doesNotMatch(cases['unicode-and-escaping']!(), /REFRESH-INTERVAL|X-PUBLISHED-TTL/, 'not for one-off downloads');
  });

  it('appends the URL to a description once, and not when the description already holds it', () => {
    const text = cases['mixed-zones']!();
    assert.match(text, /DESCRIPTION:Open mic\.\\nSign up at the door\.\\n\\nhttps:\/\/example\.com\/slam\r\n/);
    assert.match(text, /DESCRIPTION:Details: https:\/\/example\.com\/two\r\nURL:/);
  });

  it('writes the same bytes whether rendered as one string or in batches', () => {
    const many = Array.from({ length: 600 }, (_, i) =>
      event({ uid: `${i}@cal.example.test`, title: `Événement ${i} 🎷`.repeat(3), timezone: i % 2 ? 'Europe/Berlin' : 'America/New_York' }),
    );
    const meta = { productId: '-//T//T//EN', name: 'Batches', refreshMinutes: 60 };
    assert.ok(renderCalendar(meta, many).length > 3 * 64 * 1024, 'several batches');
    assert.deepEqual(renderCalendarBytes(meta, many), Buffer.from(renderCalendar(meta, many), 'utf8'));
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

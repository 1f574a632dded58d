import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { renderCalendar } from '../../../src/core/ics/calendar.ts';
import { applyEventPatch, cancelEvent, createEvent } from '../../../src/core/events/rules.ts';
import type { CalendarEvent } from '../../../src/core/events/event.ts';
import { zoneOffsetMs } from '../../../src/core/time/local-time.ts';

// Property: whatever text an organizer stores, a strict parser (Mozilla's ical.js) reads back
// exactly what the domain holds, and every physical line stays within 75 octets.

const HOUR = 3_600_000;
const nearDstChange = (zone: string, ms: number) => zoneOffsetMs(zone, ms - 2 * HOUR) !== zoneOffsetMs(zone, ms + 2 * HOUR);

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'Etc/UTC', 'Asia/Kolkata'];
// Characters that break naive serializers, mixed into random Unicode (emoji, CJK, combining marks).
const tricky = fc.constantFrom(',', ';', '\\', ':', '"', '\n', '\r\n', '\t', '🎷', '👩🏽‍💻', '日本', 'é', 'e\u0301', '\u0000', '\u001b', ' ');
const text = (max: number) =>
  fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), tricky), { maxLength: max }).map((parts) => parts.join(''));
const oneLine = (max: number) => text(max).map((s) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '').slice(0, 190));

/** What a reader should get back for a multi-line TEXT: line breaks as LF, control characters gone. */
const expectedText = (s: string) => s.replace(/\r\n|\r/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

const eventArb = fc
  .record({
    title: oneLine(12).filter((s) => s.trim().length > 0),
    description: fc.option(text(20).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')), { nil: null }),
    location: fc.option(oneLine(8), { nil: null }),
    categories: fc.array(oneLine(4).filter((s) => s.trim().length > 0 && [...s.trim()].length <= 60), { maxLength: 3 }),
    zone: fc.constantFrom(...ZONES),
    allDay: fc.boolean(),
    day: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
    hour: fc.integer({ min: 0, max: 22 }),
    status: fc.constantFrom('confirmed' as const, 'tentative' as const),
    // Stored times carry milliseconds; DTSTAMP must truncate them, never round up.
    createdAt: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 10, 24) }),
    later: fc.integer({ min: 1, max: 90 * 86_400_000 }),
    edit: fc.constantFrom('none', 'cancel', 'retitle', 'url'),
  })
  .map((r): CalendarEvent | null => {
    const date = `2027-${String(r.month).padStart(2, '0')}-${String(r.day).padStart(2, '0')}`;
    const next = `2027-${String(r.month).padStart(2, '0')}-${String(r.day + 1).padStart(2, '0')}`;
    try {
      const created = createEvent(
        {
          title: r.title,
          description: r.description,
          location: r.location,
          categories: r.categories,
          timezone: r.zone,
          allDay: r.allDay,
          start: r.allDay ? date : `${date}T${String(r.hour).padStart(2, '0')}:15`,
          end: r.allDay ? next : `${date}T${String(r.hour + 1).padStart(2, '0')}:45`,
          status: r.status,
        },
        'cal.example.test',
        r.createdAt,
      );
      const at = r.createdAt + r.later;
      if (r.edit === 'cancel') return cancelEvent(created, at).event;
      if (r.edit === 'retitle') return applyEventPatch(created, { title: `${created.title} (moved)` }, at).event;
      if (r.edit === 'url') return applyEventPatch(created, { url: 'https://example.com/e?a=1,b;c' }, at).event;
      return created;
    } catch {
      return null; // inputs the domain refuses (e.g. too long) are covered by the validation tests
    }
  })
  .filter((e): e is CalendarEvent => e !== null);

describe('serializer round trip through ical.js (property-based)', () => {
  it('reads back every field of random events exactly', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 4 }), (events) => {
        const ics = renderCalendar({ productId: '-//Test//Test//EN', name: 'Property', refreshMinutes: 60 }, events);
        assert.ok(ics.endsWith('\r\n') && !/[^\r]\n|\r[^\n]/.test(ics), 'CRLF only');
        for (const line of ics.split('\r\n')) {
          assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `line too long: ${line}`);
          assert.ok(line.isWellFormed(), 'folding never splits a code point');
        }
        const calendar = new ICAL.Component(ICAL.parse(ics));
        const parsed = calendar.getAllSubcomponents('vevent');
        // One VTIMEZONE per TZID used by a timed event, sorted; none for UTC or DATE values.
        const declared = calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
        const used = [...new Set(events.filter((e) => !e.allDay && e.timezone !== 'Etc/UTC').map((e) => e.timezone))].sort();
        assert.deepEqual(declared, used);
        assert.equal(parsed.length, events.length);
        events.forEach((e, i) => {
          const v = parsed[i]!;
          assert.equal(v.getFirstPropertyValue('uid'), e.uid);
          assert.equal(v.getFirstPropertyValue('summary'), expectedText(e.title));
          // The URL is repeated in DESCRIPTION (Google does not show URL), unless already there.
          const description = !e.url ? e.description : !e.description ? e.url : e.description.includes(e.url) ? e.description : `${e.description}\n\n${e.url}`;
          assert.equal(v.getFirstPropertyValue('description') ?? null, description === null ? null : expectedText(description));
          assert.equal(v.getFirstPropertyValue('url') ?? null, e.url);
          assert.equal(v.getFirstPropertyValue('location') ?? null, e.location === null ? null : expectedText(e.location));
          const categories = v.getFirstProperty('categories')?.getValues() ?? [];
          assert.deepEqual(categories, e.categories.map(expectedText));
          assert.equal(v.getFirstPropertyValue('sequence'), e.sequence);
          assert.equal(v.getFirstPropertyValue('status'), e.status.toUpperCase());
          const stamp = new Date(Math.floor(e.updatedAt / 1000) * 1000).toISOString().replace('.000', '');
          assert.equal(String(v.getFirstPropertyValue('dtstamp')), stamp);
          assert.equal(String(v.getFirstPropertyValue('last-modified')), stamp);
          const start = v.getFirstProperty('dtstart')!;
          if (e.allDay) {
            assert.equal(String(start.getFirstValue()), e.start);
            assert.equal(String(v.getFirstPropertyValue('dtend')), e.end, 'exclusive end date');
            assert.equal(start.type, 'date');
          } else {
            const dtstart = start.getFirstValue() as ICAL.Time;
            const dtend = v.getFirstPropertyValue('dtend') as ICAL.Time;
            if (e.timezone !== 'Etc/UTC') {
              assert.equal(start.getParameter('tzid'), e.timezone);
              assert.equal(dtstart.toString(), e.start);
              assert.equal(dtend.toString(), e.end);
            } else {
              assert.equal(start.getParameter('tzid'), undefined, 'UTC is written with Z, not a TZID');
              assert.equal(dtstart.zone, ICAL.Timezone.utcTimezone);
            }
            // Near a DST change the same wall clock can name two instants: RFC 5545 §3.3.5 says
            // the first, ical.js takes the second; instants are compared away from changes.
            if (!nearDstChange(e.timezone, e.startUtc) && !nearDstChange(e.timezone, e.endUtc)) {
              assert.equal(dtstart.toJSDate().getTime(), e.startUtc, `${e.timezone} ${e.start}`);
              assert.equal(dtend.toJSDate().getTime(), e.endUtc);
            }
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

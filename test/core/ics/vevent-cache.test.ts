import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, applyEventPatch } from '../../../src/core/events/rules.ts';
import { changeOccurrence } from '../../../src/core/events/occurrence-rules.ts';
import { overridesVersion, renderCalendar, renderCalendarBytes, type CachedVevent, type RenderMemory, type VeventCache } from '../../../src/core/ics/calendar.ts';
import type { CalendarEvent } from '../../../src/core/events/event.ts';

// Encoded VEVENTs kept per event version (issue 14): a render through the cache is the very
// render without it, before and after edits, and only the edited event is serialized again.

const T0 = Date.parse('2027-01-10T09:15:42.789Z');
const meta = { productId: '-//Calendar Club//Calendar Club 1.0//EN', name: 'Calendar Club', refreshMinutes: 60 };

/** Counts the VEVENTs serialized (each is stored once). */
function counting(): VeventCache & { misses: number } {
  const map = new Map<string, CachedVevent>();
  const cache = {
    misses: 0,
    get: (id: string) => map.get(id),
    set: (id: string, entry: CachedVevent) => void (map.set(id, entry), cache.misses++),
  };
  return cache;
}

function events(): CalendarEvent[] {
  const one = (title: string, i: number, extra = {}) =>
    ({ ...createEvent({ title, start: `2027-03-0${i}T19:00`, end: `2027-03-0${i}T21:00`, timezone: 'Europe/Berlin', ...extra }, 'cal.example.test', T0 + i), id: `evt${i}` });
  return [one('Jazz; "Blue" 🎷', 1), one('Weekly jam', 2, { rrule: 'FREQ=WEEKLY;COUNT=4' }), one('Talk', 3, { timezone: 'Asia/Tokyo' })];
}

describe('the VEVENT cache', () => {
  it('renders the same bytes as without it, cold and warm', () => {
    const cache = counting();
    const list = events();
    const expected = Buffer.from(renderCalendar(meta, list), 'utf8');
    assert.ok(renderCalendarBytes(meta, list, cache).equals(expected), 'cold');
    assert.equal(cache.misses, 3);
    assert.ok(renderCalendarBytes(meta, list, cache).equals(expected), 'warm');
    assert.equal(cache.misses, 3, 'nothing serialized again');
  });

  it('serializes only the edited event, series occurrence changes included', () => {
    const cache = counting();
    const list = events();
    renderCalendarBytes(meta, list, cache);
    const edited = applyEventPatch(list[0]!, { title: 'Jazz, moved' }, T0 + 86_400_000).event;
    const series = changeOccurrence(list[1]!, '2027-03-09T19:00', { title: 'Jam (late)', start: '2027-03-09T20:00' }, T0 + 2 * 86_400_000).event;
    const next = [edited, series, list[2]!];
    const before = cache.misses;
    const bytes = renderCalendarBytes(meta, next, cache);
    assert.equal(cache.misses - before, 2);
    assert.ok(bytes.equals(Buffer.from(renderCalendar(meta, next), 'utf8')));
    assert.match(bytes.toString('utf8'), /SUMMARY:Jam \(late\)/);
    assert.notEqual(overridesVersion(series), overridesVersion(list[1]!), 'a series version includes its changed occurrences');
  });

  it('with the feed\'s previous render kept, copies unchanged events and still renders the very bytes', () => {
    const cache = counting();
    const memory: RenderMemory = {};
    const list = events();
    const extra = { ...createEvent({ title: 'New, late', start: '2027-03-08T19:00', end: '2027-03-08T20:00', timezone: 'America/New_York' }, 'cal.example.test', T0 + 9), id: 'evt9' };
    const edited = applyEventPatch(list[1]!, { title: 'Weekly jam; moved' }, T0 + 86_400_000).event;
    const steps: CalendarEvent[][] = [
      list,
      list, // unchanged
      [list[0]!, edited, list[2]!], // one edit in the middle
      [extra, list[0]!, edited, list[2]!], // an insertion (a new time zone in the head too)
      [list[2]!, list[0]!, extra], // deleted and reordered
      [],
      list,
    ];
    for (const [k, step] of steps.entries()) {
      const before = cache.misses;
      const bytes = renderCalendarBytes(meta, step, cache, memory);
      assert.ok(bytes.equals(Buffer.from(renderCalendar(meta, step), 'utf8')), `step ${k}`);
      if (k === 1) assert.equal(cache.misses, before, 'nothing serialized again');
      if (k === 2) assert.equal(cache.misses - before, 1, 'only the edited event');
    }
  });

  it('takes nothing from the render time: the same version renders the same bytes later', (t) => {
    const list = events();
    const first = renderCalendarBytes(meta, list, counting());
    t.mock.timers.enable({ apis: ['Date'], now: T0 + 400 * 86_400_000 });
    assert.ok(renderCalendarBytes(meta, list, counting()).equals(first));
  });
});

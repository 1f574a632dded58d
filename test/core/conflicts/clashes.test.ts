import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findClashes, freeEvenings, overlaps, withoutOwnCopies } from '../../../src/core/conflicts/clashes.ts';
import { zonedToUtcMs } from '../../../src/core/time/local-time.ts';

const at = (iso: string) => Date.parse(iso);

describe('clashes', () => {
  it('counts overlap, not touching: end == start is no clash', () => {
    const meeting = { start: at('2026-12-03T18:00:00Z'), end: at('2026-12-03T19:00:00Z') };
    assert.equal(overlaps(meeting, { start: at('2026-12-03T19:00:00Z'), end: at('2026-12-03T20:00:00Z') }), false);
    assert.equal(overlaps(meeting, { start: at('2026-12-03T18:59:00Z'), end: at('2026-12-03T20:00:00Z') }), true);
  });

  it('reports the overlapping part and which connection said so, across zones and all-day blocks', () => {
    // 19:30-22:00 in Berlin is 18:30-21:00Z; busy 20:00-21:30 New York time is the next day 01:00Z: no clash.
    const berlin = { id: 'jazz', start: zonedToUtcMs({ year: 2026, month: 12, day: 3, hour: 19, minute: 30, second: 0 }, 'Europe/Berlin'), end: at('2026-12-03T21:00:00Z') };
    const busy = [
      { connectionId: 'g', start: at('2026-12-03T20:00:00Z'), end: at('2026-12-03T22:00:00Z') },
      { connectionId: 'm', start: zonedToUtcMs({ year: 2026, month: 12, day: 3, hour: 20, minute: 0, second: 0 }, 'America/New_York'), end: at('2026-12-04T02:30:00Z') },
      { connectionId: 'c', start: at('2026-12-03T00:00:00Z'), end: at('2026-12-04T00:00:00Z') }, // all day
    ];
    assert.deepEqual(findClashes([berlin], busy), [
      { eventId: 'jazz', occurrenceStart: berlin.start, occurrenceEnd: berlin.end, connectionId: 'g', start: at('2026-12-03T20:00:00Z'), end: at('2026-12-03T21:00:00Z'), busyStart: busy[0]!.start, busyEnd: busy[0]!.end },
      { eventId: 'jazz', occurrenceStart: berlin.start, occurrenceEnd: berlin.end, connectionId: 'c', start: at('2026-12-03T18:30:00Z'), end: at('2026-12-03T21:00:00Z'), busyStart: busy[2]!.start, busyEnd: busy[2]!.end },
    ]);
  });

  it('never counts our own pushed copy as a clash with its event', () => {
    const copy = { connectionId: 'g', remoteId: 'cc123', start: at('2026-12-03T18:30:00Z'), end: at('2026-12-03T21:00:00Z') };
    const busyByTime = [{ connectionId: 'g', start: copy.start, end: copy.end }, { connectionId: 'g', start: at('2026-12-03T20:00:00Z'), end: at('2026-12-03T20:30:00Z') }];
    assert.deepEqual(withoutOwnCopies(busyByTime, [copy]), [busyByTime[1]]);
    const busyById = [{ connectionId: 'g', start: copy.start, end: copy.end + 60_000, remoteEventId: 'cc123' }];
    assert.deepEqual(withoutOwnCopies(busyById, [copy]), []);
    assert.equal(withoutOwnCopies([{ ...busyById[0]!, remoteEventId: 'other' }], [copy]).length, 1, 'another event at any time still counts');
    assert.equal(withoutOwnCopies([{ ...busyByTime[0]!, connectionId: 'other' }], [copy]).length, 1, 'only on the same connection');
  });

  it('suggests evenings with nothing booked, including on a DST-change day', () => {
    const evening = (day: string) => {
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      return { start: zonedToUtcMs({ year: y, month: m, day: d, hour: 18, minute: 0, second: 0 }, 'Europe/Berlin'), end: zonedToUtcMs({ year: y, month: m, day: d, hour: 23, minute: 0, second: 0 }, 'Europe/Berlin') };
    };
    const busy = [{ start: at('2026-10-25T17:30:00Z'), end: at('2026-10-25T18:30:00Z') }]; // 18:30 CET on the DST day
    assert.deepEqual(freeEvenings(['2026-10-24', '2026-10-25', '2026-10-26'], busy, evening), ['2026-10-24', '2026-10-26']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocalDateTime, parseLocalDateTime, utcToZoned, zonedToUtcMs } from '../../../src/core/time/local-time.ts';
import { toGraphEvent } from '../../../src/integrations/microsoft/mapper.ts';
import { graphTimeZone, windowsZoneFor } from '../../../src/integrations/microsoft/windows-zones.ts';
import { graphAcceptsTimeZone } from '../../emulators/graph-time-zones.ts';
import { graphInstant } from '../../emulators/microsoft-events.ts';
import { remoteEvent } from '../../helpers/remote-event.ts';

// Issue 10, item 7: Graph refuses IANA names it does not document (Europe/Madrid, Europe/Rome,
// America/Toronto: 400 TimeZoneNotSupportedException). Every zone we accept goes out as a
// documented name, and the instant Graph reads back is ours.

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** A timed event in `zone` from `startUtc`, lasting `minutes`, as the push worker builds it. */
function timedEvent(zone: string, startUtc: number, minutes = 90) {
  const endUtc = startUtc + minutes * 60_000;
  const wall = (ms: number) => formatLocalDateTime(utcToZoned(ms, zone));
  return remoteEvent({ timezone: zone, startUtc, endUtc, start: wall(startUtc), end: wall(endUtc) });
}

describe('Graph time zones', () => {
  it('maps zones Graph refuses by IANA name to their Windows zone', () => {
    const winter = at('2026-01-15T12:00:00Z');
    const expected: [string, string][] = [
      ['Europe/Madrid', 'Romance Standard Time'],
      ['Europe/Rome', 'W. Europe Standard Time'],
      ['America/Toronto', 'Eastern Standard Time'],
      ['Asia/Kolkata', 'India Standard Time'],
      ['Australia/Lord_Howe', 'Lord Howe Standard Time'],
      ['America/Sao_Paulo', 'E. South America Standard Time'],
      ['Pacific/Chatham', 'Chatham Islands Standard Time'],
      ['Europe/Kyiv', 'FLE Standard Time'],
      ['US/Eastern', 'Eastern Standard Time'],
      ['UTC', 'UTC'],
    ];
    for (const [iana, windows] of expected) {
      assert.deepEqual(graphTimeZone(iana, winter, winter + 2 * HOUR), { zone: windows }, iana);
      assert.ok(graphAcceptsTimeZone(windows), `${windows} is documented`);
    }
  });

  it('sends UTC when there is no Windows zone or its rules differ from the event zone', () => {
    const winter = at('2026-01-15T12:00:00Z');
    assert.equal(windowsZoneFor('Antarctica/Troll'), null, 'CLDR has no Windows zone for Troll');
    assert.deepEqual(graphTimeZone('Antarctica/Troll', winter, winter + HOUR), { utc: true });
    // CLDR still groups Scoresbysund with the Azores, but it moved to UTC-2 in 2024.
    assert.equal(windowsZoneFor('America/Scoresbysund'), 'Azores Standard Time');
    assert.deepEqual(graphTimeZone('America/Scoresbysund', winter, winter + HOUR), { utc: true });
  });

  it('sends UTC for a wall clock the DST fall-back repeats (Windows reads it its own way)', () => {
    // 2026-10-25 in Berlin: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    for (const start of [at('2026-10-25T00:30:00Z'), at('2026-10-25T01:30:00Z')]) {
      const sent = toGraphEvent(timedEvent('Europe/Berlin', start, 30));
      assert.equal(sent.start.timeZone, 'UTC');
      assert.equal(graphInstant(sent.start), start);
    }
    const clear = toGraphEvent(timedEvent('Europe/Berlin', at('2026-10-25T03:00:00Z')));
    assert.deepEqual(clear.start, { dateTime: '2026-10-25T04:00:00', timeZone: 'W. Europe Standard Time' });
  });

  it('sends the Windows zone with the local wall clock, or UTC with the UTC wall clock', () => {
    const madrid = toGraphEvent(remoteEvent({ timezone: 'Europe/Madrid', startUtc: at('2026-12-03T18:30:00Z'), endUtc: at('2026-12-03T21:00:00Z') }));
    assert.deepEqual(madrid.start, { dateTime: '2026-12-03T19:30:00', timeZone: 'Romance Standard Time' });
    assert.deepEqual(madrid.end, { dateTime: '2026-12-03T22:00:00', timeZone: 'Romance Standard Time' });
    const troll = toGraphEvent(timedEvent('Antarctica/Troll', at('2026-07-01T18:00:00Z')));
    assert.deepEqual(troll.start, { dateTime: '2026-07-01T18:00:00', timeZone: 'UTC' });
    assert.deepEqual(troll.end, { dateTime: '2026-07-01T19:30:00', timeZone: 'UTC' });
  });

  it('sends a wall clock skipped by DST as the instant we stored', () => {
    // 02:30 does not exist in Berlin on 2026-03-29; we store it as 03:30 CEST (01:30Z).
    const startUtc = zonedToUtcMs(parseLocalDateTime('2026-03-29T02:30')!, 'Europe/Berlin');
    const sent = toGraphEvent(remoteEvent({ timezone: 'Europe/Berlin', start: '2026-03-29T02:30:00', end: '2026-03-29T04:00:00', startUtc, endUtc: at('2026-03-29T02:00:00Z') }));
    assert.deepEqual(sent.start, { dateTime: '2026-03-29T03:30:00', timeZone: 'W. Europe Standard Time' });
    assert.equal(graphInstant(sent.start), startUtc);
  });

  it('keeps all-day events on their dates, in the Windows zone or UTC', () => {
    const day = { allDay: true, start: '2026-12-24', end: '2026-12-25' };
    const madrid = toGraphEvent(remoteEvent({ ...day, timezone: 'Europe/Madrid' }));
    assert.deepEqual([madrid.start, madrid.end, madrid.isAllDay], [{ dateTime: '2026-12-24T00:00:00', timeZone: 'Romance Standard Time' }, { dateTime: '2026-12-25T00:00:00', timeZone: 'Romance Standard Time' }, true]);
    const troll = toGraphEvent(remoteEvent({ ...day, timezone: 'Antarctica/Troll' }));
    assert.deepEqual([troll.start.timeZone, troll.end.dateTime], ['UTC', '2026-12-25T00:00:00']);
  });

  it('every zone, at every season and DST change: a documented name and the same instant', () => {
    const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Asia/Kolkata', 'Europe/Kyiv', 'America/Nuuk', 'US/Pacific'];
    const instants = [
      '2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z', '1985-07-01T08:15:00Z', '2040-02-29T23:45:00Z',
      '2026-03-08T06:30:00Z', '2026-03-08T07:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', // US
      '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', // EU
      '2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z', '2026-10-03T15:30:00Z', '2026-10-03T16:30:00Z', // AU
    ].map(at);
    let windows = 0;
    for (const zone of zones) {
      for (const start of instants) {
        const event = timedEvent(zone, start);
        const sent = toGraphEvent(event);
        const where = `${zone} at ${new Date(start).toISOString()}`;
        assert.ok(graphAcceptsTimeZone(sent.start.timeZone) && graphAcceptsTimeZone(sent.end.timeZone), `${where}: ${sent.start.timeZone}`);
        assert.equal(graphInstant(sent.start), event.startUtc, `${where}: start`);
        assert.equal(graphInstant(sent.end), event.endUtc, `${where}: end`);
        if (sent.start.timeZone !== 'UTC') windows++;
      }
    }
    // Not UTC for everything: the Windows zone wherever its rules agree (all but a few zones).
    assert.ok(windows > zones.length * instants.length * 0.85, `${windows} of ${zones.length * instants.length} sent in a Windows zone`);
  });
});

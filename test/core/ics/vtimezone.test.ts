import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { canonicalTzid, isUtcZone, vtimezoneFor } from '../../../src/core/ics/vtimezone.ts';
import { utcToZoned, zoneOffsetMs } from '../../../src/core/time/local-time.ts';

// VTIMEZONE blocks and instants both come from the runtime's tz data. A client that reads
// DTSTART;TZID=… with our VTIMEZONE (Outlook does) must land on the instant we stored, or the
// event shows at the wrong hour.

const HOUR = 3_600_000;

describe('vtimezoneFor / canonicalTzid', () => {
  it('resolves aliases to the canonical TZID', () => {
    assert.equal(canonicalTzid('US/Eastern'), 'America/New_York');
    assert.equal(canonicalTzid('Asia/Calcutta'), 'Asia/Kolkata');
    assert.equal(canonicalTzid('Europe/Kiev'), 'Europe/Kyiv');
    assert.equal(canonicalTzid('UTC'), 'Etc/UTC');
    assert.equal(canonicalTzid('Europe/Berlin'), 'Europe/Berlin');
  });

  it('gives a complete block of short content lines and a ready TZID parameter', () => {
    const block = vtimezoneFor('US/Eastern');
    assert.ok(block);
    assert.equal(block.tzid, 'America/New_York');
    assert.equal(block.param, ';TZID=America/New_York:');
    assert.equal(block.lines[0], 'BEGIN:VTIMEZONE');
    assert.equal(block.lines.at(-1), 'END:VTIMEZONE');
    assert.ok(block.lines.includes('TZID:America/New_York'));
    for (const line of block.lines) {
      assert.doesNotMatch(line, /[\r\n]/);
      assert.ok(Buffer.byteLength(line) <= 75, line);
    }
  });

  it('writes the UTC family as Z instants, not as a TZID', () => {
    for (const zone of ['Etc/UTC', 'UTC', 'Etc/GMT', 'GMT', 'Etc/Zulu']) assert.ok(isUtcZone(zone), zone);
    for (const zone of ['Europe/London', 'Africa/Abidjan', 'Etc/GMT+1']) assert.equal(isUtcZone(zone), false, zone);
  });
});

// timezones-ical-library's RRULE-based blocks switched Asia/Gaza and Asia/Hebron a week late
// (Palestine's "Saturday before the last Sunday" fits no single RRULE); blocks generated from
// the runtime's own transitions have no such exceptions.
const KNOWN_WRONG: string[] = [];

describe('VTIMEZONE agrees with the stored instants', () => {
  it('for every zone, across a feed window (30 days back, 365 ahead of 2026-11-24)', () => {
    const zones = new Set<string>();
    const years = { fromYear: 2026, toYear: 2027 };
    for (const name of Intl.supportedValuesOf('timeZone')) {
      const block = vtimezoneFor(name, years);
      assert.ok(block, `no VTIMEZONE for ${name}`);
      if (!isUtcZone(block.tzid)) zones.add(block.tzid);
    }
    const from = Date.UTC(2026, 9, 25, 7);
    const to = Date.UTC(2027, 10, 25);
    const wrong: string[] = [];
    for (const tzid of [...zones].sort()) {
      const lines = vtimezoneFor(tzid, years)!.lines.join('\r\n');
      const vcalendar = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${lines}\r\nEND:VCALENDAR\r\n`));
      const tz = new ICAL.Timezone(vcalendar.getFirstSubcomponent('vtimezone')!);
      for (let t = from; t < to; t += 24 * HOUR) {
        // Skip the hours around a change, where one wall clock can name two instants.
        if (zoneOffsetMs(tzid, t - 3 * HOUR) !== zoneOffsetMs(tzid, t + 3 * HOUR)) continue;
        const w = utcToZoned(t, tzid);
        const read = new ICAL.Time({ year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second, isDate: false }, tz);
        if (read.toUnixTime() * 1000 !== t) {
          wrong.push(tzid);
          break;
        }
      }
    }
    assert.deepEqual(wrong, KNOWN_WRONG);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cancelEvent } from '../../../src/core/events/rules.ts';
import { ADD_TARGETS, addToCalendarLinks, addToCalendarUrl } from '../../../src/core/links/index.ts';
import { ctx, event, NOW, param, query } from './helpers.ts';

// Europe/Berlin in winter is UTC+1: 09:00-10:00 local is 08:00Z-09:00Z.
const timed = event({
  title: 'Team sync',
  description: 'Agenda',
  location: 'Room 1',
  start: '2025-03-10T09:00',
  end: '2025-03-10T10:00',
  timezone: 'Europe/Berlin',
});
const allDay = event({ title: 'Holiday', start: '2025-03-10', end: '2025-03-11', allDay: true, timezone: 'Europe/Berlin' });
const details = 'Agenda%0A%0Ahttps%3A%2F%2Fcal.example.test%2Fevents%2Fteam-sync';
const pageOnly = 'https%3A%2F%2Fcal.example.test%2Fevents%2Fteam-sync';

describe('add-to-calendar URL formats (interop.md §4), pinned', () => {
  it('Google: UTC dates for timed events, a DATE pair with exclusive end for all-day', () => {
    assert.equal(
      addToCalendarUrl('google', timed, ctx),
      `https://calendar.google.com/calendar/render?action=TEMPLATE&text=Team%20sync&dates=20250310T080000Z%2F20250310T090000Z&details=${details}&location=Room%201`,
    );
    assert.equal(
      addToCalendarUrl('google', allDay, ctx),
      `https://calendar.google.com/calendar/render?action=TEMPLATE&text=Holiday&dates=20250310%2F20250311&details=${pageOnly}`,
    );
  });

  it('Outlook.com: ISO UTC instants with allday=false, DATE values with allday=true', () => {
    assert.equal(
      addToCalendarUrl('outlook', timed, ctx),
      `https://outlook.live.com/calendar/0/action/compose?rru=addevent&subject=Team%20sync&startdt=2025-03-10T08%3A00%3A00Z&enddt=2025-03-10T09%3A00%3A00Z&body=${details}&location=Room%201&allday=false`,
    );
    assert.equal(
      addToCalendarUrl('outlook', allDay, ctx),
      `https://outlook.live.com/calendar/0/action/compose?rru=addevent&subject=Holiday&startdt=2025-03-10&enddt=2025-03-11&body=${pageOnly}&allday=true`,
    );
  });

  it('Office 365: the same deeplink on outlook.office.com', () => {
    assert.equal(
      addToCalendarUrl('office365', timed, ctx),
      `https://outlook.office.com/calendar/0/action/compose?rru=addevent&subject=Team%20sync&startdt=2025-03-10T08%3A00%3A00Z&enddt=2025-03-10T09%3A00%3A00Z&body=${details}&location=Room%201&allday=false`,
    );
    assert.equal(
      addToCalendarUrl('office365', allDay, ctx),
      `https://outlook.office.com/calendar/0/action/compose?rru=addevent&subject=Holiday&startdt=2025-03-10&enddt=2025-03-11&body=${pageOnly}&allday=true`,
    );
  });

  it('Yahoo: v=60 with UTC st/et; all-day as st=DATE&dur=allday', () => {
    assert.equal(
      addToCalendarUrl('yahoo', timed, ctx),
      `https://calendar.yahoo.com/?v=60&title=Team%20sync&st=20250310T080000Z&et=20250310T090000Z&desc=${details}&in_loc=Room%201`,
    );
    assert.equal(
      addToCalendarUrl('yahoo', allDay, ctx),
      `https://calendar.yahoo.com/?v=60&title=Holiday&st=20250310&dur=allday&desc=${pageOnly}`,
    );
  });

  it('Yahoo: a multi-day all-day event lands on its first day and says its real dates', () => {
    const fest = event({ title: 'Fest', start: '2026-03-28', end: '2026-03-31', allDay: true, timezone: 'Australia/Sydney' });
    assert.equal(
      addToCalendarUrl('yahoo', fest, ctx),
      `https://calendar.yahoo.com/?v=60&title=Fest&st=20260328&dur=allday&desc=All%20day%2C%202026-03-28%20to%202026-03-30.%0A%0A${pageOnly}`,
    );
    // The others carry the whole span with the exclusive end.
    assert.equal(param(addToCalendarUrl('google', fest, ctx), 'dates'), '20260328/20260331');
    assert.equal(param(addToCalendarUrl('outlook', fest, ctx), 'enddt'), '2026-03-31');
  });

  it('ics: the download URL itself', () => {
    assert.equal(addToCalendarUrl('ics', timed, ctx), ctx.icsUrl);
    assert.equal(addToCalendarUrl('ics', allDay, ctx), ctx.icsUrl);
  });

  it('lists every target in ADD_TARGETS order with its label', () => {
    const links = addToCalendarLinks(timed, ctx);
    assert.deepEqual(
      links.map((l) => [l.target, l.label]),
      [
        ['google', 'Google Calendar'],
        ['outlook', 'Outlook.com'],
        ['office365', 'Office 365'],
        ['yahoo', 'Yahoo Calendar'],
        ['ics', 'Apple Calendar / .ics file'],
      ],
    );
    assert.deepEqual(links.map((l) => l.target), [...ADD_TARGETS]);
    for (const link of links) assert.equal(link.url, addToCalendarUrl(link.target, timed, ctx));
  });

  it('still builds links for a cancelled event (callers decide whether to show them)', () => {
    const cancelled = cancelEvent(timed, NOW + 1000).event;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(addToCalendarLinks(cancelled, ctx).length, ADD_TARGETS.length);
    assert.equal(addToCalendarUrl('google', cancelled, ctx), addToCalendarUrl('google', timed, ctx));
  });
});

// [zone, local start, local end, UTC start, UTC end]
const TIMED: [string, string, string, string, string][] = [
  ['Europe/Berlin', '2026-07-01T18:00', '2026-07-01T20:00', '20260701T160000Z', '20260701T180000Z'],
  ['America/New_York', '2026-01-15T18:00', '2026-01-15T19:30', '20260115T230000Z', '20260116T003000Z'],
  ['Asia/Tokyo', '2026-03-29T09:00', '2026-03-29T10:00', '20260329T000000Z', '20260329T010000Z'],
  ['Australia/Sydney', '2026-01-15T18:00', '2026-01-15T20:00', '20260115T070000Z', '20260115T090000Z'],
  // DST days. Berlin springs forward at 02:00 CET (01:00Z): 01:30 CET to 03:30 CEST is one hour.
  ['Europe/Berlin', '2026-03-29T01:30', '2026-03-29T03:30', '20260329T003000Z', '20260329T013000Z'],
  // Berlin falls back at 03:00 CEST (01:00Z): 00:30 CEST to 04:00 CET is four and a half hours.
  ['Europe/Berlin', '2026-10-25T00:30', '2026-10-25T04:00', '20261024T223000Z', '20261025T030000Z'],
  // New York falls back at 02:00 EDT (06:00Z): 00:30 EDT to 02:30 EST is three hours.
  ['America/New_York', '2026-11-01T00:30', '2026-11-01T02:30', '20261101T043000Z', '20261101T073000Z'],
  // New York springs forward at 02:00 EST (07:00Z): 01:00 EST to 04:00 EDT is two hours.
  ['America/New_York', '2026-03-08T01:00', '2026-03-08T04:00', '20260308T060000Z', '20260308T080000Z'],
  // Sydney falls back at 03:00 AEDT (16:00Z the day before): 01:00 AEDT to 05:00 AEST.
  ['Australia/Sydney', '2026-04-05T01:00', '2026-04-05T05:00', '20260404T140000Z', '20260404T190000Z'],
];

const extended = (basic: string) => basic.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');

describe('timed events in several zones, DST days included', () => {
  for (const [timezone, start, end, utcStart, utcEnd] of TIMED) {
    it(`${timezone} ${start} to ${end} is ${utcStart} to ${utcEnd} everywhere`, () => {
      const e = event({ title: 'Timed', start, end, timezone });
      assert.equal(param(addToCalendarUrl('google', e, ctx), 'dates'), `${utcStart}/${utcEnd}`);
      for (const target of ['outlook', 'office365'] as const) {
        const url = addToCalendarUrl(target, e, ctx);
        assert.equal(param(url, 'startdt'), extended(utcStart));
        assert.equal(param(url, 'enddt'), extended(utcEnd));
        assert.equal(param(url, 'allday'), 'false');
      }
      const yahoo = addToCalendarUrl('yahoo', e, ctx);
      assert.equal(param(yahoo, 'st'), utcStart);
      assert.equal(param(yahoo, 'et'), utcEnd);
    });
  }
});

// [zone, start, exclusive end]; Sydney and Tokyo midnights are the previous day in UTC, so a
// builder that read the date from startUtc would be a day early there.
const ALL_DAY: [string, string, string][] = [
  ['Europe/Berlin', '2026-03-29', '2026-03-30'],
  ['America/New_York', '2026-11-01', '2026-11-02'],
  ['Asia/Tokyo', '2026-01-01', '2026-01-02'],
  ['Australia/Sydney', '2026-04-05', '2026-04-06'],
  ['Australia/Sydney', '2026-10-04', '2026-10-07'],
];

describe('all-day events use their own dates, whatever the zone', () => {
  for (const [timezone, start, end] of ALL_DAY) {
    it(`${timezone} ${start} (exclusive end ${end})`, () => {
      const e = event({ title: 'All day', start, end, allDay: true, timezone });
      const compact = (d: string) => d.replaceAll('-', '');
      assert.equal(param(addToCalendarUrl('google', e, ctx), 'dates'), `${compact(start)}/${compact(end)}`);
      for (const target of ['outlook', 'office365'] as const) {
        const url = addToCalendarUrl(target, e, ctx);
        assert.equal(param(url, 'startdt'), start);
        assert.equal(param(url, 'enddt'), end);
        assert.equal(param(url, 'allday'), 'true');
      }
      const yahoo = query(addToCalendarUrl('yahoo', e, ctx)).value;
      assert.equal(yahoo.get('st'), compact(start));
      assert.equal(yahoo.get('dur'), 'allday');
      assert.equal(yahoo.has('et'), false);
    });
  }

  it("does not depend on the process's own time zone", () => {
    const events = [...ALL_DAY.map(([timezone, start, end]) => event({ title: 'A', start, end, allDay: true, timezone })), timed];
    const render = () => events.flatMap((e) => addToCalendarLinks(e, ctx).map((l) => l.url));
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const inUtc = render();
      for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Australia/Sydney', 'America/New_York']) {
        process.env.TZ = tz;
        assert.deepEqual(render(), inUtc, `TZ=${tz}`);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';

// The events the real-client suites (test/clients) put into the app, and what the API says
// about them: the instants every client must show. The clock is fixed so that the feed window
// (30 days back, 365 on) holds all of them whatever the day the tests run.

export const CLIENT_CLOCK = Date.parse('2027-01-10T10:00:00Z');
/** The range the clients are asked about (UTC days; every event below lies inside). */
export const RANGE: { readonly from: string; readonly days: number } = { from: '2027-01-15', days: 1100 };

export const LONG_TITLE = 'Kammerkonzert: Grieg, Sibelius; Nielsen — Ünïcödé 日本語のタイトル 🎻🎹 and a long tail to force folding';
export const LONG_DESCRIPTION =
  'First line, with a comma; and a semicolon\nSecond line: C:\\path\\to\\file\n' + '日本語の説明🎶'.repeat(12) + '\nLast line.';

export interface EventSpec {
  key: string;
  payload: Record<string, unknown>;
}

export const ONE_OFF: EventSpec[] = [
  { key: 'berlin', payload: { title: 'Berlin evening', start: '2027-02-15T19:30', end: '2027-02-15T22:00', timezone: 'Europe/Berlin' } },
  { key: 'newyork', payload: { title: 'New York morning', start: '2027-03-20T09:00', end: '2027-03-20T10:30', timezone: 'America/New_York' } },
  { key: 'tokyo', payload: { title: 'Tokyo late night', start: '2027-02-20T23:30', end: '2027-02-21T01:00', timezone: 'Asia/Tokyo' } },
  // Lord Howe: +11 in summer, +10:30 in winter (a half-hour change).
  { key: 'lordhoweSummer', payload: { title: 'Lord Howe summer', start: '2027-01-20T10:00', end: '2027-01-20T11:00', timezone: 'Australia/Lord_Howe' } },
  { key: 'lordhoweWinter', payload: { title: 'Lord Howe winter', start: '2027-07-20T10:00', end: '2027-07-20T11:00', timezone: 'Australia/Lord_Howe' } },
  { key: 'allDay', payload: { title: 'All day single', start: '2027-02-01', end: '2027-02-02', allDay: true, timezone: 'Europe/Berlin' } },
  { key: 'multiDay', payload: { title: 'Multi day festival', start: '2027-03-05', end: '2027-03-08', allDay: true, timezone: 'Europe/Berlin' } },
  { key: 'cancelled', payload: { title: 'Cancelled talk', start: '2027-02-10T18:00', end: '2027-02-10T19:00', timezone: 'Europe/Berlin' } },
  // 02:30 happens twice in Berlin on 2027-10-31: written in UTC, the first one.
  { key: 'repeated', payload: { title: 'Repeated hour', start: '2027-10-31T02:30', end: '2027-10-31T03:30', timezone: 'Europe/Berlin' } },
  {
    key: 'unicode',
    payload: { title: LONG_TITLE, description: LONG_DESCRIPTION, location: 'Saal 1, Haus B; 2. OG', start: '2027-04-10T20:00', end: '2027-04-10T21:30', timezone: 'Europe/Berlin' },
  },
];

export const SERIES: EventSpec[] = [
  // Tuesdays 19:00 New York across the 2027-03-14 change: 19:00 before and after.
  { key: 'dstWeekly', payload: { title: 'Tuesday jam', start: '2027-03-02T19:00', end: '2027-03-02T21:00', timezone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=4' } },
  // Thursdays 19:00 Berlin across 2027-03-28; one cancelled (EXDATE), one moved (RECURRENCE-ID).
  { key: 'exceptions', payload: { title: 'Thursday choir', start: '2027-03-11T19:00', end: '2027-03-11T20:30', timezone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=6' } },
  { key: 'monthly', payload: { title: 'First Friday', start: '2027-02-05T18:00', end: '2027-02-05T20:00', timezone: 'Asia/Tokyo', rrule: 'FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270702' } },
  // Daily 02:30 Berlin across the autumn change: 31 October's 02:30 comes twice; every client
  // must show the first (written as an override in UTC, src/core/ics/repeated-hour.ts).
  { key: 'repeatedSeries', payload: { title: 'Night shift', start: '2027-10-29T02:30', end: '2027-10-29T03:00', timezone: 'Europe/Berlin', rrule: 'FREQ=DAILY;COUNT=4' } },
  { key: 'yearly', payload: { title: 'Yearly day', start: '2027-02-14', end: '2027-02-15', allDay: true, timezone: 'Europe/Berlin', rrule: 'FREQ=YEARLY;COUNT=3' } },
];

export const CANCELLED_OCCURRENCE = '2027-03-18T19:00';
export const MOVED_OCCURRENCE = '2027-04-01T19:00';
export const MOVED_TO = { start: '2027-04-01T20:30', title: 'Thursday choir (moved)' };
/** The yearly all-day series' second occurrence moves two days later, keeping its one day. */
export const MOVED_DAY = '2028-02-14';
export const MOVED_DAY_TO = { start: '2028-02-16', title: 'Yearly day (moved)' };

/** One thing a client should show: instants in ms (all-day: the UTC midnight of its dates). */
export interface Expected {
  key: string;
  uid: string;
  title: string;
  allDay: boolean;
  /** Timed: instants. All-day: local dates `YYYY-MM-DD`, end exclusive. */
  start: string;
  end: string;
  cancelled: boolean;
}

export interface ClientFixture {
  ids: Record<string, string>;
  uids: Record<string, string>;
  /** Everything in RANGE, series expanded, sorted by start then title; cancelled items marked. */
  expected: Expected[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Creates every event (cancels, excepts and moves what the specs say) and reads the truth back from the API. */
export async function createClientEvents(t: TestApp, specs: EventSpec[] = [...ONE_OFF, ...SERIES]): Promise<ClientFixture> {
  const ids: Record<string, string> = {};
  const uids: Record<string, string> = {};
  for (const spec of specs) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: spec.payload });
    assert.equal(res.statusCode, 201, `${spec.key}: ${res.body}`);
    ids[spec.key] = res.json().id;
    uids[spec.key] = res.json().uid;
  }
  if (ids.cancelled) {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/events/${ids.cancelled}/cancel`, headers: t.auth });
    assert.equal(res.statusCode, 200, res.body);
  }
  if (ids.exceptions) {
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/events/${ids.exceptions}/occurrences/${CANCELLED_OCCURRENCE}/cancel`, headers: t.auth });
    assert.equal(cancel.statusCode, 200, cancel.body);
    const move = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${ids.exceptions}/occurrences/${MOVED_OCCURRENCE}`, headers: t.auth, payload: MOVED_TO });
    assert.equal(move.statusCode, 200, move.body);
  }
  if (ids.yearly) {
    const move = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${ids.yearly}/occurrences/${MOVED_DAY}`, headers: t.auth, payload: MOVED_DAY_TO });
    assert.equal(move.statusCode, 200, move.body);
    assert.equal(move.json().end, '2028-02-17', 'a moved all-day occurrence keeps its one day');
  }
  return { ids, uids, expected: await expectedFromApi(t, specs, ids, uids) };
}

export async function expectedFromApi(t: TestApp, specs: EventSpec[], ids: Record<string, string>, uids: Record<string, string>): Promise<Expected[]> {
  const from = `${RANGE.from}T00:00:00Z`;
  const to = iso(Date.parse(from) + RANGE.days * 86_400_000);
  const out: Expected[] = [];
  for (const spec of specs) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/events/${ids[spec.key]}/occurrences?from=${from}&to=${to}`, headers: t.auth });
    assert.equal(res.statusCode, 200, res.body);
    for (const o of res.json().items as Array<Record<string, any>>) {
      const allDay = spec.payload.allDay === true;
      out.push({
        key: spec.key,
        uid: uids[spec.key]!,
        title: o.title,
        allDay,
        start: allDay ? String(o.start).slice(0, 10) : iso(Date.parse(o.startsAt)),
        end: allDay ? String(o.end).slice(0, 10) : iso(Date.parse(o.endsAt)),
        cancelled: o.status === 'cancelled',
      });
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
}

/** What every client shows, one line per occurrence: `start|end|title` (instants, or dates with an exclusive end). */
export function line(e: Pick<Expected, 'start' | 'end' | 'title'>): string {
  return `${e.start}|${e.end}|${e.title}`;
}

/** The occurrences a client should list: not the cancelled occurrence (an EXDATE); the cancelled one-off event (STATUS:CANCELLED) stays. */
export function shownLines(expected: Expected[], without: string[] = []): string[] {
  return expected
    .filter((e) => (!e.cancelled || e.key === 'cancelled') && !without.includes(e.key))
    .map(line)
    .sort();
}

/** GETs a path of the listening test server over loopback, as the clients do. */
export async function fetchText(baseUrl: string, pathname: string): Promise<string> {
  const res = await fetch(baseUrl + pathname);
  assert.equal(res.status, 200, `${pathname}: ${res.status}`);
  return res.text();
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectCalDav, connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';
import { vtimezoneFor } from '../../src/core/ics/vtimezone.ts';

// Clashes between events and the visitor's own busy times, from Google (free/busy) and a real
// CalDAV server (which also holds our pushed copies, which must not clash with themselves).

const PUBLIC = 'https://cal.example.test';
// Each CalDAV server on each engine.
for (const [server, engine] of caldavServers.flatMap((s) => testEngines.map((e) => [s, e] as const))) {
  describe(`conflicts with Google and ${server.name} on ${engine.name}`, { skip: engine.skip || server.skip }, () => {
    let google: GoogleEmulator;
    let dav: CalDavServer;
    let t: TestApp;
    let cookie = '';
    const ids: Record<string, string> = {};

    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      dav = await server.start();
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ALLOW_PRIVATE_NETWORK: 'true', ...emulatorSettings({ google }) });
      ({ cookie } = await connectThroughEmulator(t, 'google', 'mode=busy'));
      await connectCalDav(t, dav.url, dav, cookie);
      const make = async (key: string, start: string, end: string, timezone: string) => {
        ids[key] = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: key, start, end, timezone } })).json().id;
      };
      await make('jazz', '2026-12-03T19:30', '2026-12-03T22:00', 'Europe/Berlin'); // 18:30-21:00Z
      await make('brunch', '2026-12-04T10:00', '2026-12-04T11:00', 'UTC');
      await make('tokyo', '2026-12-05T09:00', '2026-12-05T10:00', 'Asia/Tokyo'); // 00:00-01:00Z
      await make('late show', '2026-12-06T19:00', '2026-12-06T21:00', 'Europe/Berlin'); // a free evening's suggestion
      await make('lunch talk', '2026-12-07T12:00', '2026-12-07T13:00', 'UTC'); // inside an all-day busy day
      ids.fair = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'fair', start: '2026-12-06', end: '2026-12-07', allDay: true, timezone: 'Europe/Berlin' } })).json().id;
      await make('dst', '2027-03-14T07:45', '2027-03-14T08:30', 'UTC'); // the morning New York springs forward
      // The person's own Google calendar: a meeting overlapping the jazz night, one ending as brunch starts.
      const primary = (id: string, start: string, end: string) =>
        google.events.set(`primary\n${id}`, { id, calendarId: 'primary', etag: '"1"', status: 'confirmed', summary: 'Dentist', start: { dateTime: start }, end: { dateTime: end } });
      primary('own-meeting-1', '2026-12-03T20:00:00Z', '2026-12-03T21:30:00Z');
      primary('own-meeting-2', '2026-12-04T09:00:00Z', '2026-12-04T10:00:00Z');
      primary('own-meeting-3', '2026-12-04T23:30:00Z', '2026-12-05T00:30:00Z');
      primary('own-meeting-4', '2026-12-06T10:00:00Z', '2026-12-06T11:00:00Z'); // during the all-day fair
      // An all-day day off the person marked busy (Google's default for all-day is "free").
      google.events.set('primary\nown-meeting-5', { id: 'own-meeting-5', summary: 'Day off', calendarId: 'primary', etag: '"1"', status: 'confirmed', transparency: 'opaque', start: { date: '2026-12-07' }, end: { date: '2026-12-08' } });
    });
    after(async () => {
      await t?.close();
      await google?.close();
      await dav?.stop();
    });

    const conflicts = (from: string, to: string) => t.app.inject({ url: `/api/v1/me/conflicts?from=${from}&to=${to}`, headers: { cookie } });

    it('lists clashing events with the connection and the overlap; touching is no clash', async () => {
      const res = await conflicts('2026-12-01T00:00:00Z', '2026-12-08T00:00:00Z');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(body.items.map((i: { title: string }) => i.title).sort(), ['fair', 'jazz', 'lunch talk', 'tokyo']);
      const jazz = body.items.find((i: { title: string }) => i.title === 'jazz');
      assert.deepEqual(jazz.clashes, [{ occurrence: '2026-12-03T19:30', occurrenceTitle: 'jazz', occurrenceStart: '2026-12-03T18:30:00.000Z', occurrenceEnd: '2026-12-03T21:00:00.000Z', connectionId: jazz.clashes[0].connectionId, kind: 'google', start: '2026-12-03T20:00:00.000Z', end: '2026-12-03T21:00:00.000Z', busyStart: '2026-12-03T20:00:00.000Z', busyEnd: '2026-12-03T21:30:00.000Z' }]);
      assert.ok(body.checked.every((c: { status: string }) => c.status === 'ok'));
      // Ids and titles of the person's events are never echoed (the seeded ids are long so that
      // none of our random ids can contain one).
      assert.doesNotMatch(res.body, /own-meeting|Dentist|Day off/, 'no details of the person’s own events');
    });

    it('does not make an event clash with its own pushed copy', async () => {
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${ids.brunch}`, headers: { cookie } });
      await t.services.worker.drain();
      const copies = await t.database.db.selectFrom('pushed_copies').selectAll().where('event_id', '=', ids.brunch!).execute();
      assert.equal(copies[0]?.state, 'synced', 'the copy is in the CalDAV calendar');
      const body = (await conflicts('2026-12-01T00:00:00Z', '2026-12-08T00:00:01Z')).json();
      assert.ok(!body.items.some((i: { title: string }) => i.title === 'brunch'), JSON.stringify(body));
    });

    it('says "couldn’t check" when a provider fails, instead of a false "free"', async () => {
      google.faults.queue.push('503');
      const body = (await conflicts('2026-12-02T00:00:00Z', '2026-12-08T00:00:00Z')).json();
      const g = body.checked.find((c: { kind: string }) => c.kind === 'google');
      assert.equal(g.status, 'unavailable');
      assert.equal(body.checked.find((c: { kind: string }) => c.kind === 'caldav').status, 'ok');
    });

    it('handles all-day on both sides: an all-day event against a meeting, a meeting inside a busy all-day', async () => {
      const body = (await conflicts('2026-12-05T12:00:00Z', '2026-12-08T12:00:00Z')).json();
      const fair = body.items.find((i: { title: string }) => i.title === 'fair');
      assert.deepEqual(fair.clashes.map((c: { start: string; end: string }) => [c.start, c.end]), [['2026-12-06T10:00:00.000Z', '2026-12-06T11:00:00.000Z']]);
      const lunch = body.items.find((i: { title: string }) => i.title === 'lunch talk');
      assert.deepEqual(lunch.clashes.map((c: { start: string; end: string }) => [c.start, c.end]), [['2026-12-07T12:00:00.000Z', '2026-12-07T13:00:00.000Z']]);
    });

    it("reads a busy time on a DST day from the person's CalDAV calendar at its real length", async () => {
      // 01:30 EST to 04:00 EDT on 2027-03-14 is 06:30Z to 08:00Z: 1.5 hours, not 2.5.
      const [caldav] = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items.filter((c: { kind: string }) => c.kind === 'caldav');
      const connection = (await t.services.connectionRepository.get(caldav.id))!;
      const provider = await t.services.registry.forConnection(connection);
      const personal = await provider.createCalendar('Personal', 'America/New_York');
      const tz = vtimezoneFor('America/New_York')!;
      const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...tz.lines, 'BEGIN:VEVENT', 'UID:dst-meeting@test', 'DTSTAMP:20270101T000000Z', 'DTSTART;TZID=America/New_York:20270314T013000', 'DTEND;TZID=America/New_York:20270314T040000', 'SUMMARY:Early flight', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
      const put = await fetch(new URL('dst-meeting.ics', personal.id.endsWith('/') ? personal.id : `${personal.id}/`), {
        method: 'PUT',
        headers: { 'content-type': 'text/calendar; charset=utf-8', authorization: `Basic ${Buffer.from(`${dav.username}:${dav.password}`).toString('base64')}` },
        body: ics,
      });
      assert.ok(put.ok, `PUT answered ${put.status}`);
      const body = (await conflicts('2027-03-13T00:00:00Z', '2027-03-16T00:00:00Z')).json();
      const dst = body.items.find((i: { title: string }) => i.title === 'dst');
      assert.deepEqual(dst?.clashes.map((c: { kind: string; start: string; end: string }) => [c.kind, c.start, c.end]), [['caldav', '2027-03-14T07:45:00.000Z', '2027-03-14T08:00:00.000Z']]);
    });

    it('suggests free evenings in the person’s zone, with what is on then, only when every calendar answered', async () => {
      const url = (zone: string, to = '2026-12-08T00:00:00Z') => `/api/v1/me/conflicts?from=2026-12-03T00:00:00Z&to=${to}&zone=${encodeURIComponent(zone)}`;
      const body = (await t.app.inject({ url: url('Europe/Berlin'), headers: { cookie } })).json();
      // Dec 3: a meeting 21:00–22:30 Berlin. Dec 7: the all-day day off. Dec 4–6 are free.
      assert.deepEqual(body.freeEvenings.map((f: { date: string }) => f.date), ['2026-12-04', '2026-12-05', '2026-12-06']);
      assert.deepEqual(body.freeEvenings.find((f: { date: string }) => f.date === '2026-12-06').eventIds, [ids['late show']]);
      google.faults.queue.push('503');
      // Other days: the first answer is cached for a few minutes, this one asks Google again.
      const degraded = (await t.app.inject({ url: url('America/New_York', '2026-12-09T23:00:00Z'), headers: { cookie } })).json();
      assert.equal(degraded.freeEvenings, null, 'no "free" when a calendar could not be read');
      assert.equal((await t.app.inject({ url: url('Mars/Olympus'), headers: { cookie } })).statusCode, 400);
    });

    it('rejects a bad range with a 400', async () => {
      assert.equal((await conflicts('yesterday', '2026-12-08T00:00:00Z')).statusCode, 400);
      assert.equal((await conflicts('2026-12-08T00:00:00Z', '2026-12-01T00:00:00Z')).statusCode, 400);
      assert.equal((await conflicts('2026-01-01T00:00:00Z', '2026-12-01T00:00:00Z')).statusCode, 400);
    });
  });
}

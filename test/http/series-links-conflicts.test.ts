import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';

// A series through the add-to-calendar links (Google carries the rule; one-date targets say so
// and carry the next date), the event JSON's next occurrence, and conflicts checked per occurrence.

const PUBLIC = 'https://cal.example.test';
// Tuesdays 19:00-21:00 New York, six times; the DST change falls between the 2nd and 3rd.
const jam = { title: 'Tuesday jam', start: '2027-03-02T19:00', end: '2027-03-02T21:00', timezone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20270406' };

for (const engine of testEngines) {
  describe(`series links and conflicts on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let t: TestApp;
    let cookie = '';
    let series: { id: string; slug: string };

    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google }) });
      t.clock.now = Date.parse('2027-02-20T10:00:00Z');
      ({ cookie } = await connectThroughEmulator(t, 'google', 'mode=busy'));
      series = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: jam })).json();
    });
    after(async () => {
      await t?.close();
      await google?.close();
    });

    const links = async () => (await t.app.inject({ url: `/api/v1/events/${series.id}/links` })).json().add as { target: string; url: string; note?: string }[];

    it('gives Google the rule in its zone, with UNTIL in UTC', async () => {
      const g = new URL((await links()).find((l) => l.target === 'google')!.url);
      assert.equal(g.searchParams.get('dates'), '20270302T190000/20270302T210000');
      assert.equal(g.searchParams.get('ctz'), 'America/New_York');
      // The end of April 6 in New York (EDT) is 03:59:59 UTC on April 7.
      assert.equal(g.searchParams.get('recur'), 'RRULE:FREQ=WEEKLY;UNTIL=20270407T035959Z;BYDAY=TU');
    });

    it('says "first date only" beside Outlook, Office 365 and Yahoo, and "every date" beside Google and the .ics', async () => {
      const list = await links();
      assert.deepEqual(Object.fromEntries(list.map((l) => [l.target, l.note])), {
        google: 'every date',
        outlook: 'first date only',
        office365: 'first date only',
        yahoo: 'first date only',
        ics: 'every date',
      });
      const outlook = new URL(list.find((l) => l.target === 'outlook')!.url);
      assert.equal(outlook.searchParams.get('startdt'), '2027-03-03T00:00:00Z');
      assert.match(outlook.searchParams.get('body')!, /^One date of a series \(Every Tuesday until April 6\)\./);
    });

    it('once the series is under way, one-date targets get the next date, the JSON names it, and a cancelled date is skipped', async () => {
      t.clock.now = Date.parse('2027-03-10T12:00:00Z');
      const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/events/${series.id}/occurrences/2027-03-16T19:00/cancel`, headers: t.auth });
      assert.equal(cancel.statusCode, 200, cancel.body);
      const list = await links();
      const yahoo = new URL(list.find((l) => l.target === 'yahoo')!.url);
      assert.equal(yahoo.searchParams.get('st'), '20270323T230000Z', 'March 23, 19:00 EDT');
      assert.equal(list.find((l) => l.target === 'yahoo')!.note, 'next date only');
      const json = (await t.app.inject({ url: `/api/v1/events/${series.id}` })).json();
      assert.deepEqual(json.next, { occurrence: '2027-03-23T19:00', start: '2027-03-23T19:00:00', end: '2027-03-23T21:00:00', startsAt: '2027-03-23T23:00:00.000Z', endsAt: '2027-03-24T01:00:00.000Z' });
      const oneOff = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { ...jam, rrule: null, title: 'Once' } })).json();
      assert.equal(oneOff.next, null);
      t.clock.now = Date.parse('2027-02-20T10:00:00Z');
    });

    it('checks each occurrence for clashes and says which one clashes, with its times', async () => {
      // The person's own meetings: one on the 2nd Tuesday (EST), one on the 5th (EDT), one on a Wednesday.
      const busy = (id: string, start: string, end: string) =>
        google.events.set(`primary\n${id}`, { id, calendarId: 'primary', etag: '"1"', status: 'confirmed', summary: 'Private', start: { dateTime: start }, end: { dateTime: end } });
      busy('own-series-clash-1', '2027-03-10T00:30:00Z', '2027-03-10T01:30:00Z');
      busy('own-series-clash-2', '2027-03-30T22:00:00Z', '2027-03-30T23:30:00Z');
      busy('own-series-clash-3', '2027-03-11T00:30:00Z', '2027-03-11T01:30:00Z');
      const res = await t.app.inject({ url: '/api/v1/me/conflicts?from=2027-03-01T00:00:00Z&to=2027-04-15T00:00:00Z', headers: { cookie } });
      assert.equal(res.statusCode, 200, res.body);
      const item = res.json().items.find((i: { eventId: string }) => i.eventId === series.id);
      assert.deepEqual(
        item.clashes.map((c: Record<string, string>) => [c.occurrence, c.occurrenceTitle, c.occurrenceStart, c.occurrenceEnd, c.busyStart]),
        [
          ['2027-03-09T19:00', 'Tuesday jam', '2027-03-10T00:00:00.000Z', '2027-03-10T02:00:00.000Z', '2027-03-10T00:30:00.000Z'],
          ['2027-03-30T19:00', 'Tuesday jam', '2027-03-30T23:00:00.000Z', '2027-03-31T01:00:00.000Z', '2027-03-30T22:00:00.000Z'],
        ],
      );
      assert.doesNotMatch(res.body, /Private|own-series-clash/, 'no details of the person’s own events');
    });
  });
}

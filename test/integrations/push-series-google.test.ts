import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { JAM, JAM_STARTS, seriesSteps } from '../helpers/series-push.ts';

// A series pushed to Google is one recurring event (`recurrence`: RRULE + EXDATE) whose changed
// occurrences are its instances; what the person sees is read back the way Google Calendar
// shows it: events.list with singleEvents=true, and events.instances.

const PUBLIC = 'https://cal.example.test';

for (const engine of testEngines) {
  describe(`series push to Google on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let t: TestApp;
    let cookie = '';
    let calendarId = '';
    let token = '';

    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google }) });
      t.clock.now = Date.parse('2027-02-20T10:00:00Z');
      ({ cookie } = await connectThroughEmulator(t, 'google'));
      calendarId = [...google.calendars.values()].find((c) => c.summary === 'Calendar Club')!.id;
      token = google.oauth.issueAccessToken('nina@gmail.test', 'https://www.googleapis.com/auth/calendar.app.created');
    });
    after(async () => {
      await t?.close();
      await google?.close();
    });

    const api = async (path: string) => {
      const res = await fetch(`${google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { items: { id: string; summary: string; start: { dateTime: string; timeZone: string }; originalStartTime?: unknown; recurringEventId?: string; location?: string }[] };
    };
    /** What the person's calendar shows: every instance, [UTC start, title]. */
    const seen = async () =>
      (await api('/events?singleEvents=true&timeMin=2027-01-01T00:00:00Z&timeMax=2028-01-01T00:00:00Z')).items.map((i) => {
        const instant = new Date(Date.parse(`${i.start.dateTime}Z`) - offsetMs(i.start.timeZone, i.start.dateTime));
        return [instant.toISOString().replace('.000', ''), i.summary];
      });

    it('creates one recurring event, changes and cancels instances, changes and cancels the series', async () => {
      const steps = seriesSteps(t, cookie);
      await steps.create();
      await t.services.worker.drain();
      const masters = [...google.events.values()].filter((e) => e.calendarId === calendarId && !e.recurringEventId);
      assert.equal(masters.length, 1, 'one event for the whole series');
      const master = masters[0]!;
      assert.deepEqual(master.recurrence, ['RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=TU']);
      assert.deepEqual(master.start, { dateTime: '2027-03-02T19:00:00', timeZone: 'America/New_York' });
      assert.deepEqual((await seen()).map(([s]) => s), JAM_STARTS, '19:00 New York on both sides of the DST change');

      await steps.changeOne();
      await t.services.worker.drain();
      assert.deepEqual((await seen())[2], ['2027-03-17T00:00:00Z', 'Late jam']);
      const instances = (await api(`/events/${master.id}/instances`)).items;
      const late = instances.find((i) => i.summary === 'Late jam')!;
      assert.equal(late.id, `${master.id}_20270316T230000Z`, 'addressed by its original start');
      assert.equal(late.recurringEventId, master.id);
      assert.deepEqual(late.originalStartTime, { dateTime: '2027-03-16T19:00:00', timeZone: 'America/New_York' });
      assert.equal(instances.filter((i) => i.summary !== 'Tuesday jam').length, 1, 'the other instances are untouched');

      await steps.cancelOne();
      await t.services.worker.drain();
      assert.deepEqual(google.events.get(`${calendarId}\n${master.id}`)!.recurrence, ['RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=TU', 'EXDATE;TZID=America/New_York:20270323T190000']);
      assert.deepEqual((await seen()).map(([s]) => s), [JAM_STARTS[0], JAM_STARTS[1], '2027-03-17T00:00:00Z', JAM_STARTS[4], JAM_STARTS[5]]);

      await steps.changeAll();
      await t.services.worker.drain();
      assert.deepEqual((await seen()).map(([, s]) => s), ['Tuesday jam session', 'Tuesday jam session', 'Late jam', 'Tuesday jam session', 'Tuesday jam session']);
      assert.equal(google.inserts.get(master.id), 1, 'never a second insert');
      assert.equal((await steps.syncState())?.state, 'synced');

      // The same job again (a retry, a duplicate) changes nothing the person sees.
      const before = await seen();
      await t.services.pushSync.reconcile((await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items[0].id, steps.id);
      assert.deepEqual(await seen(), before);

      await steps.cancelAll();
      await t.services.worker.drain();
      assert.deepEqual(await seen(), [], 'the whole series is gone');
    });

    it('a series turned back into a one-off event stops repeating in the calendar', async () => {
      const steps = seriesSteps(t, cookie);
      await steps.create({ ...JAM, title: 'Jam once' });
      await steps.changeOne();
      await steps.cancelOne();
      await t.services.worker.drain();
      assert.equal((await seen()).filter(([, s]) => s === 'Jam once').length, 4);

      await steps.makeOneOff();
      await t.services.worker.drain();
      assert.deepEqual((await seen()).filter(([, s]) => s === 'Jam once' || s === 'Late jam'), [[JAM_STARTS[0], 'Jam once']], 'one event on the first date, no changed instance left');
      const copy = [...google.events.values()].find((e) => e.calendarId === calendarId && e.summary === 'Jam once' && !e.recurringEventId)!;
      assert.deepEqual(copy.recurrence, []);
      assert.equal((await steps.syncState())?.state, 'synced');
      await steps.cancelAll();
      await t.services.worker.drain();
    });
  });
}

/** A zone's UTC offset at a wall-clock time (good enough away from DST changes). */
function offsetMs(zone: string, wall: string): number {
  const probe = new Date(`${wall}Z`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(probe);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - probe.getTime();
}

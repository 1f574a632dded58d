import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';
import { JAM, JAM_STARTS, seriesSteps } from '../helpers/series-push.ts';

// A series pushed to Outlook is one seriesMaster with a patternedRecurrence in a Windows zone;
// its changed and cancelled occurrences are exceptions made through /instances. What the person
// sees is read back as Outlook shows it: the calendarView, expanded by the emulator.

const PUBLIC = 'https://cal.example.test';
const EMAIL = 'nina@outlook.test';

for (const engine of testEngines) {
  describe(`series push to Microsoft on ${engine.name}`, { skip: engine.skip }, () => {
    let microsoft: MicrosoftEmulator;
    let t: TestApp;
    let cookie = '';
    let calendarId = '';
    let token = '';

    before(async () => {
      microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ microsoft }) });
      t.clock.now = Date.parse('2027-02-20T10:00:00Z');
      ({ cookie } = await connectThroughEmulator(t, 'microsoft'));
      calendarId = [...microsoft.calendars.values()].find((c) => c.name === 'Calendar Club')!.id;
      token = microsoft.oauth.issueAccessToken(EMAIL, 'Calendars.ReadWrite');
    });
    after(async () => {
      await t?.close();
      await microsoft?.close();
    });

    /** What the person's calendar shows: [UTC start, subject] of each instance. */
    const seen = async (): Promise<[string, string][]> => {
      const url = `${microsoft.url}/v1.0/me/calendars/${encodeURIComponent(calendarId)}/calendarView?startDateTime=2027-01-01T00:00:00Z&endDateTime=2028-01-01T00:00:00Z&$top=100`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, prefer: 'outlook.timezone="UTC"' } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { value: { start: { dateTime: string }; subject: string }[] };
      return body.value.map((e) => [`${e.start.dateTime.slice(0, 19)}Z`, e.subject]);
    };
    const masters = () => [...microsoft.events.values()].filter((e) => e.calendarId === calendarId && e.type === 'seriesMaster');
    const settle = async () => {
      for (let i = 0; i < 10 && ((await t.services.outbox.countsByState()).ready ?? 0) > 0; i++) {
        await t.services.worker.drain();
        t.clock.now += 10 * 60_000;
      }
    };

    it('creates one seriesMaster, changes and cancels occurrences, changes and cancels the series', async () => {
      const steps = seriesSteps(t, cookie);
      await steps.create();
      await t.services.worker.drain();
      assert.equal(masters().length, 1, 'one event for the whole series');
      const master = masters()[0]!;
      assert.deepEqual(master.recurrence, {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2027-03-02', numberOfOccurrences: 6, recurrenceTimeZone: 'Eastern Standard Time' },
      });
      assert.deepEqual(master.start, { dateTime: '2027-03-02T19:00:00', timeZone: 'Eastern Standard Time' });
      assert.deepEqual((await seen()).map(([s]) => s), JAM_STARTS, '19:00 New York on both sides of the DST change');

      await steps.changeOne();
      await t.services.worker.drain();
      assert.deepEqual((await seen())[2], ['2027-03-17T00:00:00Z', 'Late jam']);
      const exceptions = [...microsoft.events.values()].filter((e) => e.seriesMasterId === master.id);
      assert.equal(exceptions.length, 1, 'only that occurrence became an exception');
      assert.equal(exceptions[0]!.originalStart, '2027-03-16T23:00:00.000Z');

      await steps.cancelOne();
      await t.services.worker.drain();
      assert.deepEqual((await seen()).map(([s]) => s), [JAM_STARTS[0], JAM_STARTS[1], '2027-03-17T00:00:00Z', JAM_STARTS[4], JAM_STARTS[5]]);

      await steps.changeAll();
      await t.services.worker.drain();
      assert.deepEqual((await seen()).map(([, s]) => s), ['Tuesday jam session', 'Tuesday jam session', 'Late jam', 'Tuesday jam session', 'Tuesday jam session']);
      assert.equal(masters().length, 1);
      assert.equal((await steps.syncState())?.state, 'synced');

      const before = await seen();
      await t.services.pushSync.reconcile((await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items[0].id, steps.id);
      assert.deepEqual(await seen(), before, 'a repeated job changes nothing');

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
      assert.deepEqual((await seen()).filter(([, s]) => s === 'Jam once' || s === 'Late jam'), [[JAM_STARTS[0], 'Jam once']], 'one event on the first date, no exception left');
      const copy = [...microsoft.events.values()].find((e) => e.calendarId === calendarId && e.subject === 'Jam once')!;
      assert.equal(copy.type, 'singleInstance');
      assert.equal(copy.recurrence, null);
      assert.equal((await steps.syncState())?.state, 'synced');
      await steps.cancelAll();
      await t.services.worker.drain();
    });

    it('maps monthly and yearly rules Outlook has, with the dates our feed has', async () => {
      const steps = seriesSteps(t, cookie);
      await steps.create({ ...JAM, title: 'First Friday', start: '2027-01-01T18:00', end: '2027-01-01T20:00', timezone: 'Europe/Berlin', rrule: 'FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270531' });
      await t.services.worker.drain();
      const master = masters().find((m) => m.subject === 'First Friday')!;
      assert.deepEqual(master.recurrence, {
        pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'first' },
        range: { type: 'endDate', startDate: '2027-01-01', endDate: '2027-05-07', recurrenceTimeZone: 'W. Europe Standard Time' },
      });
      const ours = (await t.app.inject({ url: `/api/v1/events/${steps.id}/occurrences?from=2027-01-01&to=2028-01-01` })).json().items.map((o: { startsAt: string }) => o.startsAt.replace('.000', ''));
      assert.deepEqual((await seen()).filter(([, s]) => s === 'First Friday').map(([s]) => s), ours);
      await steps.cancelAll();
      await t.services.worker.drain();
    });

    it('refuses a rule Outlook cannot repeat exactly, saying why, and never pushes a wrong series', async () => {
      const steps = seriesSteps(t, cookie);
      await steps.create({ ...JAM, title: 'Last weekday', start: '2027-03-31T18:00', end: '2027-03-31T19:00', rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4' });
      await settle();
      assert.equal(masters().filter((m) => m.subject === 'Last weekday').length, 0, 'nothing pushed');
      const state = await steps.syncState();
      assert.equal(state?.state, 'failed');
      assert.match(String(state?.lastError), /Outlook can't repeat this series exactly \(BYSETPOS/);
    });
  });
}

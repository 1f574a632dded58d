import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';
import { seriesSteps } from '../helpers/series-push.ts';

// A saved series pushed to the person's calendar is busy there at every occurrence. Those busy
// times are our own copy and must never show as clashes with the series itself: Google's
// free/busy carries no ids (matched by each occurrence's time, changes applied), Graph's
// calendarView gives each instance its own id (matched through its seriesMasterId).

const PUBLIC = 'https://cal.example.test';
const MONTH = 'from=2027-03-01T00:00:00Z&to=2027-04-15T00:00:00Z';

for (const engine of testEngines) {
  for (const kind of ['google', 'microsoft'] as const) {
    describe(`conflicts never show a pushed series against itself (${kind}, ${engine.name})`, { skip: engine.skip }, () => {
      let google: GoogleEmulator | undefined;
      let microsoft: MicrosoftEmulator | undefined;
      let t: TestApp;
      let cookie = '';

      before(async () => {
        if (kind === 'google') google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
        else microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
        t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google, microsoft }) });
        t.clock.now = Date.parse('2027-02-20T10:00:00Z');
        ({ cookie } = await connectThroughEmulator(t, kind));
      });
      after(async () => {
        await t?.close();
        await google?.close();
        await microsoft?.close();
      });

      const conflicts = async () => {
        const res = await t.app.inject({ url: `/api/v1/me/conflicts?${MONTH}`, headers: { cookie } });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as { items: { eventId: string; clashes: { occurrence: string }[] }[]; checked: { status: string; calendars?: string[] }[] };
      };

      it('pushes a saved series (one date moved, one cancelled) and finds no clash with it over the month', async () => {
        const steps = seriesSteps(t, cookie);
        await steps.create();
        await steps.changeOne();
        await steps.cancelOne();
        await t.services.worker.drain();
        assert.equal((await steps.syncState())?.state, 'synced');
        const answer = await conflicts();
        assert.ok(answer.checked.every((c) => c.status === 'ok' && c.calendars?.includes('Calendar Club')), JSON.stringify(answer.checked));
        assert.deepEqual(answer.items, [], 'every occurrence is our own copy');
      });

      if (kind === 'google') {
        it('still reports a real meeting of the person on one of those dates', async () => {
          google!.events.set('primary\nprivate-1', { id: 'private-1', calendarId: 'primary', etag: '"1"', status: 'confirmed', summary: 'Private', start: { dateTime: '2027-03-31T00:30:00Z' }, end: { dateTime: '2027-03-31T01:30:00Z' } });
          t.clock.now += 10 * 60_000; // past the busy cache
          const answer = await conflicts();
          assert.deepEqual(answer.items.map((i) => i.clashes.map((c) => c.occurrence)), [['2027-03-30T19:00']]);
        });
      }
    });
  }
}

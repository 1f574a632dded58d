import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectCalDav } from '../helpers/connect.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';
import { JAM_STARTS, seriesSteps } from '../helpers/series-push.ts';

// A series pushed to real CalDAV servers is ONE resource: the master VEVENT (RRULE, EXDATE) and
// a RECURRENCE-ID VEVENT per changed occurrence. What the person sees is checked by expanding
// the stored resource with ical.js, as a calendar app would.

for (const kind of caldavServers) {
  for (const engine of testEngines) {
    describe(`series push to ${kind.name} on ${engine.name}`, { skip: kind.skip || engine.skip }, () => {
      let server: CalDavServer;
      let t: TestApp;
      let cookie = '';
      let calendarUrl = '';
      before(async () => {
        server = await kind.start();
        t = await startTestApp(engine, { ALLOW_PRIVATE_NETWORK: 'true' });
        t.clock.now = Date.parse('2027-02-20T10:00:00Z');
        ({ cookie, targetCalendarId: calendarUrl } = await connectCalDav(t, server.url, server));
      });
      after(async () => {
        await t?.close();
        await server?.stop();
      });

      const auth = () => ({ authorization: `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}` });
      async function resources(): Promise<string[]> {
        const res = await fetch(calendarUrl, { method: 'PROPFIND', headers: { depth: '1', ...auth() } });
        return [...(await res.text()).matchAll(/<[^>]*href>([^<]+\.ics)</g)].map((m) => new URL(m[1]!, calendarUrl).href);
      }
      /** The one resource's occurrences as a calendar app expands them: [UTC start, summary]. */
      async function seen(): Promise<{ vevents: ICAL.Component[]; occurrences: [string, string][] }> {
        const hrefs = await resources();
        assert.equal(hrefs.length, 1, 'one resource for the whole series');
        const calendar = new ICAL.Component(ICAL.parse(await (await fetch(hrefs[0]!, { headers: auth() })).text()));
        for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
        const vevents = calendar.getAllSubcomponents('vevent');
        const master = new ICAL.Event(vevents.find((v) => !v.hasProperty('recurrence-id'))!);
        for (const v of vevents.filter((v) => v.hasProperty('recurrence-id'))) master.relateException(v);
        const it = master.iterator();
        const occurrences: [string, string][] = [];
        for (let next = it.next(); next; next = it.next()) {
          const details = master.getOccurrenceDetails(next);
          occurrences.push([details.startDate.toJSDate().toISOString().replace('.000', ''), details.item.summary]);
        }
        return { vevents, occurrences };
      }

      it('creates, changes one, cancels one, changes all and cancels the series', async () => {
        const steps = seriesSteps(t, cookie);
        const e = await steps.create();
        await t.services.worker.drain();
        let view = await seen();
        assert.equal(view.vevents.length, 1);
        assert.equal(view.vevents[0]!.getFirstPropertyValue('uid'), e.uid);
        assert.deepEqual(view.occurrences.map(([s]) => s), JAM_STARTS, '19:00 New York on both sides of the DST change');

        await steps.changeOne();
        await t.services.worker.drain();
        view = await seen();
        assert.equal(view.vevents.length, 2, 'master + one RECURRENCE-ID instance, same UID');
        assert.ok(view.vevents.every((v) => v.getFirstPropertyValue('uid') === e.uid));
        assert.deepEqual(view.occurrences[2], ['2027-03-17T00:00:00Z', 'Late jam']);

        await steps.cancelOne();
        await t.services.worker.drain();
        view = await seen();
        assert.deepEqual(view.occurrences.map(([s]) => s), [JAM_STARTS[0], JAM_STARTS[1], '2027-03-17T00:00:00Z', JAM_STARTS[4], JAM_STARTS[5]], '23 March is gone (EXDATE)');

        await steps.changeAll();
        await t.services.worker.drain();
        view = await seen();
        assert.deepEqual(view.occurrences.map(([, s]) => s), ['Tuesday jam session', 'Tuesday jam session', 'Late jam', 'Tuesday jam session', 'Tuesday jam session']);
        const master = view.vevents.find((v) => !v.hasProperty('recurrence-id'))!;
        assert.equal(master.getFirstPropertyValue('sequence'), 3);
        assert.equal(master.getFirstPropertyValue('location'), 'The Loft');
        assert.equal((await steps.syncState())?.state, 'synced');

        await steps.cancelAll();
        await t.services.worker.drain();
        assert.equal((await resources()).length, 0, 'the whole series is removed');
      });
    });
  }
}

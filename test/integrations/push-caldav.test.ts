import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectCalDav } from '../helpers/connect.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';

// The CalDAV round trip of push sync on real servers: create, edit (SEQUENCE), cancel.

for (const kind of caldavServers) {
  describe(`push sync to ${kind.name}`, { skip: kind.skip }, () => {
    let server: CalDavServer;
    let t: TestApp;
    let cookie = '';
    let calendarUrl = '';
    before(async () => {
      server = await kind.start();
      t = await startTestApp(testEngines[0]!, { ALLOW_PRIVATE_NETWORK: 'true' });
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
    async function readOnly(): Promise<ICAL.Component> {
      const [href] = await resources();
      return new ICAL.Component(ICAL.parse(await (await fetch(href!, { headers: auth() })).text())).getFirstSubcomponent('vevent')!;
    }

    it('creates the copy, updates it with the new SEQUENCE, and deletes it on cancel', async () => {
      const e = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: t.auth,
          payload: { title: 'Chamber music; Schubert', start: '2026-12-12T20:00', end: '2026-12-12T21:30', timezone: 'Europe/Vienna' },
        })
      ).json();
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      assert.equal((await resources()).length, 1);
      let vevent = await readOnly();
      assert.equal(vevent.getFirstPropertyValue('uid'), e.uid);
      assert.equal(vevent.getFirstPropertyValue('summary'), 'Chamber music; Schubert');
      assert.equal(vevent.getFirstPropertyValue('sequence'), 0);

      t.clock.now += 1000;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { start: '2026-12-12T19:30' } });
      await t.services.worker.drain();
      assert.equal((await resources()).length, 1, 'updated in place');
      vevent = await readOnly();
      assert.equal(vevent.getFirstPropertyValue('sequence'), 1);
      assert.equal(String(vevent.getFirstPropertyValue('dtstart')), '2026-12-12T19:30:00');

      t.clock.now += 1000;
      await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth });
      await t.services.worker.drain();
      assert.equal((await resources()).length, 0, 'removed on cancel');
    });

    const createAndSave = async (title: string) => {
      const e = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start: '2026-12-13T20:00', end: '2026-12-13T21:30', timezone: 'Europe/Vienna' } })).json();
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      return e as { id: string };
    };
    const settle = async () => {
      for (let i = 0; i < 20 && ((await t.services.outbox.countsByState()).ready ?? 0) > 0; i++) {
        await t.services.worker.drain();
        t.clock.now += 120_000;
      }
    };

    it('a copy the person deleted is not written back by an edit, and comes back when they save again', async () => {
      const e = await createAndSave('Deleted in my calendar app');
      await settle();
      const [href] = await resources();
      assert.equal((await fetch(href!, { method: 'DELETE', headers: auth() })).status < 300, true); // the person deletes it
      t.clock.now += 1000;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { title: 'Deleted in my calendar app (moved)' } });
      await settle();
      assert.equal((await resources()).length, 0, 'not written back by the edit');
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await settle();
      assert.equal((await resources()).length, 1, 'back after saving again');
      assert.equal((await readOnly()).getFirstPropertyValue('summary'), 'Deleted in my calendar app (moved)');
      await t.app.inject({ method: 'DELETE', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await settle();
    });

    it('makes the calendar again when the person deletes it, with everything saved in it', async () => {
      const e = await createAndSave('Survives a deleted calendar');
      await settle();
      assert.equal((await fetch(calendarUrl, { method: 'DELETE', headers: auth() })).status < 300, true);
      const later = await createAndSave('Saved after the calendar went');
      await settle();
      const summaries = await Promise.all((await resources()).map(async (href) => new ICAL.Component(ICAL.parse(await (await fetch(href, { headers: auth() })).text())).getFirstSubcomponent('vevent')!.getFirstPropertyValue('summary')));
      assert.deepEqual(summaries.sort(), ['Saved after the calendar went', 'Survives a deleted calendar']);
      const sync = (await t.app.inject({ url: '/api/v1/me/sync', headers: { cookie } })).json().items as { eventId: string; state: string }[];
      for (const id of [e.id, later.id]) assert.equal(sync.find((s) => s.eventId === id)?.state, 'synced');
    });
  });
}

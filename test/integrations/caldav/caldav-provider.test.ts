import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import ICAL from 'ical.js';
import { caldavServers, type CalDavServer } from '../../helpers/caldav-servers.ts';
import { freePort } from '../../helpers/app.ts';
import { createCalDavProvider } from '../../../src/integrations/caldav/index.ts';
import { remoteEvent } from '../../helpers/remote-event.ts';
import { ProviderError, type RemoteEventInput } from '../../../src/integrations/provider.ts';

// The CalDAV adapter against real servers: discovery, our own calendar, idempotent create,
// conditional update, delete, and the errors a person can cause.

const event = (over: Partial<RemoteEventInput> = {}) => remoteEvent(over);

for (const kind of caldavServers) {
  describe(`CalDAV on ${kind.name}`, { skip: kind.skip }, () => {
    let server: CalDavServer;
    before(async () => {
      server = await kind.start();
    });
    after(() => server?.stop());

    const provider = (over: { password?: string; allowPrivateNetwork?: boolean; serverUrl?: string } = {}) =>
      createCalDavProvider({
        serverUrl: over.serverUrl ?? server.url,
        username: server.username,
        password: over.password ?? server.password,
        allowPrivateNetwork: over.allowPrivateNetwork ?? true,
      });

    async function resources(calendarUrl: string): Promise<string[]> {
      const res = await fetch(calendarUrl, {
        method: 'PROPFIND',
        headers: { depth: '1', authorization: `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}` },
      });
      return [...(await res.text()).matchAll(/<[^>]*href>([^<]+\.ics)</g)].map((m) => m[1]!);
    }

    it('discovers the calendar home and creates its own calendar once', async () => {
      const p = provider();
      const found = await p.discover();
      assert.ok(found.calendarHomeUrl.startsWith(server.url));
      const first = await p.createCalendar('Calendar Club', 'UTC');
      const second = await provider().createCalendar('Calendar Club', 'UTC');
      assert.equal(second.id.replace(/\/$/, ''), first.id.replace(/\/$/, ''), 'MKCALENDAR is not repeated');
      const calendars = await provider().listCalendars();
      assert.ok(calendars.some((c) => c.name === 'Calendar Club' && c.writable));
    });

    it('creates an event once even when the create is retried, updates it, and deletes it', async () => {
      const p = provider();
      const calendar = await p.createCalendar('Calendar Club', 'UTC');
      const created = await p.createEvent(calendar.id, event(), 0);
      const retried = await p.createEvent(calendar.id, event(), 0);
      assert.equal(retried.remoteId, created.remoteId);
      assert.equal((await resources(calendar.id)).length, 1, 'no duplicate resource');

      const updated = await p.updateEvent(calendar.id, retried, event({ sequence: 1, title: 'Jazz (moved)', start: '2026-12-03T20:00:00' }));
      const body = await (await fetch(updated.remoteId, { headers: { authorization: `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}` } })).text();
      const vevent = new ICAL.Component(ICAL.parse(body)).getFirstSubcomponent('vevent')!;
      assert.equal(vevent.getFirstPropertyValue('summary'), 'Jazz (moved)');
      assert.equal(vevent.getFirstPropertyValue('sequence'), 1);
      assert.equal(vevent.getFirstPropertyValue('location'), 'Kai 3, Hamburg');

      assert.ok(created.etag && updated.etag && created.etag !== updated.etag, 'the server versions resources');
      // A stale etag (changed meanwhile): read again, then the organizer's version is written.
      const latest = await p.updateEvent(calendar.id, created, event({ sequence: 2, title: 'Jazz (latest)' }));
      assert.notEqual(latest.etag, updated.etag);
      await p.deleteEvent(calendar.id, latest);
      await assert.rejects(p.deleteEvent(calendar.id, latest), (e: ProviderError) => e.code === 'not_found');
      assert.equal((await resources(calendar.id)).length, 0);
      // Deleted by the person: an update never writes it back, with or without an etag.
      await assert.rejects(p.updateEvent(calendar.id, latest, event({ sequence: 3 })), (e: ProviderError) => e.code === 'not_found');
      await assert.rejects(p.updateEvent(calendar.id, { ...latest, etag: null }, event({ sequence: 3 })), (e: ProviderError) => e.code === 'not_found');
      assert.equal((await resources(calendar.id)).length, 0, 'not brought back');
      assert.equal(await p.calendarExists(calendar.id), true);
      assert.equal(await p.calendarExists(new URL('no-such-calendar/', calendar.id).href), false);
    });

    it('refuses a private address unless the operator allows it', async () => {
      await assert.rejects(provider({ allowPrivateNetwork: false }).discover(), (e: ProviderError) => e.code === 'permanent' && /https|private/.test(e.message));
    });

    it('says clearly when the URL is not a CalDAV server or cannot be reached', async () => {
      const port = await freePort();
      const html = http.createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Hello</h1>')).listen(port, '127.0.0.1');
      try {
        await assert.rejects(provider({ serverUrl: `http://127.0.0.1:${port}/` }).discover(), (e: ProviderError) => e.code === 'permanent' && /CalDAV/.test(e.message));
      } finally {
        html.close();
      }
      const closed = await freePort();
      await assert.rejects(provider({ serverUrl: `http://127.0.0.1:${closed}/` }).discover(), (e: ProviderError) => e.code === 'temporary' && /reached/.test(e.message));
    });

    it('reports a wrong app password as "reconnect required"', { skip: !kind.skip && kind.name === 'xandikos' ? 'Xandikos has no authentication' : false }, async () => {
      await assert.rejects(provider({ password: 'wrong' }).discover(), (e: ProviderError) => e.code === 'reconnect_required' && /username and app password/.test(e.message));
    });
  });
}

for (const kind of caldavServers) {
  describe(`CalDAV busy times on ${kind.name}`, { skip: kind.skip }, () => {
    let server: CalDavServer;
    let calendarId = '';
    before(async () => {
      server = await kind.start();
      const p = createCalDavProvider({ serverUrl: server.url, username: server.username, password: server.password, allowPrivateNetwork: true });
      calendarId = (await p.createCalendar('Calendar Club', 'UTC')).id;
      await p.createEvent(calendarId, event({ uid: 'berlin@x', start: '2026-12-03T19:30:00', end: '2026-12-03T22:00:00', timezone: 'Europe/Berlin', startUtc: Date.parse('2026-12-03T18:30:00Z'), endUtc: Date.parse('2026-12-03T21:00:00Z') }), 0);
      await p.createEvent(calendarId, event({ uid: 'tokyo@x', start: '2026-12-04T09:00:00', end: '2026-12-04T10:00:00', timezone: 'Asia/Tokyo', startUtc: Date.parse('2026-12-04T00:00:00Z'), endUtc: Date.parse('2026-12-04T01:00:00Z') }), 0);
      await p.createEvent(calendarId, event({ uid: 'outside@x', start: '2027-01-10T09:00:00', end: '2027-01-10T10:00:00', timezone: 'UTC', startUtc: Date.parse('2027-01-10T09:00:00Z'), endUtc: Date.parse('2027-01-10T10:00:00Z') }), 0);
      // Someone else's all-day, busy event, written by another client.
      const allDay = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:allday@other\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261205\r\nDTEND;VALUE=DATE:20261206\r\nSUMMARY:Offsite\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
      const put = await fetch(new URL('allday.ics', calendarId.endsWith('/') ? calendarId : `${calendarId}/`), {
        method: 'PUT',
        headers: { 'content-type': 'text/calendar', authorization: `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}` },
        body: allDay,
      });
      assert.ok(put.status === 201 || put.status === 204, String(put.status));
    });
    after(() => server?.stop());

    for (const busyFromEvents of [false, true]) {
      it(`reads timed, cross-zone and all-day busy times ${busyFromEvents ? 'from the events (fallback)' : 'with free-busy-query where supported'}`, async () => {
        const p = createCalDavProvider({ serverUrl: server.url, username: server.username, password: server.password, allowPrivateNetwork: true, busyFromEvents });
        const busy = await p.busyIntervals([calendarId], Date.parse('2026-12-01T00:00:00Z'), Date.parse('2026-12-31T00:00:00Z'));
        assert.deepEqual(
          busy.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString()]),
          [
            ['2026-12-03T18:30:00.000Z', '2026-12-03T21:00:00.000Z'],
            ['2026-12-04T00:00:00.000Z', '2026-12-04T01:00:00.000Z'],
            ['2026-12-05T00:00:00.000Z', '2026-12-06T00:00:00.000Z'],
          ],
        );
        if (busyFromEvents) assert.ok(busy.every((b) => b.remoteEventId?.endsWith('.ics')), 'each interval names its resource');
      });
    }
  });
}

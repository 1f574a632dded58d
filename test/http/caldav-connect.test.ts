import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { testEngines } from '../helpers/databases.ts';
import { freePort, startTestApp, type TestApp } from '../helpers/app.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';

// Connecting a CalDAV account through the API, against real Radicale and Xandikos servers.

const radicale = caldavServers.find((s) => s.name === 'radicale')!;
const xandikos = caldavServers.find((s) => s.name === 'xandikos')!;

for (const engine of testEngines) {
  describe(`CalDAV accounts through the API on ${engine.name}`, { skip: engine.skip || radicale.skip }, () => {
    let t: TestApp;
    let server: CalDavServer;
    let cookie = '';
    before(async () => {
      server = await radicale.start();
      t = await startTestApp(engine, { ALLOW_PRIVATE_NETWORK: 'true' });
      cookie = String((await t.app.inject('/api/v1/me')).headers['set-cookie']).split(';')[0]!;
    });
    after(async () => {
      await t?.close();
      await server?.stop();
    });

    const connect = (payload: object, app = t.app) => app.inject({ method: 'POST', url: '/api/v1/me/connections/caldav', headers: { cookie }, payload });
    const stored = async () => (await t.database.db.selectFrom('connections').selectAll().execute()).length;

    it('connects with an app password, creates the Calendar Club calendar and keeps the password sealed', async () => {
      const res = await connect({ serverUrl: server.url, username: server.username, password: server.password });
      assert.equal(res.statusCode, 201, res.body);
      const c = res.json();
      assert.equal(c.kind, 'caldav');
      assert.equal(c.status, 'active');
      assert.equal(c.account, 'nina');
      assert.equal(c.targetCalendar.name, 'Calendar Club');
      const calendar = await fetch(c.targetCalendar.id, { method: 'PROPFIND', headers: { depth: '0', authorization: `Basic ${Buffer.from('nina:app-password-1').toString('base64')}` } });
      assert.equal(calendar.status, 207, 'the calendar exists on the server');
      const dump = JSON.stringify(await t.database.db.selectFrom('connections').selectAll().execute());
      assert.ok(!dump.includes(server.password));
      const list = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json();
      assert.equal(list.items.length, 1);

      // Pick another calendar of the account for saved events.
      const auth = `Basic ${Buffer.from('nina:app-password-1').toString('base64')}`;
      const personal = new URL('personal/', c.targetCalendar.id.replace(/calendar-club\/?$/, '')).href;
      const made = await fetch(personal, { method: 'MKCALENDAR', headers: { authorization: auth, 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Personal</d:displayname></d:prop></d:set></c:mkcalendar>' });
      assert.equal(made.status, 201);
      const calendars = (await t.app.inject({ url: `/api/v1/me/connections/${c.id}/calendars`, headers: { cookie } })).json().items;
      assert.deepEqual(calendars.map((x: { name: string }) => x.name).sort(), ['Calendar Club', 'Personal']);
      const picked = calendars.find((x: { name: string }) => x.name === 'Personal');
      const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/connections/${c.id}`, headers: { cookie }, payload: { targetCalendarId: picked.id } });
      assert.equal(patched.statusCode, 200);
      assert.equal(patched.json().targetCalendar.name, 'Personal');
      const bogus = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/connections/${c.id}`, headers: { cookie }, payload: { targetCalendarId: 'https://elsewhere.test/x/' } });
      assert.equal(bogus.statusCode, 422);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/me/connections/${c.id}`, headers: { cookie } })).statusCode, 204);
      assert.equal(await stored(), 0);
    });

    it('explains a wrong password, a non-CalDAV URL and an unreachable server with a 4xx, storing nothing', async () => {
      const wrong = await connect({ serverUrl: server.url, username: 'nina', password: 'nope' });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.json().detail, /username and app password/);
      const port = await freePort();
      const page = http.createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<h1>blog</h1>')).listen(port, '127.0.0.1');
      try {
        const notDav = await connect({ serverUrl: `http://127.0.0.1:${port}/`, username: 'nina', password: 'x' });
        assert.equal(notDav.statusCode, 422);
        assert.match(notDav.json().detail, /CalDAV server/);
      } finally {
        page.close();
      }
      const unreachable = await connect({ serverUrl: `http://127.0.0.1:${await freePort()}/`, username: 'nina', password: 'x' });
      assert.equal(unreachable.statusCode, 422);
      assert.match(unreachable.json().detail, /could not be reached/);
      assert.equal((await connect({ serverUrl: server.url, username: 'nina', password: 'x', extra: 1 })).statusCode, 400);
      assert.equal(await stored(), 0);
    });

    it('refuses private addresses when the operator has not allowed them', async () => {
      const strict = await startTestApp(engine);
      try {
        const me = await strict.app.inject('/api/v1/me');
        const res = await strict.app.inject({
          method: 'POST',
          url: '/api/v1/me/connections/caldav',
          headers: { cookie: String(me.headers['set-cookie']).split(';')[0]! },
          payload: { serverUrl: 'https://127.0.0.1:5232/', username: 'nina', password: 'x' },
        });
        assert.equal(res.statusCode, 422);
        assert.match(res.json().detail, /private or local network/);
        assert.equal((await strict.database.db.selectFrom('connections').selectAll().execute()).length, 0);
      } finally {
        await strict.close();
      }
    });

    it('offers presets for iCloud and Fastmail with app-password instructions', async () => {
      const presets = (await t.app.inject('/api/v1/caldav/presets')).json().items;
      assert.deepEqual(presets.map((p: { id: string }) => p.id), ['icloud', 'fastmail', 'nextcloud']);
      assert.equal(presets[0].serverUrl, 'https://caldav.icloud.com/');
      assert.match(presets[1].instructions, /app password/);
    });
  });
}

describe('CalDAV account on Xandikos through the API', { skip: xandikos.skip }, () => {
  it('connects and creates the Calendar Club calendar', async () => {
    const server = await xandikos.start();
    const t = await startTestApp(testEngines[0]!, { ALLOW_PRIVATE_NETWORK: 'true' });
    try {
      const me = await t.app.inject('/api/v1/me');
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/connections/caldav',
        headers: { cookie: String(me.headers['set-cookie']).split(';')[0]! },
        payload: { serverUrl: server.url, username: server.username, password: server.password, mode: 'push' },
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().targetCalendar.name, 'Calendar Club');
    } finally {
      await t.close();
      await server.stop();
    }
  });
});

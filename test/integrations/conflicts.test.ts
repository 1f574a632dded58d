import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';

// Clashes between events and the visitor's own busy times, from Google (free/busy) and a real
// CalDAV server (which also holds our pushed copies, which must not clash with themselves).

const PUBLIC = 'https://cal.example.test';
const radicale = caldavServers.find((s) => s.name === 'radicale')!;

for (const engine of testEngines) {
  describe(`conflicts on ${engine.name}`, { skip: engine.skip || radicale.skip }, () => {
    let google: GoogleEmulator;
    let dav: CalDavServer;
    let t: TestApp;
    let cookie = '';
    const ids: Record<string, string> = {};

    before(async () => {
      google = await startGoogleEmulator({ clients: [{ clientId: 'g', clientSecret: 's', redirectUris: [`${PUBLIC}/connect/google/callback`] }] });
      dav = await radicale.start();
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ALLOW_PRIVATE_NETWORK: 'true', GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's', GOOGLE_ACCOUNTS_URL: google.url, GOOGLE_OAUTH2_URL: google.url, GOOGLE_API_URL: google.url });
      const begin = await t.app.inject('/connect/google?mode=busy');
      cookie = String(begin.headers['set-cookie']).split(';')[0]!;
      const consent = await fetch(String(begin.headers.location), { redirect: 'manual' });
      const back = new URL(consent.headers.get('location')!);
      await t.app.inject({ url: back.pathname + back.search, headers: { cookie } });
      const caldav = await t.app.inject({ method: 'POST', url: '/api/v1/me/connections/caldav', headers: { cookie }, payload: { serverUrl: dav.url, username: dav.username, password: dav.password, mode: 'push' } });
      assert.equal(caldav.statusCode, 201, caldav.body);
      const make = async (key: string, start: string, end: string, timezone: string) => {
        ids[key] = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: key, start, end, timezone } })).json().id;
      };
      await make('jazz', '2026-12-03T19:30', '2026-12-03T22:00', 'Europe/Berlin'); // 18:30-21:00Z
      await make('brunch', '2026-12-04T10:00', '2026-12-04T11:00', 'UTC');
      await make('tokyo', '2026-12-05T09:00', '2026-12-05T10:00', 'Asia/Tokyo'); // 00:00-01:00Z
      // The person's own Google calendar: a meeting overlapping the jazz night, one ending as brunch starts.
      const primary = (id: string, start: string, end: string) =>
        google.events.set(`primary\n${id}`, { id, calendarId: 'primary', etag: '"1"', status: 'confirmed', start: { dateTime: start }, end: { dateTime: end } });
      primary('m1', '2026-12-03T20:00:00Z', '2026-12-03T21:30:00Z');
      primary('m2', '2026-12-04T09:00:00Z', '2026-12-04T10:00:00Z');
      primary('m3', '2026-12-04T23:30:00Z', '2026-12-05T00:30:00Z');
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
      assert.deepEqual(body.items.map((i: { title: string }) => i.title).sort(), ['jazz', 'tokyo']);
      const jazz = body.items.find((i: { title: string }) => i.title === 'jazz');
      assert.deepEqual(jazz.clashes, [{ connectionId: jazz.clashes[0].connectionId, kind: 'google', start: '2026-12-03T20:00:00.000Z', end: '2026-12-03T21:00:00.000Z' }]);
      assert.ok(body.checked.every((c: { status: string }) => c.status === 'ok'));
      assert.doesNotMatch(res.body, /m1|m2/, 'no details of the person’s own events');
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

    it('rejects a bad range with a 400', async () => {
      assert.equal((await conflicts('yesterday', '2026-12-08T00:00:00Z')).statusCode, 400);
      assert.equal((await conflicts('2026-12-08T00:00:00Z', '2026-12-01T00:00:00Z')).statusCode, 400);
      assert.equal((await conflicts('2026-01-01T00:00:00Z', '2026-12-01T00:00:00Z')).statusCode, 400);
    });
  });
}

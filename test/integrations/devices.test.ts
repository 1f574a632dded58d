import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectCalDav, connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { caldavServers, type CalDavServer } from '../helpers/caldav-servers.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';

// One person, several devices (issue 11, point 12): each browser starts as its own anonymous
// visitor. Connecting, from a second browser, an account the first already connected proves it
// is the same person: the second browser becomes the first's visitor, nothing is duplicated.

const PUBLIC = 'https://cal.example.test';
const radicale = caldavServers.find((k) => k.name === 'radicale')!;

async function createEvent(t: TestApp, title: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start: '2026-12-20T19:00', end: '2026-12-20T21:00', timezone: 'Europe/Berlin' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

const newBrowser = async (t: TestApp) => String((await t.app.inject({ method: 'POST', url: '/api/v1/me/feed-token/rotate' })).headers['set-cookie']).split(';')[0]!;
const me = async (t: TestApp, cookie: string) => (await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json() as { savedEventIds: string[] };
const connections = async (t: TestApp, cookie: string) => (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items as { id: string; kind: string; status: string }[];
const save = (t: TestApp, cookie: string, id: string) => t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${id}`, headers: { cookie } });

async function settle(t: TestApp): Promise<void> {
  for (let i = 0; i < 20 && ((await t.services.outbox.countsByState()).ready ?? 0) > 0; i++) {
    await t.services.worker.drain();
    t.clock.now += 60_000;
  }
}

for (const engine of testEngines) {
  describe(`one person on several devices, Google, on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let t: TestApp;
    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google }) });
    });
    after(async () => {
      await t?.close();
      await google?.close();
    });

    it('the phone connecting the laptop’s Google account becomes the laptop’s person: saved events together, one connection, no second copy', async () => {
      const laptop = await connectThroughEmulator(t, 'google');
      const jazz = await createEvent(t, 'Jazz on the laptop');
      await save(t, laptop.cookie, jazz);
      const phoneCookie = await newBrowser(t);
      const market = await createEvent(t, 'Market on the phone');
      await save(t, phoneCookie, market);
      await settle(t);

      const phone = await connectThroughEmulator(t, 'google', 'mode=push', phoneCookie);
      assert.equal(phone.connectionId, laptop.connectionId, 'the same connection, refreshed');
      // The callback set the laptop's visitor on the phone: read with the cookie it was given.
      const adopted = String(phone.adoptedCookie ?? phoneCookie);
      assert.deepEqual((await me(t, adopted)).savedEventIds.sort(), [jazz, market].sort(), 'both devices’ saved events, together');
      assert.deepEqual((await me(t, laptop.cookie)).savedEventIds.sort(), [jazz, market].sort(), 'the laptop sees the phone’s save too');
      assert.equal((await connections(t, adopted)).length, 1);
      await settle(t);
      const copies = [...google.events.values()].filter((e) => e.status !== 'cancelled').map((e) => String(e.summary)).sort();
      assert.deepEqual(copies, ['Jazz on the laptop', 'Market on the phone'], 'each event once in the calendar');
      assert.equal((await t.database.db.selectFrom('visitors').select('id').where('id', '=', String(phoneCookie).split('=')[1]!.split('.')[0]!).execute()).length, 0, 'the phone’s old visitor is gone');
    });
  });

  describe(`one person on several devices, CalDAV (${radicale.name}), on ${engine.name}`, { skip: engine.skip || radicale.skip }, () => {
    let server: CalDavServer;
    let t: TestApp;
    before(async () => {
      server = await radicale.start();
      t = await startTestApp(engine, { ALLOW_PRIVATE_NETWORK: 'true' });
    });
    after(async () => {
      await t?.close();
      await server?.stop();
    });

    it('the same server and username from a second browser joins the first, and a reconnect on the same browser keeps one connection', async () => {
      const laptop = await connectCalDav(t, server.url, server);
      const first = await createEvent(t, 'Choir');
      await save(t, laptop.cookie, first);
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/me/connections/caldav', headers: { cookie: laptop.cookie }, payload: { serverUrl: server.url, username: server.username, password: server.password } });
      assert.equal(again.statusCode, 201, again.body);
      assert.equal((await connections(t, laptop.cookie)).length, 1, 'connecting again on the same browser is a reconnect');

      const phoneCookie = await newBrowser(t);
      const second = await createEvent(t, 'Open studio');
      await save(t, phoneCookie, second);
      const joined = await t.app.inject({ method: 'POST', url: '/api/v1/me/connections/caldav', headers: { cookie: phoneCookie }, payload: { serverUrl: server.url, username: server.username, password: server.password } });
      assert.equal(joined.statusCode, 201, joined.body);
      assert.equal(joined.json().joinedOtherDevice, true);
      const adopted = String(joined.headers['set-cookie']).split(';')[0]!;
      assert.notEqual(adopted, phoneCookie, 'the phone now carries the laptop’s session');
      assert.deepEqual((await me(t, adopted)).savedEventIds.sort(), [first, second].sort());
      assert.deepEqual((await me(t, laptop.cookie)).savedEventIds.sort(), [first, second].sort());
      assert.equal((await connections(t, laptop.cookie)).length, 1);
    });

    it('refuses to join with a wrong password: nothing merged, nothing stored', async () => {
      const phoneCookie = await newBrowser(t);
      const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/me/connections/caldav', headers: { cookie: phoneCookie }, payload: { serverUrl: server.url, username: server.username, password: 'not-the-password' } });
      assert.equal(wrong.statusCode, 422);
      assert.equal((await connections(t, phoneCookie)).length, 0);
      assert.equal(wrong.headers['set-cookie'], undefined, 'the session is not switched');
    });
  });
}

import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../helpers/databases.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../../emulators/microsoft.ts';
import { MFA_REQUIRED } from '../../emulators/oauth-server.ts';

// Issue 10: a token answer that needs the person again means "reconnect" (and parks the work);
// Google's legacy ID-token issuer; Google's scopes as granted, not as asked; one account, one
// connection; the app's calendar made once.

const PUBLIC = 'https://cal.example.test';
const AUTH = 'https://www.googleapis.com/auth';
const NINA_G = 'nina@gmail.test';

interface ConnectionJson {
  id: string;
  status: string;
  statusReason: string | null;
  reconnectUrl: string;
  pickCalendarUrl: string | null;
  targetCalendar: { id: string; name: string } | null;
}

/** Follows a connect (or reconnect) through the emulator's auto-consent; answers our callback's reply. */
async function consent(t: TestApp, start: string, cookie: string) {
  const begin = await t.app.inject({ url: start, headers: { cookie } });
  assert.equal(begin.statusCode, 302, begin.body);
  const authorize = new URL(String(begin.headers.location));
  const answer = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(answer.headers.get('location')!);
  const done = await t.app.inject({ url: back.pathname + back.search, headers: { cookie } });
  return { authorize, done };
}

async function connections(t: TestApp, cookie: string): Promise<ConnectionJson[]> {
  return (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items;
}

async function newVisitor(t: TestApp): Promise<string> {
  return String((await t.app.inject('/api/v1/me')).headers['set-cookie']).split(';')[0]!;
}

async function saveEvent(t: TestApp, cookie: string, title: string): Promise<string> {
  const created = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start: '2026-12-12T19:00', end: '2026-12-12T21:00', timezone: 'Europe/Paris' } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${id}`, headers: { cookie } })).statusCode < 300, true);
  return id;
}

/** Runs the worker, moving the clock past every backoff, until nothing is due. */
async function settle(t: TestApp): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await t.services.worker.drain();
    const counts = await t.services.outbox.countsByState();
    if (!counts.ready && !counts.leased) return;
    t.clock.now += 120_000;
  }
  throw new Error('the outbox did not settle');
}

const appCalendars = (google: GoogleEmulator) => [...google.calendars.values()].filter((c) => c.summary === 'Calendar Club');

for (const engine of testEngines) {
  describe(`reconnecting and Google's scopes on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let microsoft: MicrosoftEmulator;
    let t: TestApp;

    // A fresh Google per test: what an account granted before carries into the next consent.
    beforeEach(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google, microsoft }) });
    });
    afterEach(async () => {
      await t?.close();
      await google?.close();
      await microsoft?.close();
    });

    it('parks the work when a Microsoft refresh answers interaction_required, and runs it after a reconnect', async () => {
      const { cookie, connectionId } = await connectThroughEmulator(t, 'microsoft');
      await t.database.db.updateTable('connections').set({ access_expires_at: 0 }).where('id', '=', connectionId).execute();
      microsoft.oauth.failRefreshes('nina@outlook.test', MFA_REQUIRED());
      await saveEvent(t, cookie, 'Needs MFA first');
      await settle(t);

      const broken = (await connections(t, cookie)).find((c) => c.id === connectionId)!;
      assert.equal(broken.status, 'reconnect_required');
      assert.match(broken.statusReason!, /sign in again \(interaction_required\)/);
      assert.equal(broken.reconnectUrl, `/connect/microsoft?reconnect=${connectionId}`);
      const counts = await t.services.outbox.countsByState();
      assert.ok((counts.parked ?? 0) >= 1, `parked: ${JSON.stringify(counts)}`);
      assert.equal(counts.dead ?? 0, 0, 'nothing dead-lettered');
      assert.equal(microsoft.events.size, 0);

      const { done } = await consent(t, broken.reconnectUrl, cookie);
      assert.equal(done.statusCode, 302, done.body);
      await settle(t);
      assert.equal((await connections(t, cookie)).find((c) => c.id === connectionId)!.status, 'active');
      assert.deepEqual([...microsoft.events.values()].map((e) => e.subject), ['Needs MFA first']);
    });

    it('accepts Google ID tokens issued by accounts.google.com as well, and refuses any other issuer', async () => {
      google.oauth.settings.idTokenIssuer = 'accounts.google.com';
      const legacy = await consent(t, '/connect/google?mode=busy', await newVisitor(t));
      assert.equal(legacy.done.statusCode, 302, legacy.done.body);
      google.oauth.settings.idTokenIssuer = 'https://accounts.google.com';
      const modern = await consent(t, '/connect/google?mode=busy', await newVisitor(t));
      assert.equal(modern.done.statusCode, 302, modern.done.body);
      for (const issuer of ['https://accounts.google.evil', 'google.com', 'http://accounts.google.com']) {
        google.oauth.settings.idTokenIssuer = issuer;
        const cookie = await newVisitor(t);
        const forged = await consent(t, '/connect/google?mode=busy', cookie);
        assert.equal(forged.done.statusCode, 400, issuer);
        assert.deepEqual(await connections(t, cookie), []);
      }
    });

    it('asks Google for the narrow scopes and makes exactly one Calendar Club calendar across reconnects', async () => {
      const cookie = await newVisitor(t);
      const first = await consent(t, '/connect/google', cookie);
      assert.equal(first.done.statusCode, 302, first.done.body);
      assert.deepEqual(first.authorize.searchParams.get('scope')!.split(' '), ['openid', 'email', `${AUTH}/calendar.freebusy`, `${AUTH}/calendar.calendarlist.readonly`, `${AUTH}/calendar.app.created`]);
      const busy = await consent(t, '/connect/google?mode=busy', await newVisitor(t));
      assert.deepEqual(busy.authorize.searchParams.get('scope')!.split(' '), ['openid', 'email', `${AUTH}/calendar.freebusy`, `${AUTH}/calendar.calendarlist.readonly`]);
      const [c] = await connections(t, cookie);
      assert.equal(c!.targetCalendar?.name, 'Calendar Club');
      await consent(t, c!.reconnectUrl, cookie);
      await consent(t, '/connect/google', cookie);
      assert.equal(appCalendars(google).length, 1);
      assert.equal((await connections(t, cookie)).length, 1);
    });

    it('records a failed calendar listing instead of making a second calendar', async () => {
      const cookie = await newVisitor(t);
      google.faults.queue.push('400');
      const { done } = await consent(t, '/connect/google', cookie);
      assert.equal(done.statusCode, 302, done.body);
      const [c] = await connections(t, cookie);
      assert.equal(c!.status, 'error');
      assert.match(c!.statusReason!, /list calendars/);
      assert.equal(appCalendars(google).length, 0, 'no calendar made on a guess');
    });

    it('stores nothing when the person unticks a scope, and keeps the previous grant on a reconnect', async () => {
      const cookie = await newVisitor(t);
      google.oauth.settings.untick = [`${AUTH}/calendar.app.created`];
      const { done } = await consent(t, '/connect/google', cookie);
      assert.equal(done.statusCode, 400);
      assert.match(done.body, /Calendar Club needs permission to add events to a calendar it creates\. Connect again and leave that box ticked\./);
      assert.deepEqual(await connections(t, cookie), []);
      assert.equal(google.calendars.size, 0);

      // A reconnect keeps what was granted before (include_granted_scopes), so what can go
      // missing there is the new scope: calendar.events, asked for to pick an own calendar.
      const ok = await consent(t, '/connect/google', cookie);
      assert.equal(ok.done.statusCode, 302);
      const [before] = await connections(t, cookie);
      const secrets = await t.services.connectionRepository.secrets(before!.id);
      google.oauth.settings.untick = [`${AUTH}/calendar.events`];
      const refused = await consent(t, before!.pickCalendarUrl!, cookie);
      assert.equal(refused.done.statusCode, 400);
      assert.match(refused.done.body, /permission to add events to your own calendars\. Connect again and leave that box ticked/);
      assert.deepEqual(await t.services.connectionRepository.secrets(before!.id), secrets, 'the previous grant is kept');
      assert.deepEqual(await connections(t, cookie), [before], 'the connection is unchanged');
    });

    it("asks for calendar.events incrementally before saved events may go to one of the person's own calendars", async () => {
      const cookie = await newVisitor(t);
      await consent(t, '/connect/google', cookie);
      const own = google.addCalendar(NINA_G, 'Nina', true);
      const [c] = await connections(t, cookie);
      const listed = (await t.app.inject({ url: `/api/v1/me/connections/${c!.id}/calendars`, headers: { cookie } })).json().items as { id: string; writable: boolean }[];
      assert.deepEqual(listed.map((x) => [x.id === own.id ? 'own' : 'app', x.writable]).sort(), [['app', true], ['own', false]]);
      const refused = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/connections/${c!.id}`, headers: { cookie }, payload: { targetCalendarId: own.id } });
      assert.equal(refused.statusCode, 422);

      assert.equal(c!.pickCalendarUrl, `/connect/google?reconnect=${c!.id}&purpose=pick_calendar`);
      const { authorize, done } = await consent(t, c!.pickCalendarUrl!, cookie);
      assert.equal(done.statusCode, 302, done.body);
      assert.ok(authorize.searchParams.get('scope')!.split(' ').includes(`${AUTH}/calendar.events`));
      assert.equal(authorize.searchParams.get('include_granted_scopes'), 'true');
      const after = (await connections(t, cookie))[0]!;
      assert.equal(after.pickCalendarUrl, null);
      const picked = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/connections/${c!.id}`, headers: { cookie }, payload: { targetCalendarId: own.id } });
      assert.equal(picked.statusCode, 200, picked.body);
      assert.equal(picked.json().targetCalendar.id, own.id);
    });

    it('makes connecting the same account twice a reconnect: one connection, each saved event pushed once', async () => {
      const cookie = await newVisitor(t);
      await consent(t, '/connect/google', cookie);
      await saveEvent(t, cookie, 'Saved before the second connect');
      await settle(t);
      const { done } = await consent(t, '/connect/google', cookie);
      assert.equal(done.statusCode, 302, done.body);
      await settle(t);
      assert.equal((await connections(t, cookie)).length, 1);
      assert.equal(appCalendars(google).length, 1);
      assert.deepEqual([...google.events.values()].map((e) => e.summary), ['Saved before the second connect']);
      assert.ok([...google.inserts.values()].every((n) => n === 1), 'no event inserted twice');
    });
  });
}

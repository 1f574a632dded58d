import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';
import { graphAcceptsTimeZone } from '../emulators/graph-time-zones.ts';
import { graphInstant } from '../emulators/microsoft-events.ts';

// Issue 10, item 7: events in zones Graph does not document by IANA name (Europe/Madrid,
// America/Toronto) reach Outlook, at the instant we store, on create and on update; and the
// emulator refuses those names sent raw, as Graph does, so the old mapper would fail here.

const PUBLIC = 'https://cal.example.test';

interface ApiEvent {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
}

for (const engine of testEngines) {
  describe(`push to Microsoft in zones Graph names differently, on ${engine.name}`, { skip: engine.skip }, () => {
    let microsoft: MicrosoftEmulator;
    let t: TestApp;
    let cookie = '';

    before(async () => {
      microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ microsoft }) });
      ({ cookie } = await connectThroughEmulator(t, 'microsoft'));
    });
    after(async () => {
      await t?.close();
      await microsoft?.close();
    });

    const create = async (title: string, start: string, end: string, timezone: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start, end, timezone } });
      assert.equal(res.statusCode, 201, res.body);
      const event = res.json() as ApiEvent;
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${event.id}`, headers: { cookie } });
      return event;
    };
    const copyOf = (title: string) => {
      const calendarId = [...microsoft.calendars.values()].find((c) => c.name === 'Calendar Club')!.id;
      return [...microsoft.events.values()].find((e) => e.calendarId === calendarId && e.subject === title);
    };
    const assertSameInstants = (event: ApiEvent) => {
      const copy = copyOf(event.title);
      assert.ok(copy, `${event.title} reached Graph`);
      assert.ok(graphAcceptsTimeZone(copy.start.timeZone), copy.start.timeZone);
      assert.equal(graphInstant(copy.start), Date.parse(event.startsAt), `${event.title}: start`);
      assert.equal(graphInstant(copy.end), Date.parse(event.endsAt), `${event.title}: end`);
      return copy;
    };

    it('creates Madrid and Toronto events in their Windows zones at our instants, and updates them', async () => {
      const madrid = await create('Flamenco', '2026-12-10T21:00', '2026-12-10T23:00', 'Europe/Madrid');
      const toronto = await create('Hockey', '2026-07-04T19:30', '2026-07-04T22:00', 'America/Toronto');
      await t.services.worker.drain();
      assert.deepEqual(assertSameInstants(madrid).start, { dateTime: '2026-12-10T21:00:00', timeZone: 'Romance Standard Time' });
      assert.deepEqual(assertSameInstants(toronto).start, { dateTime: '2026-07-04T19:30:00', timeZone: 'Eastern Standard Time' });

      t.clock.now += 1000;
      const moved = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${madrid.id}`, headers: t.auth, payload: { start: '2026-12-11T20:00', end: '2026-12-11T22:00' } });
      assert.equal(moved.statusCode, 200, moved.body);
      const before = copyOf('Flamenco')!.id;
      await t.services.worker.drain();
      assert.equal(assertSameInstants(moved.json() as ApiEvent).id, before, 'updated in place');

      const status = (await t.app.inject({ url: '/api/v1/me/sync', headers: { cookie } })).json() as { items: { eventId: string; state: string }[] };
      for (const e of [madrid, toronto]) assert.equal(status.items.find((s) => s.eventId === e.id)?.state, 'synced', e.title);
    });

    it('sends an hour the DST fall-back repeats in UTC, at our instant', async () => {
      // 01:30 on 2026-11-01 happens twice in Toronto; we store the first (EDT).
      const late = await create('Night market', '2026-11-01T01:30', '2026-11-01T03:00', 'America/Toronto');
      await t.services.worker.drain();
      assert.equal(assertSameInstants(late).start.timeZone, 'UTC');
    });
  });
}

/** An access token from the emulator's auto-consent authorization code flow (PKCE). */
async function graphToken(microsoft: MicrosoftEmulator): Promise<string> {
  const client = emulatorClient('microsoft', PUBLIC);
  const redirect = client.redirectUris[0]!;
  const verifier = 'v'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({ client_id: client.clientId, redirect_uri: redirect, response_type: 'code', scope: 'offline_access User.Read Calendars.ReadWrite', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
  const auth = await fetch(`${microsoft.url}/common/oauth2/v2.0/authorize?${query}`, { redirect: 'manual' });
  const code = new URL(auth.headers.get('location')!).searchParams.get('code')!;
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: client.clientId, client_secret: client.clientSecret, code_verifier: verifier });
  const res = await fetch(`${microsoft.url}/common/oauth2/v2.0/token`, { method: 'POST', body: form });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('the Graph emulator refuses zones Graph does not document', () => {
  let microsoft: MicrosoftEmulator;
  let graph: (method: string, path: string, body: unknown) => Promise<{ status: number; body: { id?: string; error?: { code: string; message: string } } }>;
  before(async () => {
    microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
    const token = await graphToken(microsoft);
    graph = async (method, path, body) => {
      const res = await fetch(`${microsoft.url}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { id?: string } };
    };
  });
  after(() => microsoft.close());

  const at = (dateTime: string, timeZone: string) => ({ dateTime, timeZone });

  it('answers 400 TimeZoneNotSupportedException for Europe/Madrid on create and update', async () => {
    const calendar = `default-nina@outlook.test`;
    const raw = await graph('POST', `/me/calendars/${calendar}/events`, { subject: 'Raw', start: at('2026-12-10T21:00:00', 'Europe/Madrid'), end: at('2026-12-10T23:00:00', 'Europe/Madrid') });
    assert.equal(raw.status, 400);
    assert.equal(raw.body.error?.code, 'TimeZoneNotSupportedException');
    assert.equal(raw.body.error?.message, "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Europe/Madrid'.");

    const windows = await graph('POST', `/me/calendars/${calendar}/events`, { subject: 'Windows', start: at('2026-12-10T21:00:00', 'Romance Standard Time'), end: at('2026-12-10T23:00:00', 'Romance Standard Time') });
    assert.equal(windows.status, 201);
    assert.equal(graphInstant(microsoft.events.get(windows.body.id!)!.start), Date.parse('2026-12-10T20:00:00Z'), 'read with Europe/Paris rules');
    const listed = await graph('POST', `/me/calendars/${calendar}/events`, { subject: 'Listed', start: at('2026-12-10T21:00:00', 'Europe/Paris'), end: at('2026-12-10T23:00:00', 'Europe/Paris') });
    assert.equal(listed.status, 201, 'an IANA name on the documented list is accepted');

    const patched = await graph('PATCH', `/me/events/${windows.body.id}`, { start: at('2026-12-10T21:00:00', 'America/Toronto'), end: at('2026-12-10T23:00:00', 'America/Toronto') });
    assert.equal(patched.status, 400);
    assert.equal(patched.body.error?.code, 'TimeZoneNotSupportedException');
    assert.equal(microsoft.events.get(windows.body.id!)!.start.timeZone, 'Romance Standard Time', 'unchanged');
  });
});

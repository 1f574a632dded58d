import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../emulators/microsoft.ts';

// What Google and Microsoft can do to us, as their documentation says they do (issue 10): a token
// refused before its expiry, a grant revoked while we think the token valid, the person deleting
// our calendar, the person deleting a copy (Google keeps it as `status: cancelled`), a re-save
// after an unsave whose create fails once, and a create whose answer is lost before an unsave.

const PUBLIC = 'https://cal.example.test';
const PROVIDERS = ['google', 'microsoft'] as const;
type Kind = (typeof PROVIDERS)[number];

interface Rig {
  t: TestApp;
  google: GoogleEmulator;
  microsoft: MicrosoftEmulator;
  cookie: string;
  connectionIds: Record<Kind, string>;
}

/** The person's copies in one provider that they would see: live, in a calendar that exists. */
function visibleCopies(r: Rig, kind: Kind): { title: string; calendarId: string }[] {
  if (kind === 'google') {
    return [...r.google.events.values()].filter((e) => e.status !== 'cancelled' && r.google.calendars.has(e.calendarId)).map((e) => ({ title: String(e.summary), calendarId: e.calendarId }));
  }
  return [...r.microsoft.events.values()].map((e) => ({ title: String(e.subject), calendarId: e.calendarId }));
}

const appCalendars = (r: Rig, kind: Kind) =>
  kind === 'google' ? [...r.google.calendars.values()].filter((c) => c.summary === 'Calendar Club').map((c) => c.id) : [...r.microsoft.calendars.values()].filter((c) => c.name === 'Calendar Club').map((c) => c.id);

async function createEvent(r: Rig, title: string): Promise<string> {
  const res = await r.t.app.inject({ method: 'POST', url: '/api/v1/events', headers: r.t.auth, payload: { title, start: '2026-12-14T19:00', end: '2026-12-14T21:00', timezone: 'Europe/Berlin' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

const save = (r: Rig, id: string) => r.t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${id}`, headers: { cookie: r.cookie } });
const unsave = (r: Rig, id: string) => r.t.app.inject({ method: 'DELETE', url: `/api/v1/me/saved/${id}`, headers: { cookie: r.cookie } });
const rename = (r: Rig, id: string, title: string) => r.t.app.inject({ method: 'PATCH', url: `/api/v1/events/${id}`, headers: r.t.auth, payload: { title } });

/** Runs the worker, moving the clock past every backoff, until nothing is due. */
async function settle(r: Rig): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await r.t.services.worker.drain();
    const counts = await r.t.services.outbox.countsByState();
    if (!counts.ready && !counts.leased) return;
    r.t.clock.now += 120_000;
  }
  throw new Error(`the outbox did not settle: ${JSON.stringify(await r.t.services.outbox.countsByState())}`);
}

async function syncState(r: Rig, eventId: string, kind: Kind): Promise<string | undefined> {
  const items = (await r.t.app.inject({ url: '/api/v1/me/sync', headers: { cookie: r.cookie } })).json().items as { eventId: string; connectionId: string; state: string }[];
  return items.find((s) => s.eventId === eventId && s.connectionId === r.connectionIds[kind])?.state;
}

for (const engine of testEngines) {
  describe(`sync against the providers' documented behaviour on ${engine.name}`, { skip: engine.skip }, () => {
    let r: Rig;
    before(async () => {
      const google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      const microsoft = await startMicrosoftEmulator({ clients: [emulatorClient('microsoft', PUBLIC)] });
      for (const f of [google.faults, microsoft.faults]) f.hangMs = 1500;
      const t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google, microsoft }), PROVIDER_TIMEOUT_MS: '1000' });
      const g = await connectThroughEmulator(t, 'google');
      const m = await connectThroughEmulator(t, 'microsoft', 'mode=push', g.cookie);
      r = { t, google, microsoft, cookie: g.cookie, connectionIds: { google: g.connectionId, microsoft: m.connectionId } };
    });
    after(async () => {
      await r?.t.close();
      await r?.google.close();
      await r?.microsoft.close();
    });

    it('refreshes at once when a provider refuses a token before its expiry, and delivers', async () => {
      const id = await createEvent(r, 'Early expiry');
      const refreshes = { google: r.google.oauth.counters.refreshes, microsoft: r.microsoft.oauth.counters.refreshes };
      r.google.oauth.expireAccessTokens();
      r.microsoft.oauth.expireAccessTokens();
      await save(r, id);
      await settle(r);
      for (const kind of PROVIDERS) {
        assert.deepEqual(visibleCopies(r, kind).filter((c) => c.title === 'Early expiry').length, 1, `${kind}: delivered`);
        assert.equal(r[kind].oauth.counters.refreshes, refreshes[kind] + 1, `${kind}: exactly one refresh`);
      }
      assert.equal((await r.t.services.outbox.countsByState()).dead ?? 0, 0);
    });

    it('a copy the person deleted stays deleted through later edits, until they save the event again', async () => {
      const id = await createEvent(r, 'Deleted by me');
      await save(r, id);
      await settle(r);
      // The person deletes both copies in their calendars: Google keeps it as cancelled
      // (https://developers.google.com/workspace/calendar/api/v3/reference/events/delete);
      // Outlook removes it.
      const googleCopy = [...r.google.events.values()].find((e) => e.summary === 'Deleted by me')!;
      googleCopy.status = 'cancelled';
      googleCopy.etag = '"deleted-in-google-calendar"';
      const graphCopy = [...r.microsoft.events.values()].find((e) => e.subject === 'Deleted by me')!;
      r.microsoft.events.delete(graphCopy.id);
      r.t.clock.now += 1000;
      await rename(r, id, 'Deleted by me (new room)');
      await settle(r);
      for (const kind of PROVIDERS) {
        assert.equal(visibleCopies(r, kind).filter((c) => c.title.startsWith('Deleted by me')).length, 0, `${kind}: the edit did not bring it back`);
        assert.equal(await syncState(r, id, kind), 'deleted_by_person');
      }
      assert.equal(googleCopy.status, 'cancelled');
      // Saving again is asking for it again (the event is still saved: 200).
      assert.equal((await save(r, id)).statusCode, 200);
      await settle(r);
      for (const kind of PROVIDERS) {
        assert.deepEqual(visibleCopies(r, kind).filter((c) => c.title.startsWith('Deleted by me')).map((c) => c.title), ['Deleted by me (new room)'], `${kind}: back, once, in its latest version`);
        assert.equal(await syncState(r, id, kind), 'synced');
      }
    });

    it('saving again brings back a copy the person deleted before we noticed', async () => {
      const id = await createEvent(r, 'Deleted unnoticed');
      await save(r, id);
      await settle(r);
      const googleCopy = [...r.google.events.values()].find((e) => e.summary === 'Deleted unnoticed')!;
      googleCopy.status = 'cancelled';
      googleCopy.etag = '"deleted-unnoticed"';
      r.microsoft.events.delete([...r.microsoft.events.values()].find((e) => e.subject === 'Deleted unnoticed')!.id);
      assert.equal((await save(r, id)).statusCode, 200, 'still saved: asking for it again');
      await settle(r);
      for (const kind of PROVIDERS) {
        assert.equal(visibleCopies(r, kind).filter((c) => c.title === 'Deleted unnoticed').length, 1, `${kind}: back`);
        assert.equal(await syncState(r, id, kind), 'synced');
      }
      // Saving again when nothing was deleted changes nothing there: still one copy each.
      assert.equal((await save(r, id)).statusCode, 200);
      await settle(r);
      for (const kind of PROVIDERS) assert.equal(visibleCopies(r, kind).filter((c) => c.title === 'Deleted unnoticed').length, 1, `${kind}: still once`);
    });

    it('makes a deleted calendar again and pushes everything saved into it, once', async () => {
      const kept = await createEvent(r, 'Already there');
      await save(r, kept);
      await settle(r);
      const before = { google: appCalendars(r, 'google'), microsoft: appCalendars(r, 'microsoft') };
      for (const kind of PROVIDERS) for (const id of before[kind]) r[kind].deleteCalendar(id);
      const added = await createEvent(r, 'Saved after the delete');
      await save(r, added);
      await settle(r);
      for (const kind of PROVIDERS) {
        const calendars = appCalendars(r, kind);
        assert.equal(calendars.length, 1, `${kind}: one new Calendar Club calendar`);
        assert.ok(!before[kind].includes(calendars[0]!), `${kind}: a new one`);
        const titles = visibleCopies(r, kind).filter((c) => c.calendarId === calendars[0]).map((c) => c.title).sort();
        assert.ok(titles.includes('Already there') && titles.includes('Saved after the delete'), `${kind}: both saved events are in it (${titles})`);
        assert.equal(new Set(titles).size, titles.length, `${kind}: none twice`);
        assert.equal(await syncState(r, added, kind), 'synced');
      }
      const connections = (await r.t.app.inject({ url: '/api/v1/me/connections', headers: { cookie: r.cookie } })).json().items as { kind: string; targetCalendar: { id: string } | null }[];
      for (const kind of PROVIDERS) assert.equal(connections.find((c) => c.kind === kind)!.targetCalendar?.id, appCalendars(r, kind)[0]);
    });

    it('a re-save after an unsave whose create fails once is delivered (never mistaken for a person deleting it)', async () => {
      const id = await createEvent(r, 'Second thoughts');
      await save(r, id);
      await settle(r);
      await unsave(r, id);
      await settle(r);
      for (const kind of PROVIDERS) assert.equal(visibleCopies(r, kind).filter((c) => c.title === 'Second thoughts').length, 0);
      r.google.faults.queue.push('503');
      r.microsoft.faults.queue.push('503');
      await save(r, id);
      await settle(r);
      for (const kind of PROVIDERS) {
        assert.equal(visibleCopies(r, kind).filter((c) => c.title === 'Second thoughts').length, 1, `${kind}: delivered again`);
        assert.equal(await syncState(r, id, kind), 'synced');
      }
    });

    it('a create whose answer was lost, then an unsave, leaves no copy behind', async () => {
      const id = await createEvent(r, 'Lost answer');
      r.google.faults.queue.push('timeout-after-write');
      r.microsoft.faults.queue.push('timeout-after-write');
      await save(r, id);
      await r.t.services.worker.drain(); // the creates land; their answers never come
      for (const kind of PROVIDERS) assert.equal(visibleCopies(r, kind).filter((c) => c.title === 'Lost answer').length, 1, `${kind}: the create landed`);
      await unsave(r, id);
      await settle(r);
      for (const kind of PROVIDERS) {
        assert.equal(visibleCopies(r, kind).filter((c) => c.title === 'Lost answer').length, 0, `${kind}: the orphan was found by its key and deleted`);
        assert.equal(await syncState(r, id, kind), 'removed');
      }
    });

    it('notices a revoked grant on the first refused token, and parks the work instead of failing it', async () => {
      const id = await createEvent(r, 'After revoking');
      r.google.oauth.revokeAllFor('nina@gmail.test'); // the person removed our access in their Google account
      await save(r, id);
      await r.t.services.worker.drain();
      const google = (await r.t.app.inject({ url: '/api/v1/me/connections', headers: { cookie: r.cookie } })).json().items.find((c: { kind: string }) => c.kind === 'google');
      assert.equal(google.status, 'reconnect_required');
      const jobs = await r.t.services.outbox.jobs(`conn:${r.connectionIds.google}:`);
      assert.ok(jobs.length > 0 && jobs.every((j) => j.state === 'parked'), 'kept for the reconnect, none dead');
      await connectThroughEmulator(r.t, 'google', `reconnect=${r.connectionIds.google}`, r.cookie);
      await settle(r);
      assert.equal(visibleCopies(r, 'google').filter((c) => c.title === 'After revoking').length, 1);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { connectThroughEmulator, emulatorClient, emulatorSettings } from '../helpers/connect.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google.ts';

// Saved events reach a connected Google calendar through the outbox and the worker, stay
// updated, disappear when cancelled or unsaved, survive rate limits, and never duplicate.

const PUBLIC = 'https://cal.example.test';

for (const engine of testEngines) {
  describe(`push sync to Google on ${engine.name}`, { skip: engine.skip }, () => {
    let google: GoogleEmulator;
    let t: TestApp;
    let cookie = '';
    let calendarId = '';

    before(async () => {
      google = await startGoogleEmulator({ clients: [emulatorClient('google', PUBLIC)] });
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC, ...emulatorSettings({ google }) });
      ({ cookie } = await connectThroughEmulator(t, 'google'));
      calendarId = [...google.calendars.values()].find((c) => c.summary === 'Calendar Club')!.id;
    });
    after(async () => {
      await t?.close();
      await google?.close();
    });

    const create = async (title: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: t.auth,
          payload: { title, start: '2026-12-10T19:00', end: '2026-12-10T21:00', timezone: 'Europe/Berlin' },
        })
      ).json() as { id: string; uid: string };
    const copies = () => [...google.events.values()].filter((e) => e.calendarId === calendarId);
    const copyOf = (title: string) => copies().find((e) => String(e.summary).startsWith(title));

    it('pushes a saved event, an edit and a cancellation, once each', async () => {
      const e = await create('Jazz night');
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      const copy = copyOf('Jazz night')!;
      assert.equal(copy.status, 'confirmed');
      assert.deepEqual(copy.start, { dateTime: '2026-12-10T19:00:00', timeZone: 'Europe/Berlin' });
      t.clock.now += 1000;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { title: 'Jazz night (moved)', start: '2026-12-10T20:00' } });
      await t.services.worker.drain();
      assert.equal(copyOf('Jazz night')!.summary, 'Jazz night (moved)');
      assert.equal(copyOf('Jazz night')!.id, copy.id, 'updated in place, not re-created');
      t.clock.now += 1000;
      await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth });
      await t.services.worker.drain();
      assert.equal(copyOf('Jazz night')!.status, 'cancelled', 'removed from the calendar');
      assert.equal(google.inserts.get(copy.id), 1, 'never a second insert');
      const status = (await t.app.inject({ url: '/api/v1/me/sync', headers: { cookie } })).json();
      assert.deepEqual(status.items.find((s: { eventId: string }) => s.eventId === e.id)?.state, 'removed');
    });

    it('removes the copy when the person unsaves the event', async () => {
      const e = await create('Pottery');
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      assert.equal(copyOf('Pottery')!.status, 'confirmed');
      await t.app.inject({ method: 'DELETE', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      assert.equal(copyOf('Pottery')!.status, 'cancelled');
    });

    it('waits out a rate limit and a server error, then delivers exactly one copy', async () => {
      const e = await create('Market');
      google.faults.queue.push('429', '503');
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      assert.equal(copyOf('Market'), undefined, 'not yet: the provider said to wait');
      const pending = (await t.app.inject({ url: '/api/v1/me/sync', headers: { cookie } })).json().items.find((s: { eventId: string }) => s.eventId === e.id);
      assert.equal(pending.state, 'pending');
      assert.match(pending.lastError, /429/);
      for (let i = 0; i < 5 && !copyOf('Market'); i++) {
        t.clock.now += 60_000;
        await t.services.worker.drain();
      }
      assert.equal(copyOf('Market')!.status, 'confirmed');
      assert.equal(google.inserts.get(copyOf('Market')!.id), 1);
      const counts = (await t.app.inject({ url: `/api/v1/events/${e.id}/sync`, headers: t.auth })).json();
      assert.deepEqual(counts, { synced: 1, pending: 0, failed: 0, failures: [] });
      const metrics = (await t.app.inject({ url: '/metrics', headers: t.auth })).body;
      assert.match(metrics, /push_jobs_total\{kind="push-event",outcome="retry"\} [1-9]/);
      assert.match(metrics, /push_jobs_total\{kind="push-event",outcome="created"\} [1-9]/);
      assert.match(metrics, /push_latency_seconds_count [1-9]/);
      assert.match(metrics, /push_queue_jobs/);
    });

    it('parks work when the grant is revoked and resumes it after reconnecting', async () => {
      const e = await create('Poetry');
      google.oauth.revokeAllFor('nina@gmail.test');
      const [connection] = (await t.app.inject({ url: '/api/v1/me/connections', headers: { cookie } })).json().items;
      await t.database.db.updateTable('connections').set({ access_expires_at: 0 }).where('id', '=', connection.id).execute();
      await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${e.id}`, headers: { cookie } });
      await t.services.worker.drain();
      assert.equal(copyOf('Poetry'), undefined);
      const parked = await t.services.outbox.jobs(`conn:${connection.id}:`);
      assert.ok(parked.some((j) => j.state === 'parked'), 'kept, not lost');
      await connectThroughEmulator(t, 'google', `reconnect=${connection.id}`, cookie);
      await t.services.worker.drain();
      assert.equal(copyOf('Poetry')!.status, 'confirmed', 'delivered after reconnecting');
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// Issue 11 point 1: a cancel carries an optional note to attendees, and can be undone
// (restore = confirmed again, SEQUENCE+1, the note gone).

for (const engine of testEngines) {
  describe(`cancel with a note, and restore, on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t.close());

    const create = async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'Picnic', start: '2027-06-05T12:00', end: '2027-06-05T14:00', timezone: 'Europe/Berlin' } });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; sequence: number };
    };

    it('stores the note, shows it in the event JSON and clears it on restore', async () => {
      const e = await create();
      const cancelled = await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth, payload: { note: 'Rain: moved to next month.' } });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal(cancelled.json().status, 'cancelled');
      assert.equal(cancelled.json().cancelNote, 'Rain: moved to next month.');
      assert.equal(cancelled.json().sequence, e.sequence + 1);
      assert.equal((await t.app.inject({ url: `/api/v1/events/${e.id}` })).json().cancelNote, 'Rain: moved to next month.');

      const restored = await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/restore`, headers: t.auth });
      assert.equal(restored.statusCode, 200, restored.body);
      assert.equal(restored.json().status, 'confirmed');
      assert.equal(restored.json().sequence, e.sequence + 2);
      assert.equal(restored.json().cancelNote, null);
      assert.equal(restored.json().cancelledAt, null);
      const ics = await t.app.inject({ url: `/events/${restored.json().slug}.ics` });
      assert.match(ics.body, /STATUS:CONFIRMED/);
      assert.match(ics.body, /SEQUENCE:2/);
    });

    it('still cancels without a body, refuses to restore a live event and needs the organizer', async () => {
      const e = await create();
      assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/restore`, headers: t.auth })).statusCode, 409);
      const plain = await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth });
      assert.equal(plain.statusCode, 200, plain.body);
      assert.equal(plain.json().cancelNote, null);
      assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/restore` })).statusCode, 401);
      const long = await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth, payload: { note: 'x'.repeat(1001) } });
      assert.equal(long.statusCode, 400);
    });
  });
}

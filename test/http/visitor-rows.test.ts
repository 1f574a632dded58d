import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// Issue 12, finding 3: every cookie-less GET /api/v1/me used to insert a visitor that was never
// deleted (3,000 rows from 3,000 requests). A visitor is stored on its first write only.

const count = async (t: TestApp, table: 'visitors' | 'feed_versions') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

for (const engine of testEngines) {
  describe(`visitor rows on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let eventId: string;
    before(async () => {
      t = await startTestApp(engine);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: t.auth,
        payload: { title: 'Worth saving', start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' },
      });
      eventId = created.json().id;
    });
    after(() => t.close());

    it('answers reads without a session with nothing, and stores nothing', async () => {
      const feeds = await count(t, 'feed_versions');
      for (let i = 0; i < 200; i++) {
        const res = await t.app.inject('/api/v1/me');
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json(), { savedEventIds: [], personalFeed: { active: false, createdAt: null }, feedHealth: [], email: null });
      }
      const from = new Date(t.clock.now).toISOString();
      const to = new Date(t.clock.now + 7 * 86_400_000).toISOString();
      for (const url of ['/api/v1/me/saved', '/api/v1/me/connections', '/api/v1/me/sync', `/api/v1/me/conflicts?from=${from}&to=${to}`]) {
        const res = await t.app.inject(url);
        assert.equal(res.statusCode, 200, url);
      }
      // Undoing what was never done changes nothing either.
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/me/saved/${eventId}` })).statusCode, 204);
      assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/me/feed-token' })).statusCode, 204);
      assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/me/connections/nope' })).statusCode, 404);
      assert.equal(await count(t, 'visitors'), 0);
      assert.equal(await count(t, 'feed_versions'), feeds, 'no personal feed version row');
    });

    it('stores the visitor on its first write, once, under the id its first read was given', async () => {
      const before = await count(t, 'visitors');
      const read = await t.app.inject('/api/v1/me');
      const cookie = String(read.headers['set-cookie']).split(';')[0]!;
      assert.match(cookie, /=.+\..+/, 'a signed session naming a visitor not stored');
      assert.equal(await count(t, 'visitors'), before);
      const saved = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${eventId}`, headers: { cookie } });
      assert.equal(saved.statusCode, 201);
      assert.equal(saved.headers['set-cookie'], undefined, 'the session is kept');
      assert.equal(await count(t, 'visitors'), before + 1);
      const again = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${eventId}`, headers: { cookie } });
      assert.equal(again.statusCode, 200);
      assert.equal(await count(t, 'visitors'), before + 1);
      assert.deepEqual((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().savedEventIds, [eventId]);
    });
  });
}

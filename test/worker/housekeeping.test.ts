import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createOAuthStateRepository } from '../../src/infra/db/oauth-state-repository.ts';

// Issue 12, finding 3: visitors holding nothing and OAuth states nobody can use any more were
// kept for ever. The housekeeping removes them, and nothing anyone still has.

const DAY = 86_400_000;

/** The visitor id a signed session cookie (`name=id.signature`) names. */
const visitorIdOf = (cookie: string) => {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  return value.slice(0, value.lastIndexOf('.'));
};

for (const engine of testEngines) {
  describe(`housekeeping on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let eventId: string;
    before(async () => {
      t = await startTestApp(engine);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: t.auth,
        payload: { title: 'Keep me', start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' },
      });
      eventId = created.json().id;
    });
    after(() => t.close());

    /** One write as a browser; returns its session cookie. */
    async function write(method: 'POST' | 'DELETE', url: string, cookie?: string): Promise<string> {
      const res = await t.app.inject({ method, url, headers: cookie ? { cookie } : {} });
      assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
      return cookie ?? String(res.headers['set-cookie']).split(';')[0]!;
    }
    const visitorIds = async () => (await t.database.db.selectFrom('visitors').select('id').execute()).map((r) => r.id).sort();

    it('removes visitors idle for 30 days that hold nothing, and keeps every one that holds something', async () => {
      const idle = await write('POST', `/api/v1/me/saved/${eventId}`);
      await write('DELETE', `/api/v1/me/saved/${eventId}`, idle);
      const saver = await write('POST', `/api/v1/me/saved/${eventId}`);
      const subscriber = await write('POST', '/api/v1/me/feed-token/rotate');
      const revoked = await write('POST', '/api/v1/me/feed-token/rotate');
      await write('DELETE', '/api/v1/me/feed-token', revoked);
      const connected = await write('POST', `/api/v1/me/saved/${eventId}`);
      await write('DELETE', `/api/v1/me/saved/${eventId}`, connected);
      const now = t.clock.now;
      await t.database.db
        .insertInto('connections')
        .values({ id: 'c-kept', visitor_id: visitorIdOf(connected), kind: 'caldav', mode: 'busy', status: 'active', created_at: now, updated_at: now })
        .execute();

      t.clock.now += 29 * DAY;
      const recent = await write('POST', `/api/v1/me/saved/${eventId}`);
      await write('DELETE', `/api/v1/me/saved/${eventId}`, recent);
      assert.equal((await t.services.housekeeping.runOnce()).visitors, 0, 'nobody is idle for 30 days yet');

      t.clock.now += 2 * DAY;
      const run = await t.services.housekeeping.runOnce();
      assert.equal(run.visitors, 2);
      const kept = [saver, subscriber, connected, recent].map(visitorIdOf).sort();
      assert.deepEqual(await visitorIds(), kept);
      const orphan = await t.database.db.selectFrom('feed_versions').select('feed_key').where('feed_key', '=', `personal:${visitorIdOf(revoked)}`).execute();
      assert.deepEqual(orphan, [], 'the revoked feed’s version row went with its visitor');
      assert.equal((await t.app.inject({ url: '/api/v1/me', headers: { cookie: subscriber } })).json().personalFeed.active, true);

      // The removed visitor's browser loses nothing: its next write stores the same id again.
      await write('POST', `/api/v1/me/saved/${eventId}`, idle);
      assert.ok((await visitorIds()).includes(visitorIdOf(idle)));
      assert.deepEqual((await t.app.inject({ url: '/api/v1/me', headers: { cookie: idle } })).json().savedEventIds, [eventId]);
    });

    it('removes OAuth states past their ten minutes, and ended rate-limit windows', async () => {
      const owner = visitorIdOf(await write('POST', `/api/v1/me/saved/${eventId}`));
      const states = createOAuthStateRepository(t.database.db);
      const state = (createdAt: number) => ({ visitorId: owner, kind: 'google', mode: 'push', verifierSealed: 'x', nonce: null, reconnectId: null, createdAt });
      await states.put('expired', state(t.clock.now - 11 * 60_000));
      await states.put('fresh', state(t.clock.now - 60_000));
      const real = Date.now();
      await t.database.db
        .insertInto('rate_limits')
        .values([
          { key: 'test:ended', hits: 3, resets_at: real - 1 },
          { key: 'test:running', hits: 3, resets_at: real + 60_000 },
        ])
        .execute();

      const run = await t.services.housekeeping.runOnce();
      assert.equal(run.oauthStates, 1);
      assert.deepEqual((await t.database.db.selectFrom('oauth_states').select('state_hash').execute()).map((r) => r.state_hash), ['fresh']);
      assert.ok(run.rateLimits >= 1);
      const keys = (await t.database.db.selectFrom('rate_limits').select('key').where('key', 'like', 'test:%').execute()).map((r) => r.key);
      assert.deepEqual(keys, ['test:running']);
      assert.ok(await states.take('fresh'), 'a sign-in under way still completes');
    });
  });
}

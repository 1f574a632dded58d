import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KyselyPlugin } from 'kysely';
import { testEngines } from '../helpers/databases.ts';
import { ADMIN_TOKEN, SESSION_SECRET, startTestApp, type TestApp } from '../helpers/app.ts';
import { createServices } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';
import type { FeedChanges } from '../../src/infra/db/feed-changes.ts';

// Feed versions are held in memory and dropped by the change itself (issue 14): a conditional
// GET answered 304 reads nothing, and every kind of change moves the versions it touches.

/** Counts the statements sent to the database. */
function queryCounter() {
  const counter = { count: 0, plugin: undefined as unknown as KyselyPlugin };
  counter.plugin = {
    transformQuery: (args) => (counter.count++, args.node),
    transformResult: async (args) => args.result,
  };
  return counter;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 200) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const engine of testEngines) {
  describe(`feed versions held in memory on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

    before(async () => {
      t = await startTestApp(engine);
      for (const [key, categories] of [['jazz', ['Music']], ['market', ['Markets']]] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: auth,
          payload: { title: key, categories, start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' },
        });
        assert.equal(res.statusCode, 201, res.body);
        ids[key] = res.json().id;
      }
    });
    after(() => t.close());

    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
    /**
     * The ETag a conditional GET with `etag` gets now: the same on 304, the new one on 200.
     * It waits a moment first: a 304 from memory is all microtasks, and a polling loop of them
     * alone would never let the event loop read the NOTIFY that arrived meanwhile.
     */
    const etagAfter = async (url: string, etag: string) => {
      await new Promise((r) => setTimeout(r, 2));
      return String((await get(url, { 'if-none-match': etag })).headers.etag);
    };

    it('answers a conditional GET from memory, sending no statement to the database', async () => {
      const counter = queryCounter();
      const counted = { ...t.database, db: t.database.db.withPlugin(counter.plugin) };
      const node = await buildApp({ services: createServices(t.config, counted, () => t.clock.now), adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
      try {
        const first = await node.inject('/feeds/all.ics');
        assert.equal(first.statusCode, 200);
        await until(() => t.database.feedChanges.live, 'the change listener');
        const warm = await node.inject({ url: '/feeds/all.ics', headers: { 'if-none-match': String(first.headers.etag) } });
        assert.equal(warm.statusCode, 304);
        const before = counter.count;
        assert.ok(before > 0, 'the counter sees the statements of this app');
        for (let i = 0; i < 20; i++) {
          const res = await node.inject({ url: '/feeds/all.ics', headers: { 'if-none-match': String(first.headers.etag), 'accept-encoding': 'gzip' } });
          assert.equal(res.statusCode, 304);
        }
        assert.equal(counter.count, before, 'no statement for 20 conditional GETs');
      } finally {
        await node.close();
      }
    });

    it('moves the versions of the category feeds an event leaves and joins, and of no other', async () => {
      const music = String((await get('/feeds/categories/music.ics')).headers.etag);
      const markets = String((await get('/feeds/categories/markets.ics')).headers.etag);
      const all = String((await get('/feeds/all.ics')).headers.etag);
      await until(() => t.database.feedChanges.live, 'the change listener');
      assert.equal(await etagAfter('/feeds/categories/music.ics', music), music, 'held');
      t.clock.now += 1000;
      const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${ids.jazz}`, headers: auth, payload: { categories: ['Theatre'] } });
      assert.equal(patch.statusCode, 200, patch.body);
      const deadline = Date.now() + 1000; // PostgreSQL's NOTIFY arrives after the commit
      let musicNow = music;
      while (musicNow === music && Date.now() < deadline) musicNow = await etagAfter('/feeds/categories/music.ics', music);
      assert.notEqual(musicNow, music, 'the category it left');
      assert.notEqual(await etagAfter('/feeds/all.ics', all), all);
      assert.equal((await get('/feeds/categories/theatre.ics')).statusCode, 200, 'the category it joined');
      assert.equal(await etagAfter('/feeds/categories/markets.ics', markets), markets, 'an unrelated category keeps its version');
    });

    it('moves the personal feed version when its owner saves or unsaves an event', async () => {
      let cookie = '';
      const asVisitor = async (method: 'POST' | 'DELETE', url: string) => {
        const res = await t.app.inject({ method, url, headers: cookie ? { cookie } : {} });
        const set = res.headers['set-cookie'];
        if (set) cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
        return res;
      };
      await asVisitor('POST', `/api/v1/me/saved/${ids.market}`);
      const path = new URL((await asVisitor('POST', '/api/v1/me/feed-token/rotate')).json().url).pathname;
      const seen = [String((await get(path)).headers.etag)];
      assert.equal(await etagAfter(path, seen[0]!), seen[0], 'held');
      for (const [method, what] of [['POST', 'a save'], ['DELETE', 'an unsave']] as const) {
        assert.ok([200, 201, 204].includes((await asVisitor(method, `/api/v1/me/saved/${ids.jazz}`)).statusCode));
        const last = seen.at(-1)!;
        let now = last;
        const deadline = Date.now() + 1000;
        while (now === last && Date.now() < deadline) now = await etagAfter(path, last);
        assert.ok(!seen.includes(now), `${what} makes a new version`);
        seen.push(now);
      }
    });

    it('never sends older content to a client holding a newer version than this process has heard of', async () => {
      // A process whose change notifications are late (here: never come).
      const deaf: FeedChanges = { live: true, subscribe: () => () => undefined, close: async () => undefined };
      const late = await buildApp({ services: createServices(t.config, { ...t.database, feedChanges: deaf }, () => t.clock.now), adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
      try {
        const held = await late.inject('/feeds/all.ics');
        t.clock.now += 1000;
        const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${ids.market}`, headers: auth, payload: { title: 'Market, moved' } });
        assert.equal(patch.statusCode, 200, patch.body);
        // The newer version, from the process that hears of changes (PostgreSQL: once its NOTIFY came).
        let newer = String(held.headers.etag);
        const deadline = Date.now() + 1000;
        while (newer === held.headers.etag && Date.now() < deadline) newer = await etagAfter('/feeds/all.ics', newer);
        assert.notEqual(newer, held.headers.etag);
        const res = await late.inject({ url: '/feeds/all.ics', headers: { 'if-none-match': newer } });
        assert.equal(res.statusCode, 304, 'the newer version, read from the database');
        assert.equal(res.headers.etag, newer);
        // That read is now the version held: a client with the old one gets the new one.
        const older = await late.inject({ url: '/feeds/all.ics', headers: { 'if-none-match': String(held.headers.etag) } });
        assert.equal(older.statusCode, 200);
        assert.equal(older.headers.etag, newer, 'a client with the old version gets the new one');
        assert.match(older.body, /SUMMARY:Market\\, moved/);
      } finally {
        await late.close();
      }
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

type Inject = TestApp['app']['inject'];

/** A browser-like visitor: keeps the session cookie between requests. */
function visitor(t: TestApp) {
  let cookie = '';
  const request = async (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string> = {}) => {
    const res = await (t.app.inject as Inject)({ method, url, headers: { ...(cookie ? { cookie } : {}), ...headers } });
    const set = res.headers['set-cookie'];
    if (set) cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
    return res;
  };
  return { request, cookie: () => cookie, setCookie: (c: string) => (cookie = c) };
}

for (const engine of testEngines) {
  describe(`saved events and the personal feed on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    const ids: string[] = [];
    before(async () => {
      t = await startTestApp(engine);
      for (const title of ['Saved one', 'Saved two', 'Cancelled one']) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: t.auth,
          payload: { title, start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' },
        });
        ids.push(res.json().id);
      }
      await t.app.inject({ method: 'POST', url: `/api/v1/events/${ids[2]}/cancel`, headers: t.auth });
    });
    after(() => t.close());

    it('gives a visitor an anonymous account with a signed, httpOnly, SameSite=Lax cookie', async () => {
      const res = await t.app.inject('/api/v1/me');
      assert.equal(res.statusCode, 200);
      const setCookie = String(res.headers['set-cookie']);
      assert.match(setCookie, /^__Host-cc_session=[^;]+\.[^;]+;/, 'value and signature, a __Host- cookie on https');
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Lax/);
      assert.equal(res.headers['cache-control'], 'private, no-store');
      assert.deepEqual(res.json().savedEventIds, []);
    });

    it('saves and unsaves events; cancelled and unknown events cannot be saved', async () => {
      const v = visitor(t);
      assert.equal((await v.request('POST', `/api/v1/me/saved/${ids[0]}`)).statusCode, 201);
      assert.equal((await v.request('POST', `/api/v1/me/saved/${ids[0]}`)).statusCode, 200, 'saving twice is fine');
      const cancelled = await v.request('POST', `/api/v1/me/saved/${ids[2]}`);
      assert.equal(cancelled.statusCode, 409);
      assert.match(cancelled.json().detail, /cancelled/);
      assert.equal((await v.request('POST', '/api/v1/me/saved/nope')).statusCode, 404);
      const saved = (await v.request('GET', '/api/v1/me/saved')).json();
      assert.deepEqual(saved.items.map((e: { id: string }) => e.id), [ids[0]]);
      assert.equal((await v.request('DELETE', `/api/v1/me/saved/${ids[0]}`)).statusCode, 204);
      assert.deepEqual((await v.request('GET', '/api/v1/me')).json().savedEventIds, []);
    });

    it('treats a forged or tampered cookie as a new visitor, never as someone else', async () => {
      const owner = visitor(t);
      await owner.request('POST', `/api/v1/me/saved/${ids[1]}`);
      const [name, value] = owner.cookie().split('=') as [string, string];
      const [id, signature] = [value.slice(0, value.lastIndexOf('.')), value.slice(value.lastIndexOf('.') + 1)];
      for (const forged of [`${name}=${id}`, `${name}=${id}.${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, `${name}=${id}x.${signature}`]) {
        const attacker = visitor(t);
        attacker.setCookie(forged);
        const me = await attacker.request('GET', '/api/v1/me');
        assert.deepEqual(me.json().savedEventIds, [], forged);
        assert.notEqual(attacker.cookie(), forged, 'a fresh session cookie was issued');
      }
      assert.deepEqual((await owner.request('GET', '/api/v1/me')).json().savedEventIds, [ids[1]]);
    });

    it('serves the personal feed behind a rotating token, privately cached, with 304s', async () => {
      const v = visitor(t);
      await v.request('POST', `/api/v1/me/saved/${ids[0]}`);
      const rotated = await v.request('POST', '/api/v1/me/feed-token/rotate');
      assert.equal(rotated.statusCode, 201);
      const { url, webcalUrl, links } = rotated.json();
      assert.match(url, /^https:\/\/cal\.example\.test\/feeds\/personal\/[A-Za-z0-9_-]{43}\.ics$/);
      assert.equal(webcalUrl, url.replace('https:', 'webcal:'));
      assert.ok(links.options.length >= 3);
      const path = new URL(url).pathname;
      const feed = await t.app.inject(path);
      assert.equal(feed.statusCode, 200);
      assert.equal(feed.headers['cache-control'], 'private, no-cache');
      assert.match(feed.body, /SUMMARY:Saved one/);
      assert.match(feed.body, /X-WR-CALNAME:Calendar Club - My events/);
      assert.equal((await t.app.inject({ url: path, headers: { 'if-none-match': String(feed.headers.etag) } })).statusCode, 304);

      await v.request('POST', `/api/v1/me/saved/${ids[1]}`);
      const withTwo = await t.app.inject({ url: path, headers: { 'if-none-match': String(feed.headers.etag) } });
      assert.equal(withTwo.statusCode, 200, 'saving changes the feed');
      assert.match(withTwo.body, /SUMMARY:Saved two/);

      t.clock.now += 1000;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${ids[1]}`, headers: t.auth, payload: { title: 'Saved two, moved' } });
      const edited = await t.app.inject({ url: path, headers: { 'if-none-match': String(withTwo.headers.etag) } });
      assert.equal(edited.statusCode, 200, "an organizer's edit reaches every personal feed holding the event");
      assert.match(edited.body, /SUMMARY:Saved two\\, moved/);

      const again = (await v.request('POST', '/api/v1/me/feed-token/rotate')).json();
      assert.equal((await t.app.inject(path)).statusCode, 404, 'the old URL stops working');
      assert.equal((await t.app.inject(new URL(again.url).pathname)).statusCode, 200);
      assert.equal((await v.request('DELETE', '/api/v1/me/feed-token')).statusCode, 204);
      assert.equal((await t.app.inject(new URL(again.url).pathname)).statusCode, 404, 'revoked');
      assert.equal((await v.request('GET', '/api/v1/me')).json().personalFeed.active, false);
    });

    it('404s unknown and malformed tokens', async () => {
      assert.equal((await t.app.inject(`/feeds/personal/${'A'.repeat(43)}.ics`)).statusCode, 404);
      assert.equal((await t.app.inject('/feeds/personal/short.ics')).statusCode, 404);
    });

    it('records which clients fetch the personal feed, without IP addresses', async () => {
      const v = visitor(t);
      await v.request('POST', `/api/v1/me/saved/${ids[0]}`);
      const { url } = (await v.request('POST', '/api/v1/me/feed-token/rotate')).json();
      const path = new URL(url).pathname;
      const first = await t.app.inject({ url: path, headers: { 'user-agent': 'Google-Calendar-Importer' } });
      await t.app.inject({ url: path, headers: { 'user-agent': 'Google-Calendar-Importer', 'if-none-match': String(first.headers.etag) } });
      await t.app.inject({ url: path, headers: { 'user-agent': 'iOS/18.1 (22B83) dataaccessd/1.0' } });
      let health: { client: string; lastStatus: number; fetchCount: number; pollNote: string; label: string }[] = [];
      // Recorded after the answer: wait until all three fetches are written.
      const written = () => health.length >= 2 && health.find((h) => h.client === 'google')?.fetchCount === 2;
      for (let i = 0; i < 100 && !written(); i++) {
        health = (await v.request('GET', '/api/v1/me')).json().feedHealth;
        if (!written()) await new Promise((r) => setTimeout(r, 20));
      }
      const google = health.find((h) => h.client === 'google')!;
      assert.equal(google.fetchCount, 2);
      assert.equal(google.lastStatus, 304);
      assert.equal(google.label, 'Google Calendar');
      assert.match(google.pollNote, /hours/);
      assert.ok(health.some((h) => h.client === 'apple'));
      const dump = JSON.stringify(await t.database.db.selectFrom('feed_clients').selectAll().execute());
      assert.doesNotMatch(dump, /127\.0\.0\.1|\d+\.\d+\.\d+\.\d+/);
    });

    it('stores only a hash of the feed token', async () => {
      const v = visitor(t);
      const { url } = (await v.request('POST', '/api/v1/me/feed-token/rotate')).json();
      const token = /personal\/([^.]+)\.ics/.exec(url)![1]!;
      const dump = JSON.stringify(await t.database.db.selectFrom('visitors').selectAll().execute());
      assert.ok(!dump.includes(token));
    });
  });
}

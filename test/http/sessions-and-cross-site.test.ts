import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// Issue 12, findings 1 and 2: session cookies a sibling subdomain can plant, and writes sent by
// other sites. The app runs as https://cal.example.test unless a test says otherwise.

const PUBLIC = 'https://cal.example.test';
const EVIL = 'https://evil.example.test';
const firstCookie = (set: unknown) => String(Array.isArray(set) ? set[0] : set).split(';')[0]!;

async function makeEvents(t: TestApp, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: `Talk ${i}`, start: '2027-03-01T18:00', end: '2027-03-01T19:00', timezone: 'Europe/Rome' } });
    assert.equal(res.statusCode, 201, res.body);
    ids.push(res.json().id);
  }
  return ids;
}

/** A new visitor who saved `eventId`: the session cookie pair (name=value) the server set. */
async function visitorWhoSaved(t: TestApp, eventId: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${eventId}` });
  assert.equal(res.statusCode, 201, res.body);
  return firstCookie(res.headers['set-cookie']);
}

const savedBy = async (t: TestApp, cookie: string) => (await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().savedEventIds as string[];
const valueOf = (pair: string) => pair.slice(pair.indexOf('=') + 1);

for (const engine of testEngines) {
  describe(`session cookies that cannot be tossed, on https, on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let ids: string[];
    before(async () => {
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC });
      ids = await makeEvents(t, 3);
    });
    after(() => t.close());

    it('sets a __Host- cookie: Secure, Path=/, no Domain', async () => {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${ids[0]}` });
      const set = String(res.headers['set-cookie']);
      assert.match(set, /^__Host-cc_session=/);
      assert.match(set, /; Secure/);
      assert.match(set, /; Path=\//);
      assert.doesNotMatch(set, /Domain=/i);
    });

    it('never reads a plain cc_session a sibling subdomain planted, also when it comes first', async () => {
      const attacker = await visitorWhoSaved(t, ids[0]!);
      const victim = await visitorWhoSaved(t, ids[1]!);
      const planted = `cc_session=${valueOf(attacker)}`;
      assert.deepEqual(await savedBy(t, `${planted}; ${victim}`), [ids[1]], "the victim's own session wins");
      assert.deepEqual(await savedBy(t, planted), [], 'a planted cookie alone is no session');
      // A write with only the planted cookie makes a new visitor; the attacker's list is untouched.
      const write = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${ids[2]}`, headers: { cookie: planted } });
      assert.equal(write.statusCode, 201);
      assert.match(String(write.headers['set-cookie']), /^__Host-cc_session=/);
      assert.notEqual(valueOf(firstCookie(write.headers['set-cookie'])), valueOf(attacker));
      assert.deepEqual(await savedBy(t, attacker), [ids[0]]);
    });
  });

  describe(`session cookies on plain-http development, on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let ids: string[];
    before(async () => {
      t = await startTestApp(engine, { PUBLIC_URL: 'http://localhost:3000' });
      ids = await makeEvents(t, 3);
    });
    after(() => t.close());

    it('uses cc_session, and two different valid ones in one request are no session at all', async () => {
      const attacker = await visitorWhoSaved(t, ids[0]!);
      const victim = await visitorWhoSaved(t, ids[1]!);
      assert.match(attacker, /^cc_session=/);
      assert.deepEqual(await savedBy(t, victim), [ids[1]]);
      assert.deepEqual(await savedBy(t, `${attacker}; ${victim}`), [], 'neither is picked');
      const write = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${ids[2]}`, headers: { cookie: `${attacker}; ${victim}` } });
      assert.equal(write.statusCode, 201);
      assert.deepEqual(await savedBy(t, attacker), [ids[0]], "nothing lands in the attacker's visitor");
      assert.deepEqual(await savedBy(t, victim), [ids[1]]);
      assert.deepEqual(await savedBy(t, `${victim}; ${victim}`), [ids[1]], 'the same cookie twice is still that session');
    });
  });

  describe(`cross-site writes are refused, on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let ids: string[];
    let session: string;
    before(async () => {
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC });
      ids = await makeEvents(t, 2);
      session = await visitorWhoSaved(t, ids[0]!);
    });
    after(() => t.close());

    const writes: [string, string, Record<string, string>, string | undefined][] = [
      ['POST', '/api/v1/me/saved/{id}', {}, undefined],
      ['POST', '/api/v1/me/saved/{id}', { 'content-type': 'text/plain' }, 'x'],
      ['DELETE', '/api/v1/me/saved/{id0}', {}, undefined],
      ['POST', '/api/v1/me/feed-token/rotate', {}, undefined],
      ['POST', '/api/v1/me/feed-token/rotate', { 'content-type': 'text/plain' }, ''],
      ['DELETE', '/api/v1/me/feed-token', {}, undefined],
      ['POST', '/api/v1/me/sync/c1/{id}/retry', {}, undefined],
      ['POST', '/api/v1/me/connections/caldav', { 'content-type': 'text/plain' }, '{"serverUrl":"https://x.test","username":"u","password":"p"}'],
      ['PATCH', '/api/v1/me/connections/c1', { 'content-type': 'application/json' }, '{"targetCalendarId":"x"}'],
    ];
    const foreign: [string, Record<string, string>][] = [
      ['another Origin', { origin: EVIL }],
      ['a sibling subdomain Origin', { origin: 'https://evil.cal.example.test' }],
      ['Origin: null', { origin: 'null' }],
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ];

    for (const [method, template, headers, payload] of writes) {
      for (const [why, from] of foreign) {
        it(`refuses ${method} ${template} with ${why} (403 problem, nothing changes)`, async () => {
          const url = template.replace('{id0}', ids[0]!).replace('{id}', ids[1]!);
          const res = await t.app.inject({ method: method as 'POST', url, headers: { cookie: session, ...headers, ...from }, ...(payload !== undefined ? { payload } : {}) });
          assert.equal(res.statusCode, 403, res.body);
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
          assert.match(res.json().detail, /another site/);
          assert.equal(res.headers['set-cookie'], undefined);
          assert.deepEqual(await savedBy(t, session), [ids[0]]);
        });
      }
    }

    it('refuses a write from another site even without any session (no visitor is made)', async () => {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${ids[1]}`, headers: { origin: EVIL } });
      assert.equal(res.statusCode, 403);
      assert.equal(res.headers['set-cookie'], undefined);
    });

    it('keeps same-origin pages and clients without Origin (curl) working', async () => {
      const page = await t.app.inject({ method: 'POST', url: `/api/v1/me/saved/${ids[1]}`, headers: { cookie: session, origin: PUBLIC, 'sec-fetch-site': 'same-origin' } });
      assert.equal(page.statusCode, 201);
      const curl = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/saved/${ids[1]}`, headers: { cookie: session } });
      assert.equal(curl.statusCode, 204);
      const organizer = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title: 'By curl', start: '2027-03-02T18:00', end: '2027-03-02T19:00', timezone: 'UTC' } });
      assert.equal(organizer.statusCode, 201, 'the admin bearer token needs no Origin');
    });

    it("keeps the widget's calls from other sites working: links (CORS) and the add redirects", async () => {
      const links = await t.app.inject({ url: `/api/v1/events/${ids[1]}/links`, headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } });
      assert.equal(links.statusCode, 200);
      assert.equal(links.headers['access-control-allow-origin'], '*');
      const go = await t.app.inject({ url: `/go/google/events/${ids[1]}`, headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(go.statusCode, 302);
      const feed = await t.app.inject({ url: '/feeds/all.ics', headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(feed.statusCode, 200);
    });

    it('refuses to start an OAuth sign-in from a link on another site, and stores nothing', async () => {
      const states = async () => (await t.database.db.selectFrom('oauth_states').selectAll().execute()).length;
      const before = await states();
      for (const site of ['cross-site', 'same-site']) {
        const res = await t.app.inject({ url: '/connect/google?mode=push', headers: { 'sec-fetch-site': site } });
        assert.equal(res.statusCode, 403, site);
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.match(res.body, /has to start on the Calendar Club page/);
        assert.equal(res.headers.location, undefined);
        assert.equal(res.headers['set-cookie'], undefined);
      }
      assert.equal(await states(), before);
      // From our own page (or typed in) it goes on: here Google is not configured, so the usual 400 page.
      const own = await t.app.inject({ url: '/connect/google?mode=push', headers: { 'sec-fetch-site': 'same-origin' } });
      assert.equal(own.statusCode, 400);
      assert.match(own.body, /not configured/);
    });
  });
}

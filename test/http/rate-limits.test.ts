import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { testEngines } from '../helpers/databases.ts';
import { ADMIN_TOKEN, SESSION_SECRET, startTestApp, type TestApp } from '../helpers/app.ts';
import { LIMITS } from '../../src/http/plugins/rate-limits.ts';
import { openDatabase } from '../../src/infra/db/database.ts';
import { createServices } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';

// Issue 12, finding 3: wrong organizer tokens and guessed feed tokens were answered at 1,200/s,
// and sign-ins, CalDAV logins and the visitor's writes had no limit. Each limit answers 429 with
// Retry-After past it; people and calendar apps using the service never meet one.

type Method = 'GET' | 'POST' | 'DELETE';
interface Call {
  method?: Method;
  url: string;
  address: string;
  cookie?: string;
  authorization?: string;
  payload?: object;
}

function assertTooMany(res: LightMyRequestResponse, windowMs: number, what: string) {
  assert.equal(res.statusCode, 429, `${what}: ${res.statusCode} ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().status, 429);
  const wait = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= windowMs / 1000, `Retry-After ${res.headers['retry-after']}`);
}

for (const engine of testEngines) {
  describe(`rate limits on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let eventId: string;
    before(async () => {
      t = await startTestApp(engine);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: t.auth,
        payload: { title: 'Popular', start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' },
      });
      eventId = created.json().id;
    });
    after(() => t.close());

    const call = (c: Call) =>
      t.app.inject({
        method: c.method ?? 'GET',
        url: c.url,
        remoteAddress: c.address,
        headers: { ...(c.cookie ? { cookie: c.cookie } : {}), ...(c.authorization ? { authorization: c.authorization } : {}) },
        ...(c.payload ? { payload: c.payload } : {}),
      });
    /** A browser's session, made by its first write. */
    async function session(address: string): Promise<string> {
      const res = await call({ method: 'POST', url: `/api/v1/me/saved/${eventId}`, address });
      assert.equal(res.statusCode, 201);
      return String(res.headers['set-cookie']).split(';')[0]!;
    }

    it('counts wrong organizer tokens per address; past the limit the right one waits too', async () => {
      const address = '198.51.100.1';
      const wrong = { url: `/api/v1/events/${eventId}/sync`, address, authorization: 'Bearer not-the-token-0123456789' };
      for (let i = 0; i < 40; i++) assert.equal((await call({ url: wrong.url, address })).statusCode, 401, 'no credentials: not counted');
      for (let i = 0; i < LIMITS.adminFailures.max; i++) assert.equal((await call(wrong)).statusCode, 401);
      assertTooMany(await call(wrong), LIMITS.adminFailures.timeWindow, 'a wrong token past the limit');
      assertTooMany(await call({ ...wrong, authorization: t.auth.authorization }), LIMITS.adminFailures.timeWindow, 'the right token from that address');
      assert.equal((await call({ ...wrong, address: '198.51.100.2', authorization: t.auth.authorization })).statusCode, 200, 'another address');
    });

    it('limits starting and finishing sign-ins (/connect/*) per session, else per address', async () => {
      const address = '198.51.100.10';
      for (let i = 0; i < LIMITS.connect.max; i++) assert.notEqual((await call({ url: '/connect/google', address })).statusCode, 429);
      assertTooMany(await call({ url: '/connect/google', address }), LIMITS.connect.timeWindow, '/connect/google');
      assertTooMany(await call({ url: '/connect/microsoft/callback?state=x&code=y', address }), LIMITS.connect.timeWindow, 'the callback');
    });

    it('limits CalDAV logins per session', async () => {
      const cookie = await session('198.51.100.20');
      const attempt = { method: 'POST' as const, url: '/api/v1/me/connections/caldav', address: '198.51.100.20', cookie, payload: { serverUrl: 'https://127.0.0.1:9/dav', username: 'me', password: 'wrong' } };
      for (let i = 0; i < LIMITS.caldavConnect.max; i++) {
        const res = await call(attempt);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429, `attempt ${i}: ${res.statusCode}`);
      }
      assertTooMany(await call(attempt), LIMITS.caldavConnect.timeWindow, 'CalDAV login');
    });

    it('limits the visitor’s writes per session', async () => {
      const address = '198.51.100.30';
      const cookie = await session(address);
      // The first write (no session yet) counted for the address; these for the session.
      for (let i = 0; i < LIMITS.meWrites.max; i++) {
        const res = await call({ method: i % 2 ? 'DELETE' : 'POST', url: `/api/v1/me/saved/${eventId}`, address, cookie });
        assert.ok(res.statusCode < 300, `write ${i}: ${res.statusCode}`);
      }
      assertTooMany(await call({ method: 'POST', url: '/api/v1/me/feed-token/rotate', address, cookie }), LIMITS.meWrites.timeWindow, 'a write');
      assert.equal((await call({ url: '/api/v1/me', address, cookie })).statusCode, 200, 'reads are not limited');
      assert.equal((await session(address)).length > 0, true, 'another browser behind the same address writes on');
    });

    it('limits guessed personal feed tokens per address, never a real feed', async () => {
      const address = '198.51.100.40';
      const cookie = await session(address);
      const feed = new URL((await call({ method: 'POST', url: '/api/v1/me/feed-token/rotate', address, cookie })).json().url).pathname;
      const guess = (i: number) => call({ url: `/feeds/personal/${String(i).padStart(43, 'A')}.ics`, address });
      for (let i = 0; i < LIMITS.unknownFeedTokens.max; i++) assert.equal((await guess(i)).statusCode, 404);
      assertTooMany(await guess(-1), LIMITS.unknownFeedTokens.timeWindow, 'a guessed token');
      assert.equal((await call({ url: feed, address })).statusCode, 200, 'the real feed from the same address');
    });

    it('never limits ordinary use: an organizer, a person, a NAT full of people, a polling calendar app', async () => {
      const address = '203.0.113.7';
      // The organizer: a few typos, then a long working session.
      for (let i = 0; i < 5; i++) assert.equal((await call({ url: `/api/v1/events/${eventId}/sync`, address, authorization: 'Bearer typo' })).statusCode, 401);
      for (let i = 0; i < 100; i++) assert.equal((await call({ url: `/api/v1/events/${eventId}/sync`, address, authorization: `Bearer ${ADMIN_TOKEN}` })).statusCode, 200);
      // A hotel: 40 people behind one address, each saving and unsaving ten times, and subscribing.
      const statuses: number[] = [];
      for (let p = 0; p < 40; p++) {
        const cookie = await session(address);
        for (let i = 1; i < 10; i++) statuses.push((await call({ method: i % 2 ? 'DELETE' : 'POST', url: `/api/v1/me/saved/${eventId}`, address, cookie })).statusCode);
        statuses.push((await call({ method: 'POST', url: '/api/v1/me/feed-token/rotate', address, cookie })).statusCode);
      }
      // One of them connects calendars a few times, and mistypes a CalDAV password twice.
      const cookie = await session(address);
      for (let i = 0; i < 6; i++) statuses.push((await call({ url: '/connect/google?mode=busy', address, cookie })).statusCode);
      for (let i = 0; i < 2; i++) {
        statuses.push((await call({ method: 'POST', url: '/api/v1/me/connections/caldav', address, cookie, payload: { serverUrl: 'https://127.0.0.1:9/', username: 'me', password: 'x' } })).statusCode);
      }
      assert.ok(!statuses.includes(429), `statuses: ${[...new Set(statuses)].join(', ')}`);
      // Their calendar app polls the feed (many times more often than any does in ten minutes).
      const feed = new URL((await call({ method: 'POST', url: '/api/v1/me/feed-token/rotate', address, cookie })).json().url).pathname;
      for (let i = 0; i < 200; i++) assert.equal((await call({ url: feed, address })).statusCode, 200);
    });
  });
}

const pg = testEngines.find((e) => e.name === 'postgres')!;
describe('rate limits shared by every process on one PostgreSQL database', { skip: pg.skip }, () => {
  it('counts the wrong tokens two app instances saw together', async () => {
    const t = await startTestApp(pg);
    const handle = openDatabase({ url: process.env.TEST_DATABASE_URL!, schema: t.database.schema });
    const second = await buildApp({ services: createServices(t.config, handle), adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
    try {
      const wrong = { url: '/api/v1/events/x/sync', remoteAddress: '198.51.100.99', headers: { authorization: 'Bearer wrong-token-0123456789' } };
      for (let i = 0; i < LIMITS.adminFailures.max; i++) assert.equal((await (i % 2 ? second : t.app).inject(wrong)).statusCode, 401);
      assertTooMany(await t.app.inject(wrong), LIMITS.adminFailures.timeWindow, 'first instance');
      assertTooMany(await second.inject(wrong), LIMITS.adminFailures.timeWindow, 'second instance');
    } finally {
      await second.close();
      await handle.close();
      await t.close();
    }
  });
});

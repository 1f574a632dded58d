import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { testEngines } from '../helpers/databases.ts';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../helpers/app.ts';

// Issue 12, finding 7: a Content-Security-Policy on pages, Referrer-Policy, nosniff, /metrics
// behind the admin token, and an httpOnly organizer session instead of a token kept by scripts.

const PUBLIC = 'https://cal.example.test';
const built = fs.existsSync(path.resolve(import.meta.dirname, '../../dist/web/index.html'));
const firstCookie = (set: unknown) => String(Array.isArray(set) ? set[0] : set);
const directives = (csp: unknown) => new Map(String(csp).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));

for (const engine of testEngines) {
  describe(`security headers on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC });
    });
    after(() => t.close());

    it('sends Referrer-Policy: same-origin and nosniff on every response', async () => {
      for (const url of ['/api/v1/events', '/feeds/all.ics', '/healthz', '/nope/at/all']) {
        const res = await t.app.inject(url);
        assert.equal(res.headers['referrer-policy'], 'same-origin', url);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      }
    });

    it('puts a strict CSP on the pages: scripts and styles from our origin only, never framed', { skip: !built && 'npm run build:web first' }, async () => {
      for (const url of ['/', '/me', '/organizer', '/events/anything', '/some/unknown/page']) {
        const res = await t.app.inject(url);
        assert.match(String(res.headers['content-type']), /^text\/html/, url);
        const csp = directives(res.headers['content-security-policy']);
        assert.deepEqual(csp.get('default-src'), ["'self'"], url);
        assert.deepEqual(csp.get('script-src'), ["'self'"], url);
        assert.deepEqual(csp.get('style-src'), ["'self'"], url);
        assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], url);
        assert.deepEqual(csp.get('object-src'), ["'none'"], url);
        assert.equal(res.headers['x-frame-options'], 'DENY', url);
      }
    });

    it('lets the widget demo page be framed and show the button, still without inline scripts', { skip: !built && 'npm run build:web first' }, async () => {
      const res = await t.app.inject('/widget/demo');
      const csp = directives(res.headers['content-security-policy']);
      assert.deepEqual(csp.get('script-src'), ["'self'"]);
      assert.equal(csp.has('frame-ancestors'), false);
      assert.equal(res.headers['x-frame-options'], undefined);
      assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script on the demo page');
    });

    it('gives /docs and the connect error page a policy too', async () => {
      const docs = await t.app.inject('/docs');
      assert.equal(docs.statusCode, 200);
      assert.deepEqual(directives(docs.headers['content-security-policy']).get('frame-ancestors'), ["'none'"]);
      const error = await t.app.inject('/connect/google');
      assert.equal(error.statusCode, 400);
      const csp = directives(error.headers['content-security-policy']);
      assert.deepEqual(csp.get('script-src'), ["'self'"]);
      assert.match(csp.get('style-src')!.join(' '), /^'self' 'sha256-[A-Za-z0-9+/]+=*'$/, 'its one inline style by hash');
    });

    it('keeps /metrics behind the admin token', async () => {
      const anonymous = await t.app.inject('/metrics');
      assert.equal(anonymous.statusCode, 401);
      assert.match(String(anonymous.headers['content-type']), /^application\/problem\+json/);
      assert.doesNotMatch(anonymous.body, /http_requests_total/);
      const organizer = await t.app.inject({ url: '/metrics', headers: t.auth });
      assert.equal(organizer.statusCode, 200);
      assert.match(organizer.body, /http_requests_total/);
    });
  });

  describe(`the organizer session on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, { PUBLIC_URL: PUBLIC });
    });
    after(() => t.close());

    const newEvent = { title: 'By the organizer page', start: '2027-04-01T18:00', end: '2027-04-01T19:00', timezone: 'UTC' };

    async function signIn(): Promise<string> {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/session', headers: { ...t.auth, origin: PUBLIC } });
      assert.equal(res.statusCode, 204, res.body);
      return firstCookie(res.headers['set-cookie']);
    }

    it('signs in with the token once and sets an httpOnly, SameSite=Strict, __Host- cookie that does not hold the token', async () => {
      const set = await signIn();
      assert.match(set, /^__Host-cc_organizer=/);
      assert.match(set, /; HttpOnly/);
      assert.match(set, /; SameSite=Strict/);
      assert.match(set, /; Secure/);
      assert.match(set, /; Path=\//);
      assert.doesNotMatch(set, /Domain=/i);
      assert.equal(set.includes(ADMIN_TOKEN), false, 'the token itself is not in the cookie');
    });

    it('refuses to sign in without the right token', async () => {
      const none = await t.app.inject({ method: 'POST', url: '/api/v1/admin/session' });
      assert.equal(none.statusCode, 401);
      const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/admin/session', headers: { authorization: 'Bearer not-the-token-at-all' } });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.headers['set-cookie'], undefined);
    });

    it('lets the page act as the organizer with the cookie alone, from our own origin only', async () => {
      const cookie = (await signIn()).split(';')[0]!;
      assert.equal((await t.app.inject({ url: '/api/v1/admin/check', headers: { cookie } })).statusCode, 204);
      const created = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { cookie, origin: PUBLIC }, payload: newEvent });
      assert.equal(created.statusCode, 201, created.body);
      const forged = await t.app.inject({ method: 'POST', url: `/api/v1/events/${created.json().id}/cancel`, headers: { cookie, origin: 'https://evil.example.test' } });
      assert.equal(forged.statusCode, 403, 'a cross-site write riding on the organizer cookie is refused');
      assert.equal((await t.app.inject(`/api/v1/events/${created.json().id}`)).json().status, 'confirmed');
    });

    it('refuses a tampered or a visitor cookie, and a session cannot mint another one', async () => {
      const cookie = (await signIn()).split(';')[0]!;
      const tampered = cookie.replace(/=(\d)/, (_m, d: string) => `=${(Number(d) + 1) % 10}`);
      assert.notEqual(tampered, cookie);
      assert.equal((await t.app.inject({ url: '/api/v1/admin/check', headers: { cookie: tampered } })).statusCode, 401);
      const visitor = firstCookie((await t.app.inject({ method: 'POST', url: '/api/v1/me/feed-token/rotate' })).headers['set-cookie']).split(';')[0]!;
      const asOrganizer = visitor.replace('cc_session', 'cc_organizer');
      assert.equal((await t.app.inject({ url: '/api/v1/admin/check', headers: { cookie: asOrganizer } })).statusCode, 401, 'a signed visitor id is no organizer session');
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/admin/session', headers: { cookie } });
      assert.equal(again.statusCode, 401, 'only the token starts a session');
    });

    it('signs out: the cookie is dropped', async () => {
      await signIn();
      const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/admin/session', headers: { origin: PUBLIC } });
      assert.equal(out.statusCode, 204);
      assert.match(firstCookie(out.headers['set-cookie']), /^__Host-cc_organizer=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
    });
  });
}

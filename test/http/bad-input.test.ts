import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const valid = { title: 'Ok', start: '2026-12-03T19:30', end: '2026-12-03T22:00', timezone: 'Europe/Berlin' };

for (const engine of testEngines) {
  describe(`bad input on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let eventId: string;
    before(async () => {
      t = await startTestApp(engine);
      eventId = (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: valid })).json().id;
    });
    after(() => t.close());

    /** The store as a client sees it; compared before and after each bad request. */
    const snapshot = async () => ({
      list: (await t.app.inject('/api/v1/events?includeCancelled=true&limit=200')).body,
      feed: (await t.app.inject('/feeds/all.ics')).headers.etag,
    });

    async function expectProblem(
      request: { method: 'POST' | 'PATCH' | 'GET'; url: string; payload?: unknown; headers?: Record<string, string> },
      status: number,
      mentions: RegExp,
    ) {
      const before = await snapshot();
      const res = await t.app.inject({
        method: request.method,
        url: request.url,
        headers: { ...t.auth, ...request.headers },
        ...(request.payload === undefined ? {} : { payload: request.payload as string }),
      });
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      const body = res.json();
      assert.equal(body.status, status);
      assert.match(JSON.stringify(body), mentions);
      assert.deepEqual(await snapshot(), before, 'nothing changed');
      return body;
    }

    const post = (payload: unknown, headers?: Record<string, string>) => ({ method: 'POST' as const, url: '/api/v1/events', payload, headers });

    it('rejects malformed JSON', () =>
      expectProblem(post('{"title": "x",', { 'content-type': 'application/json' }), 400, /not valid JSON/));

    it('rejects a body that is not JSON', () => expectProblem(post('title=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/));

    it('rejects unknown fields, naming them', () => expectProblem(post({ ...valid, colour: 'red' }), 400, /"field":"colour"/));

    it('rejects a missing title', async () => {
      const { title: _omit, ...rest } = valid;
      await expectProblem(post(rest), 400, /"field":"title","message":"is required"/);
    });

    it('rejects a blank title', () => expectProblem(post({ ...valid, title: '   ' }), 422, /"field":"title"/));

    it('rejects end before start', () => expectProblem(post({ ...valid, end: '2026-12-03T18:00' }), 422, /"field":"end","message":"must be after start"/));

    it('rejects an unknown time zone', () => expectProblem(post({ ...valid, timezone: 'Mars/Olympus_Mons' }), 422, /"field":"timezone"/));

    it('rejects non-http(s) URLs', async () => {
      await expectProblem(post({ ...valid, url: 'javascript:alert(1)' }), 422, /"field":"url"/);
      await expectProblem(post({ ...valid, url: 'ftp://example.com/x' }), 422, /"field":"url"/);
    });

    it('rejects oversized fields and bodies', async () => {
      await expectProblem(post({ ...valid, title: 'x'.repeat(201) }), 400, /"field":"title"/);
      await expectProblem(post({ ...valid, description: 'x'.repeat(70_000) }), 413, /too large/);
    });

    it('rejects a title with CR/LF trying to inject iCalendar lines', async () => {
      const body = await expectProblem(post({ ...valid, title: 'Hi\r\nATTENDEE:mailto:evil@example.com' }), 422, /"field":"title"/);
      assert.match(body.errors[0].message, /line breaks/);
      await expectProblem({ method: 'PATCH', url: `/api/v1/events/${eventId}`, payload: { location: 'A\nEND:VEVENT' } }, 422, /"field":"location"/);
    });

    it('rejects text that is not valid Unicode (a lone surrogate)', () =>
      expectProblem(post('{"title":"Broken \\ud800 title","start":"2026-12-03T19:30","end":"2026-12-03T22:00","timezone":"UTC"}', { 'content-type': 'application/json' }), 422, /valid Unicode/));

    it('rejects wrong types and malformed dates', async () => {
      await expectProblem(post({ ...valid, allDay: 'yes' }), 400, /"field":"allDay"/);
      await expectProblem(post({ ...valid, start: '2026-02-30T10:00' }), 422, /"field":"start"/);
      await expectProblem(post({ ...valid, allDay: true }), 422, /"field":"start"/);
    });

    it('rejects an empty PATCH and a PATCH to an unknown event', async () => {
      await expectProblem({ method: 'PATCH', url: `/api/v1/events/${eventId}`, payload: {} }, 400, /body/);
      await expectProblem({ method: 'PATCH', url: '/api/v1/events/nope', payload: { title: 'x' } }, 404, /nope/);
    });

    it('404s unknown events and categories', async () => {
      await expectProblem({ method: 'GET', url: '/api/v1/events/does-not-exist' }, 404, /does-not-exist/);
      await expectProblem({ method: 'GET', url: '/events/does-not-exist.ics' }, 404, /does-not-exist/);
      await expectProblem({ method: 'GET', url: '/feeds/categories/does-not-exist.ics' }, 404, /no such feed/);
    });

    it('rejects a bad or missing token', async () => {
      const res = await expectProblem(post(valid, { authorization: 'Bearer wrong-token' }), 401, /not valid/);
      assert.equal(res.title, 'Unauthorized');
      const missing = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: valid });
      assert.equal(missing.statusCode, 401);
      assert.equal(missing.headers['www-authenticate'], 'Bearer realm="organizer"');
      const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/events/${eventId}/cancel`, headers: { authorization: 'Basic abc' } });
      assert.equal(cancel.statusCode, 401);
      assert.equal((await t.app.inject(`/api/v1/events/${eventId}`)).json().status, 'confirmed');
    });

    it('rejects bad list queries', async () => {
      await expectProblem({ method: 'GET', url: '/api/v1/events?from=yesterday' }, 400, /"field":"from"/);
      await expectProblem({ method: 'GET', url: '/api/v1/events?cursor=garbage' }, 400, /"field":"cursor"/);
      await expectProblem({ method: 'GET', url: '/api/v1/events?limit=0' }, 400, /"field":"limit"/);
      await expectProblem({ method: 'GET', url: '/api/v1/events?sort=desc' }, 400, /"field":"sort"/);
    });
  });
}

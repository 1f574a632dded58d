import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { testEngines } from '../helpers/databases.ts';
import { startTestServer, type TestApp } from '../helpers/app.ts';

// Requests for public feeds whose version is held in memory are answered before Fastify
// (src/http/feed-fast-path.ts, issue 14): 304s, and 200s whose body is made already. Each must
// be the very response the feed route sends: same headers (security headers included), same
// bytes, same metrics; anything it cannot answer goes on to the route. Real sockets here:
// app.inject() never passes through the server's fast path.

/** A request on a real socket, raw headers (node:http: no decompression, no header merging). */
function request(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject)
      .end();
  });
}

// Fastify's 304 carries `content-length: 0`, which RFC 9110 §8.6 does not allow (it would be
// the 200's length); the fast path sends none. Everything else must be the same.
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const semantic = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !TRANSPORT.has(name.toLowerCase()))
      .map(([k, v]) => [k.toLowerCase(), String(v)] as const)
      .sort((a, b) => a[0].localeCompare(b[0])),
  );

for (const engine of testEngines) {
  describe(`the feed fast path on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp & { baseUrl: string };
    let fastAnswers = 0;

    before(async () => {
      t = await startTestServer(engine);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: t.auth,
        payload: { title: 'Jazz', categories: ['Music'], start: '2026-12-20T18:00', end: '2026-12-20T20:00', timezone: 'Europe/Rome' },
      });
      assert.equal(res.statusCode, 201, res.body);
      t.clock.now = Date.parse('2026-12-01T10:00:00Z');
      // Counts the requests the fast path answered (each moves its metrics once).
      const metrics = t.services.metrics;
      const record = metrics.recordFastFeed;
      metrics.recordFastFeed = (...args: Parameters<typeof record>) => (fastAnswers++, record(...args));
    });
    after(() => t.close());

    for (const [feed, route] of [
      ['/feeds/all.ics', '/feeds/all.ics'],
      ['/feeds/categories/music.ics', '/feeds/categories/:slug.ics'],
    ] as const) {
      it(`answers ${feed} 304s and 200s with the route's own headers and bytes, every kind of validator and coding`, async () => {
        for (const coding of ['gzip', 'br', '']) {
          const accept: Record<string, string> = coding ? { 'accept-encoding': coding } : {};
          const first = await request(t.baseUrl + feed, 'GET', accept);
          assert.equal(first.status, 200);
          const etag = String(first.headers.etag);
          // Held once the change listener is live (the first read may come before it is).
          for (let i = 0; i < 100 && !t.services.feeds.heldValidators(feed.includes('music') ? { kind: 'category', key: 'category:music', slug: 'music' } : { kind: 'all', key: 'all' }); i++) {
            await request(t.baseUrl + feed, 'GET', { ...accept, 'if-none-match': etag });
            await new Promise((r) => setTimeout(r, 10));
          }
          const lastModified = String(first.headers['last-modified']);
          for (const [method, conditional] of [
            ['GET', { 'if-none-match': etag }],
            ['GET', { 'if-none-match': `"nope", W/${etag}` }],
            ['GET', { 'if-none-match': '*' }],
            ['GET', { 'if-modified-since': lastModified }],
            ['HEAD', { 'if-none-match': etag }],
          ] as const) {
            const before = fastAnswers;
            const fast = await request(t.baseUrl + feed + '?from=app', method, { ...accept, ...conditional });
            assert.equal(fast.status, 304, `${method} ${JSON.stringify(conditional)}`);
            assert.equal(fastAnswers, before + 1, 'answered by the fast path');
            assert.equal(fast.body.length, 0);
            assert.equal(fast.headers['content-length'], undefined);
            const routed = await t.app.inject({ method, url: feed, headers: { ...accept, ...conditional } });
            assert.equal(routed.statusCode, 304);
            assert.deepEqual(semantic(fast.headers), semantic(routed.headers), 'the same headers as the route sends');
            assert.equal(fast.headers['x-content-type-options'], 'nosniff');
            assert.equal(fast.headers['referrer-policy'], 'same-origin');
          }
        }
        for (const coding of ['gzip', 'br', '']) {
          const accept: Record<string, string> = coding ? { 'accept-encoding': coding } : {};
          for (const method of ['GET', 'HEAD']) {
            const before = fastAnswers;
            const fast = await request(t.baseUrl + feed, method, accept);
            assert.equal(fast.status, 200);
            assert.equal(fastAnswers, before + 1, `${method} ${coding}: answered by the fast path`);
            const routed = await t.app.inject({ method, url: feed, headers: accept });
            assert.equal(routed.statusCode, 200);
            assert.deepEqual(semantic(fast.headers), semantic(routed.headers), 'the same headers as the route sends');
            assert.equal(fast.headers['content-length'], routed.headers['content-length']);
            assert.ok(fast.body.equals(routed.rawPayload), 'the same bytes');
            if (method === 'GET') assert.equal(fast.body.length, Number(fast.headers['content-length']));
            else assert.equal(fast.body.length, 0);
          }
        }
        const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth });
        assert.match(metrics.body, /feed_responses_total\{feed="(all|category)",status="200"\} [1-9]/);
        assert.match(metrics.body, new RegExp(`http_requests_total\\{route="${route.replace(/[.]/g, '\\.')}",method="GET",status="304"\\} [1-9]`));
        assert.match(metrics.body, new RegExp(`http_requests_total\\{route="${route.replace(/[.]/g, '\\.')}",method="HEAD",status="304"\\} [1-9]`));
      });
    }

    it('leaves to the route what it cannot answer: other validators, personal feeds, unknown feeds, a changed version', async () => {
      const url = t.baseUrl + '/feeds/all.ics';
      const first = await request(url, 'GET', {});
      const etag = String(first.headers.etag);
      let before = fastAnswers;
      const other = await request(url, 'GET', { 'if-none-match': '"someone-else"' });
      assert.equal(other.status, 200);
      assert.equal(String(other.headers.etag), etag);
      assert.equal((await request(url, 'GET', { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status, 200);
      assert.equal((await request(t.baseUrl + '/feeds/personal/not-a-token.ics', 'GET', { 'if-none-match': etag })).status, 404);
      assert.equal((await request(t.baseUrl + '/feeds/categories/no-such.ics', 'GET', { 'if-none-match': etag })).status, 404);
      assert.equal(fastAnswers, before, 'the fast path answered none of these');
      const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth });
      assert.match(metrics.body, /feed_responses_total\{feed="all",status="304"\} [1-9]/);

      // An edit: the held version is dropped, so the old ETag gets the new content.
      const events = await t.app.inject({ method: 'GET', url: '/api/v1/events', headers: t.auth });
      const id = (events.json() as { items?: { id: string }[] }).items?.[0]?.id ?? (events.json() as { id: string }[])[0]!.id;
      const edit = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${id}`, headers: t.auth, payload: { title: 'Jazz (moved)' } });
      assert.equal(edit.statusCode, 200, edit.body);
      before = fastAnswers;
      const after = await request(url, 'GET', { 'if-none-match': etag });
      assert.equal(after.status, 200);
      assert.notEqual(String(after.headers.etag), etag);
      assert.match(after.body.toString('utf8'), /SUMMARY:Jazz \(moved\)/);
      const again = await request(url, 'GET', { 'if-none-match': String(after.headers.etag) });
      assert.equal(again.status, 304);
      assert.equal(fastAnswers, before + 1, 'the new version is held and answered fast');
    });
  });
}

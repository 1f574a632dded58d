import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import ICAL from 'ical.js';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createServices } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';

const DAY = 86_400_000;

function vevents(ics: string) {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
}

for (const engine of testEngines) {
  describe(`feeds on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    const ids: Record<string, string> = {};

    before(async () => {
      t = await startTestApp(engine);
      t.clock.now = Date.parse('2026-11-24T10:00:00Z');
      const make = async (key: string, payload: object) => {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload });
        assert.equal(res.statusCode, 201, res.body);
        ids[key] = res.json().id;
      };
      await make('jazz', {
        title: 'Jazz; "Blue", Notes 🎷 日本',
        description: 'Line one\nC:\\Users\\Nina, semi; colon',
        location: 'Kai 3, Hamburg',
        url: 'https://example.com/jazz?a=1',
        categories: ['Music', 'Jazz, Blues'],
        start: '2026-12-03T19:30',
        end: '2026-12-03T22:00',
        timezone: 'Europe/Berlin',
      });
      await make('market', { title: 'Makers Market', categories: ['Markets'], start: '2026-12-10', end: '2026-12-13', allDay: true, timezone: 'Europe/Berlin' });
      await make('pottery', { title: 'Pottery', categories: ['Workshops'], start: '2026-12-05T10:00', end: '2026-12-05T14:00', timezone: 'America/New_York' });
      await make('far', { title: 'Too far ahead', start: '2028-06-01T10:00', end: '2028-06-01T11:00', timezone: 'UTC' });
      await make('past', { title: 'Long past', start: '2026-09-01T10:00', end: '2026-09-01T11:00', timezone: 'UTC' });
    });
    after(() => t.close());

    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

    it('serves a feed that ical.js reads back with every field intact', async () => {
      const res = await get('/feeds/all.ics');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
      assert.match(String(res.headers['content-disposition']), /^inline; filename="all-events\.ics"/);
      assert.ok(!/(?<!\r)\n/.test(res.body), 'CRLF line ends only');
      const events = vevents(res.body);
      const titles = events.map((v) => v.getFirstPropertyValue('summary'));
      assert.deepEqual(titles, ['Jazz; "Blue", Notes 🎷 日本', 'Pottery', 'Makers Market'], 'windowed and sorted by start');
      const jazz = new ICAL.Event(events[0]!);
      assert.equal(jazz.description, 'Line one\nC:\\Users\\Nina, semi; colon\n\nhttps://example.com/jazz?a=1');
      assert.equal(jazz.location, 'Kai 3, Hamburg');
      assert.deepEqual(events[0]!.getFirstProperty('categories')!.getValues(), ['Music', 'Jazz, Blues']);
      assert.equal(jazz.startDate.toJSDate().toISOString(), '2026-12-03T18:30:00.000Z');
      assert.equal(events[0]!.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/Berlin');
      assert.match(res.body, /BEGIN:VTIMEZONE\r\nTZID:America\/New_York/);
      assert.match(res.body, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin/);
      assert.doesNotMatch(res.body, /TZID:Etc\/UTC|ATTENDEE|ORGANIZER|METHOD:/);
      const market = events[2]!;
      assert.equal(market.getFirstProperty('dtstart')!.type, 'date');
      assert.equal(String(market.getFirstPropertyValue('dtend')), '2026-12-13');
    });

    it('is byte-identical seconds later and answers 304 to a conditional GET with the same headers', async () => {
      const first = await get('/feeds/all.ics');
      t.clock.now += 7000;
      const second = await get('/feeds/all.ics');
      assert.equal(second.body, first.body);
      assert.equal(second.headers.etag, first.headers.etag);
      assert.match(String(first.headers.etag), /^"[\w-]+"$/, 'a strong ETag');
      const notModified = await get('/feeds/all.ics', { 'if-none-match': String(first.headers.etag) });
      assert.equal(notModified.statusCode, 304);
      assert.equal(notModified.body, '');
      for (const h of ['etag', 'last-modified', 'cache-control', 'vary']) assert.equal(notModified.headers[h], first.headers[h], h);
      assert.equal(first.headers['cache-control'], 'public, max-age=300');
      assert.equal(first.headers.vary, 'Accept-Encoding');
    });

    it('compares If-None-Match weakly, with lists and *, and If-Modified-Since in whole seconds', async () => {
      const { headers } = await get('/feeds/all.ics');
      const etag = String(headers.etag);
      const lastModified = String(headers['last-modified']);
      const status = async (h: Record<string, string>) => (await get('/feeds/all.ics', h)).statusCode;
      assert.equal(await status({ 'if-none-match': `W/${etag}` }), 304);
      assert.equal(await status({ 'if-none-match': `"nope", ${etag}` }), 304);
      assert.equal(await status({ 'if-none-match': '*' }), 304);
      assert.equal(await status({ 'if-none-match': '"nope"' }), 200);
      assert.equal(await status({ 'if-modified-since': lastModified }), 304);
      assert.equal(await status({ 'if-modified-since': new Date(Date.parse(lastModified) + 500).toUTCString() }), 304);
      assert.equal(await status({ 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() }), 200);
      assert.equal(await status({ 'if-modified-since': 'not a date' }), 200);
      assert.equal(await status({ 'if-none-match': '"nope"', 'if-modified-since': lastModified }), 200, 'If-None-Match decides alone');
    });

    it('answers HEAD with the GET headers and no body', async () => {
      const getRes = await get('/feeds/all.ics');
      const head = await t.app.inject({ method: 'HEAD', url: '/feeds/all.ics' });
      assert.equal(head.statusCode, 200);
      assert.equal(head.body, '');
      assert.equal(head.headers.etag, getRes.headers.etag);
      assert.equal(head.headers['content-type'], getRes.headers['content-type']);
      const headConditional = await t.app.inject({ method: 'HEAD', url: '/feeds/all.ics', headers: { 'if-none-match': String(getRes.headers.etag) } });
      assert.equal(headConditional.statusCode, 304);
    });

    it('compresses with gzip and brotli, one ETag per coding', async () => {
      const plain = await get('/feeds/all.ics');
      const gz = await get('/feeds/all.ics', { 'accept-encoding': 'gzip, deflate' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gz.headers.etag, String(plain.headers.etag).replace(/"$/, '-gzip"'));
      assert.equal(zlib.gunzipSync(gz.rawPayload).toString('utf8'), plain.body);
      const br = await get('/feeds/all.ics', { 'accept-encoding': 'gzip;q=0.5, br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(zlib.brotliDecompressSync(br.rawPayload).toString('utf8'), plain.body);
      const refused = await get('/feeds/all.ics', { 'accept-encoding': 'gzip;q=0, br;q=0' });
      assert.equal(refused.headers['content-encoding'], undefined);
      const gz304 = await get('/feeds/all.ics', { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) });
      assert.equal(gz304.statusCode, 304);
      assert.equal(gz304.headers.etag, gz.headers.etag);
      const again = await get('/feeds/all.ics', { 'accept-encoding': 'gzip' });
      assert.ok(again.rawPayload.equals(gz.rawPayload), 'the same compressed bytes every time');
    });

    it('renders each feed version once, and a 304 renders nothing', async () => {
      const renders = async () => {
        const text = (await get('/metrics', t.auth)).body;
        return Number(/^feed_render_seconds_count (\d+)/m.exec(text)?.[1] ?? 0);
      };
      const first = await get('/feeds/all.ics');
      const before = await renders();
      await get('/feeds/all.ics');
      await get('/feeds/all.ics', { 'accept-encoding': 'br' });
      await get('/feeds/all.ics', { 'if-none-match': String(first.headers.etag) });
      assert.equal(await renders(), before);
      const metrics = (await get('/metrics', t.auth)).body;
      assert.match(metrics, /feed_responses_total\{feed="all",status="304"\} [1-9]/);
      assert.match(metrics, /feed_not_modified_ratio 0\.\d+/);
      assert.match(metrics, /http_requests_total\{route="\/feeds\/all.ics",method="GET",status="200"\} [1-9]/);
    });

    it('changes the ETag on an edit and only for the feeds the event is in', async () => {
      const all1 = await get('/feeds/all.ics');
      const markets1 = await get('/feeds/categories/markets.ics');
      const music1 = await get('/feeds/categories/music.ics');
      t.clock.now += 1000;
      const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${ids.jazz}`, headers: t.auth, payload: { location: 'Kai 4, Hamburg' } });
      assert.equal(patch.statusCode, 200);
      const all2 = await get('/feeds/all.ics', { 'if-none-match': String(all1.headers.etag) });
      assert.equal(all2.statusCode, 200);
      assert.notEqual(all2.headers.etag, all1.headers.etag);
      assert.match(all2.body, /LOCATION:Kai 4\\, Hamburg/);
      assert.match(all2.body, /SEQUENCE:1/);
      const music2 = await get('/feeds/categories/music.ics', { 'if-none-match': String(music1.headers.etag) });
      assert.equal(music2.statusCode, 200);
      const markets2 = await get('/feeds/categories/markets.ics', { 'if-none-match': String(markets1.headers.etag) });
      assert.equal(markets2.statusCode, 304, 'an unrelated category feed keeps its version');
    });

    it('serves a category feed with only its events, and 404 for an unknown category', async () => {
      const res = await get('/feeds/categories/jazz-blues.ics');
      assert.equal(res.statusCode, 200);
      assert.deepEqual(vevents(res.body).map((v) => v.getFirstPropertyValue('summary')), ['Jazz; "Blue", Notes 🎷 日本']);
      assert.match(res.body, /X-WR-CALNAME:Calendar Club - Jazz Blues\r\n/);
      const missing = await get('/feeds/categories/nope.ics');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    });

    it('keeps a cancelled event as STATUS:CANCELLED for the retention period, then drops it', async () => {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/events/${ids.pottery}/cancel`, headers: t.auth });
      assert.equal(res.statusCode, 200);
      const feed = await get('/feeds/all.ics');
      const pottery = vevents(feed.body).find((v) => v.getFirstPropertyValue('summary') === 'Pottery')!;
      assert.equal(pottery.getFirstPropertyValue('status'), 'CANCELLED');
      assert.equal(pottery.getFirstPropertyValue('sequence'), 1);
      const saved = t.clock.now;
      t.clock.now += 31 * DAY;
      const later = await get('/feeds/all.ics');
      assert.ok(!vevents(later.body).some((v) => v.getFirstPropertyValue('summary') === 'Pottery'));
      assert.notEqual(later.headers.etag, feed.headers.etag, 'a new day is a new version');
      t.clock.now = saved;
    });

    it('answers 503 with Retry-After, never an empty or error feed, when the store fails', async () => {
      const broken = createServices(t.config, t.database, () => t.clock.now);
      const failing = { ...broken, feeds: { ...broken.feeds, validators: async () => Promise.reject(new Error('connection terminated')) } };
      const node = await buildApp({ services: failing, adminToken: 'another-admin-token-xyz', sessionSecret: 'another-session-secret-0123456789abcdef', logger: false });
      try {
        const res = await node.inject('/feeds/all.ics');
        assert.equal(res.statusCode, 503);
        assert.equal(res.headers['retry-after'], '120');
        assert.equal(res.headers.etag, undefined);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      } finally {
        await node.close();
      }
    });

    it('gives two nodes on the same database the same bytes and validators', async () => {
      const other = createServices(t.config, t.database, () => t.clock.now);
      const node2 = await buildApp({ services: other, adminToken: 'another-admin-token-xyz', sessionSecret: 'another-session-secret-0123456789abcdef', logger: false });
      try {
        for (const coding of ['identity', 'gzip', 'br']) {
          const a = await get('/feeds/all.ics', { 'accept-encoding': coding });
          const b = await node2.inject({ url: '/feeds/all.ics', headers: { 'accept-encoding': coding } });
          assert.equal(b.headers.etag, a.headers.etag, coding);
          assert.ok(b.rawPayload.equals(a.rawPayload), `${coding} bytes`);
        }
      } finally {
        await node2.close();
      }
    });
  });
}

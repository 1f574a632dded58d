import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const ANDROID = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

for (const engine of testEngines) {
  describe(`add-to-calendar and subscribe links on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let event: { id: string; slug: string };
    before(async () => {
      t = await startTestApp(engine);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: t.auth,
        payload: {
          title: 'Quotes "&" <script>',
          description: 'Bring #tags & + signs',
          location: 'Kai 3',
          categories: ['Music'],
          start: '2026-12-03T19:30',
          end: '2026-12-03T22:00',
          timezone: 'Europe/Berlin',
        },
      });
      event = res.json();
    });
    after(() => t.close());

    it('lists every add target with a counted redirect, readable from any origin', async () => {
      const res = await t.app.inject({ url: `/api/v1/events/${event.slug}/links`, headers: { origin: 'https://elsewhere.example' } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      const body = res.json();
      assert.deepEqual(body.add.map((l: { target: string }) => l.target), ['google', 'outlook', 'office365', 'yahoo', 'ics']);
      assert.equal(body.event.id, event.id);
      for (const link of body.add) {
        assert.equal(link.goUrl, `https://cal.example.test/go/${link.target}/events/${event.id}`);
        assert.ok(link.url.length < 2000);
      }
      const google = body.add.find((l: { target: string }) => l.target === 'google');
      const url = new URL(google.url);
      assert.equal(url.origin + url.pathname, 'https://calendar.google.com/calendar/render');
      assert.equal(url.searchParams.get('text'), 'Quotes "&" <script>');
      assert.equal(url.searchParams.get('dates'), '20261203T183000Z/20261203T210000Z');
      assert.match(url.searchParams.get('details')!, /https:\/\/cal\.example\.test\/events\//);
    });

    it('redirects /go/{target} to the provider and counts it', async () => {
      const go = await t.app.inject(`/go/google/events/${event.id}`);
      assert.equal(go.statusCode, 302);
      assert.match(String(go.headers.location), /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE&/);
      const ics = await t.app.inject(`/go/ics/events/${event.id}`);
      assert.equal(ics.headers.location, `https://cal.example.test/events/${event.slug}.ics`);
      const metrics = (await t.app.inject({ url: '/metrics', headers: t.auth })).body;
      assert.match(metrics, /calendar_adds_total\{target="google"\} 1/);
      assert.equal((await t.app.inject(`/go/myspace/events/${event.id}`)).statusCode, 404);
      assert.equal((await t.app.inject('/go/google/events/nope')).statusCode, 404);
    });

    it('offers subscribe links per feed, ordered for the device', async () => {
      const iphone = (await t.app.inject({ url: '/api/v1/feeds', headers: { 'user-agent': IPHONE } })).json();
      assert.deepEqual(iphone.items.map((f: { key: string }) => f.key), ['all', 'category:music']);
      const all = iphone.items[0].links;
      assert.equal(all.httpsUrl, 'https://cal.example.test/feeds/all.ics');
      assert.equal(all.webcalUrl, 'webcal://cal.example.test/feeds/all.ics');
      assert.equal(all.options[0].target, 'webcal', 'iPhones subscribe through webcal');
      const android = (await t.app.inject({ url: '/api/v1/feeds', headers: { 'user-agent': ANDROID } })).json();
      const options = android.items[0].links.options;
      assert.equal(options[0].target, 'copy', "Google's Android app fails on subscribe links: copy the URL first");
      assert.equal(options[0].settingsUrl, 'https://calendar.google.com/calendar/u/0/r/settings/addbyurl');
      const categories = (await t.app.inject('/api/v1/categories')).json();
      assert.deepEqual(categories.items, [{ slug: 'music', name: 'Music' }]);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { contentDisposition } from '../../src/http/content-disposition.ts';

describe('content-disposition', () => {
  it('keeps plain names and adds filename* for non-ASCII', () => {
    assert.equal(contentDisposition('attachment', 'Jazz Night.ics'), 'attachment; filename="Jazz Night.ics"');
    assert.equal(
      contentDisposition('attachment', 'Café 日本.ics'),
      `attachment; filename="Cafe __.ics"; filename*=UTF-8''Caf%C3%A9%20%E6%97%A5%E6%9C%AC.ics`,
    );
  });

  it('cannot be broken out of: quotes, separators, paths and line breaks are neutralised', () => {
    const header = contentDisposition('attachment', 'a"; filename="evil.exe\r\nSet-Cookie: x=1/../..\\x.ics');
    assert.doesNotMatch(header, /[\r\n]/);
    assert.equal((header.match(/"/g) ?? []).length, 2, 'only the two quotes around the ASCII name');
    assert.match(header, /^attachment; filename="[^"/\\;]+"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$/);
  });
});

for (const engine of testEngines) {
  describe(`single-event download on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    let event: { id: string; slug: string; uid: string };
    before(async () => {
      t = await startTestApp(engine);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: t.auth,
        payload: { title: 'Café "Lumière"; 夜市 🎉', start: '2026-12-24', end: '2026-12-25', allDay: true, timezone: 'Asia/Tokyo' },
      });
      event = res.json();
    });
    after(() => t.close());

    it('downloads by id and by slug as an attachment with a safe filename', async () => {
      const byId = await t.app.inject(`/events/${event.id}.ics`);
      assert.equal(byId.statusCode, 200);
      assert.equal(byId.headers['content-type'], 'text/calendar; charset=utf-8');
      assert.match(String(byId.headers['content-disposition']), /^attachment; filename="Cafe _Lumiere__ __ _\.ics"; filename\*=UTF-8''/);
      const decoded = decodeURIComponent(String(byId.headers['content-disposition']).split("UTF-8''")[1]!);
      assert.equal(decoded, 'Café "Lumière"; 夜市 🎉.ics', 'the full name survives, percent-encoded');
      const bySlug = await t.app.inject(`/events/${event.slug}.ics`);
      assert.equal(bySlug.body, byId.body);
    });

    it('holds exactly the event, all-day as DATE with an exclusive end', async () => {
      const res = await t.app.inject(`/events/${event.id}.ics`);
      const cal = new ICAL.Component(ICAL.parse(res.body));
      const [vevent, ...rest] = cal.getAllSubcomponents('vevent');
      assert.equal(rest.length, 0);
      assert.equal(vevent!.getFirstPropertyValue('uid'), event.uid);
      assert.equal(vevent!.getFirstPropertyValue('summary'), 'Café "Lumière"; 夜市 🎉');
      assert.equal(String(vevent!.getFirstPropertyValue('dtstart')), '2026-12-24');
      assert.equal(String(vevent!.getFirstPropertyValue('dtend')), '2026-12-25');
      assert.equal(cal.getAllSubcomponents('vtimezone').length, 0, 'DATE values need no VTIMEZONE');
    });

    it('answers 304 to a conditional request and a new ETag after an edit', async () => {
      const first = await t.app.inject(`/events/${event.id}.ics`);
      const again = await t.app.inject({ url: `/events/${event.id}.ics`, headers: { 'if-none-match': String(first.headers.etag) } });
      assert.equal(again.statusCode, 304);
      t.clock.now += 2000;
      await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: t.auth, payload: { location: 'Shibuya' } });
      const edited = await t.app.inject({ url: `/events/${event.id}.ics`, headers: { 'if-none-match': String(first.headers.etag) } });
      assert.equal(edited.statusCode, 200);
      assert.match(edited.body, /LOCATION:Shibuya/);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const concert = {
  title: 'Jazz at the Docks',
  description: 'Two sets.',
  location: 'Harbour Terrace',
  url: 'https://example.com/jazz',
  categories: ['Music', 'Jazz'],
  start: '2026-12-03T19:30',
  end: '2026-12-03T22:00',
  timezone: 'Europe/Berlin',
};

for (const engine of testEngines) {
  describe(`organizer API on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t.close());

    const create = (body: object = concert) =>
      t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: body });

    it('creates an event with server-owned fields', async () => {
      const res = await create();
      assert.equal(res.statusCode, 201);
      const e = res.json();
      assert.match(e.id, /^[0-9a-z]{12}$/);
      assert.match(e.uid, /^[0-9a-f]{32}@cal\.example\.test$/);
      assert.equal(e.sequence, 0);
      assert.equal(e.status, 'confirmed');
      assert.equal(e.start, '2026-12-03T19:30:00');
      assert.equal(e.startsAt, '2026-12-03T18:30:00.000Z');
      assert.equal(e.slug, 'jazz-at-the-docks');
      assert.equal(res.headers.location, `/api/v1/events/${e.id}`);
      assert.deepEqual(e.categories, ['Music', 'Jazz']);
    });

    it('reads by id and by slug; slugs stay unique', async () => {
      const second = (await create()).json();
      assert.equal(second.slug, 'jazz-at-the-docks-2');
      const byId = await t.app.inject(`/api/v1/events/${second.id}`);
      const bySlug = await t.app.inject(`/api/v1/events/${second.slug}`);
      assert.equal(byId.statusCode, 200);
      assert.deepEqual(byId.json(), bySlug.json());
    });

    it('PATCH bumps SEQUENCE for a significant change only, and keeps the UID', async () => {
      const e = (await create()).json();
      const moved = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { start: '2026-12-03T20:00', end: '2026-12-03T22:30' } });
      assert.equal(moved.statusCode, 200);
      assert.equal(moved.json().sequence, 1);
      assert.equal(moved.json().uid, e.uid);
      t.clock.now += 1000;
      const recat = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { categories: ['Music'] } });
      assert.equal(recat.json().sequence, 1, 'categories are not a significant change');
      assert.ok(Date.parse(recat.json().updatedAt) > Date.parse(moved.json().updatedAt), 'but DTSTAMP moves');
      const same = await t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { title: e.title } });
      assert.equal(same.json().sequence, 1);
      assert.equal(same.json().updatedAt, recat.json().updatedAt, 'a no-op patch changes nothing');
    });

    it('cancel keeps the event as cancelled with SEQUENCE+1, and is idempotent', async () => {
      const e = (await create()).json();
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().status, 'cancelled');
      assert.equal(res.json().sequence, 1);
      assert.ok(res.json().cancelledAt);
      const again = await t.app.inject({ method: 'POST', url: `/api/v1/events/${e.id}/cancel`, headers: t.auth });
      assert.equal(again.json().sequence, 1);
      const read = await t.app.inject(`/api/v1/events/${e.id}`);
      assert.equal(read.json().status, 'cancelled');
    });

    it('concurrent patches each bump SEQUENCE once (no lost update)', async () => {
      const e = (await create()).json();
      const titles = ['A', 'B', 'C', 'D', 'E'];
      const results = await Promise.all(
        titles.map((title) => t.app.inject({ method: 'PATCH', url: `/api/v1/events/${e.id}`, headers: t.auth, payload: { title } })),
      );
      assert.ok(results.every((r) => r.statusCode === 200));
      const final = (await t.app.inject(`/api/v1/events/${e.id}`)).json();
      assert.equal(final.sequence, titles.length);
    });

    it('lists by start time with category and date filters, paginated', async () => {
      const fresh = await startTestApp(engine);
      try {
        const mk = (title: string, day: number, categories: string[]) =>
          fresh.app.inject({
            method: 'POST',
            url: '/api/v1/events',
            headers: fresh.auth,
            payload: { title, categories, start: `2027-01-${String(day).padStart(2, '0')}T10:00`, end: `2027-01-${String(day).padStart(2, '0')}T11:00`, timezone: 'UTC' },
          });
        for (let d = 1; d <= 7; d++) await mk(`Day ${d}`, 8 - d, d % 2 ? ['Odd'] : ['Even']);
        const all = (await fresh.app.inject('/api/v1/events?limit=3')).json();
        assert.deepEqual(all.items.map((e: { title: string }) => e.title), ['Day 7', 'Day 6', 'Day 5']);
        const page2 = (await fresh.app.inject(`/api/v1/events?limit=3&cursor=${all.nextCursor}`)).json();
        assert.deepEqual(page2.items.map((e: { title: string }) => e.title), ['Day 4', 'Day 3', 'Day 2']);
        const last = (await fresh.app.inject(`/api/v1/events?limit=3&cursor=${page2.nextCursor}`)).json();
        assert.equal(last.items.length, 1);
        assert.equal(last.nextCursor, null);
        const odd = (await fresh.app.inject('/api/v1/events?category=odd')).json();
        assert.equal(odd.items.length, 4);
        const range = (await fresh.app.inject('/api/v1/events?from=2027-01-03&to=2027-01-05')).json();
        assert.deepEqual(range.items.map((e: { start: string }) => e.start.slice(0, 10)), ['2027-01-03', '2027-01-04']);
      } finally {
        await fresh.close();
      }
    });

    it('serves OpenAPI with the event routes, and /docs', async () => {
      const spec = (await t.app.inject('/openapi.json')).json();
      assert.ok(spec.paths['/api/v1/events']);
      assert.ok(spec.paths['/api/v1/events/{id}/cancel']);
      assert.ok(spec.paths['/feeds/all.ics']);
      const docs = await t.app.inject('/docs/');
      assert.equal(docs.statusCode, 200);
      assert.match(docs.body, /swagger/i);
    });
  });
}

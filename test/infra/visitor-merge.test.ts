import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../helpers/databases.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import type { Connection } from '../../src/core/sync/connection.ts';
import { mergeVisitors } from '../../src/infra/db/visitor-merge.ts';

// Folding one device's visitor into another's (issue 11, point 12), on both engines: saved
// events as a union, the feed kept, connections moved, and a second connection to an account
// the other device already holds retired (busy-only, out of use, its copies queued for removal)
// so that no event is ever pushed twice into one calendar.

const now = Date.parse('2026-12-02T12:00:00Z');

function connection(id: string, visitorId: string, account: string): Connection {
  return { id, visitorId, kind: 'caldav', mode: 'push', status: 'active', statusReason: null, account, serverUrl: 'https://dav.example.test/', targetCalendarId: 'https://dav.example.test/cal/', targetCalendarName: 'Calendar Club', scope: null, accessExpiresAt: null, createdAt: now, updatedAt: now };
}

for (const engine of testEngines) {
  describe(`merging visitors on ${engine.name}`, { skip: engine.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t?.close());

    const event = async (title: string) =>
      (await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: t.auth, payload: { title, start: '2026-12-20T19:00', end: '2026-12-20T21:00', timezone: 'UTC' } })).json().id as string;

    it('moves saved events, the feed and connections; retires a duplicate account; deletes the old visitor', async () => {
      const { visitors, connectionRepository: connections, copies, outbox } = t.services;
      await visitors.ensure(null).then(async ({ id: laptop }) => {
        const { id: phone } = await visitors.ensure(null);
        const [a, b, c] = [await event('A'), await event('B'), await event('C')];
        await visitors.save(laptop, a);
        await visitors.save(phone, a);
        await visitors.save(phone, b);
        await visitors.rotateFeedToken(phone);
        await connections.create(connection('laptop-x', laptop, 'nina'), { password: 'p' });
        await connections.create(connection('phone-x', phone, 'Nina'), { password: 'p' }); // the same account
        await connections.create(connection('phone-y', phone, 'work'), { password: 'p' });
        await copies.put({ connectionId: 'phone-x', eventId: c, calendarId: 'https://dav.example.test/cal/', remoteId: 'https://dav.example.test/cal/c.ics', etag: null, sequence: 0, pushedVersion: now, state: 'synced', lastError: null, updatedAt: now, generation: 0, requestedAgain: false });
        const before = (await outbox.jobs('conn:phone-x:')).length;

        const result = await mergeVisitors(t.database.db, phone, laptop, now);
        assert.deepEqual(result, { savedMoved: 1, connectionsMoved: 1, connectionsRetired: 1, feedReplaced: false });
        assert.deepEqual((await visitors.summary(laptop)).savedEventIds.sort(), [a, b].sort());
        assert.equal((await visitors.summary(laptop)).personalFeed.active, true, 'the phone’s feed moved over');
        assert.equal(await t.database.db.selectFrom('visitors').select('id').where('id', '=', phone).executeTakeFirst(), undefined);
        const mine = await connections.listForVisitor(laptop);
        assert.deepEqual(mine.map((x) => [x.id, x.mode, x.status]).sort(), [['laptop-x', 'push', 'active'], ['phone-x', 'busy', 'error'], ['phone-y', 'push', 'active']]);
        const jobs = await outbox.jobs('conn:phone-x:');
        assert.ok(jobs.length > before && jobs.some((j) => (j.payload as { eventId: string }).eventId === c), 'a job removes the retired connection’s copy');
        const work = await outbox.jobs('conn:phone-y:');
        assert.ok(work.some((j) => (j.payload as { eventId: string }).eventId === a), 'the moved connection now serves the laptop’s saved events too');
      });
    });

    it('keeps the other device’s feed when both had one, and says so', async () => {
      const { visitors } = t.services;
      const { id: laptop } = await visitors.ensure(null);
      const { id: phone } = await visitors.ensure(null);
      const laptopFeed = await visitors.rotateFeedToken(laptop);
      const phoneFeed = await visitors.rotateFeedToken(phone);
      const result = await mergeVisitors(t.database.db, phone, laptop, now);
      assert.equal(result.feedReplaced, true);
      assert.equal(await visitors.visitorForFeedToken(laptopFeed), laptop);
      assert.equal(await visitors.visitorForFeedToken(phoneFeed), null);
    });
  });
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, type TestDatabase } from '../helpers/databases.ts';
import { createEventRepository, ConcurrentUpdateError } from '../../src/infra/db/event-repository.ts';
import { createFeedRepository } from '../../src/infra/db/feed-repository.ts';
import { applyEventPatch, createEvent } from '../../src/core/events/rules.ts';
import { feedRefs, feedWindow } from '../../src/core/feeds/feed.ts';
import { isMigrated, migrateToLatest } from '../../src/infra/db/migrate.ts';

const policy = { pastDays: 30, futureDays: 365, cancelledRetentionDays: 30 };
const now = Date.parse('2026-11-24T12:00:00Z');
const input = (title: string, categories: string[] = []) => ({
  title,
  categories,
  start: '2026-12-01T10:00',
  end: '2026-12-01T11:00',
  timezone: 'Europe/Berlin',
});

for (const engine of testEngines) {
  describe(`event repository on ${engine.name}`, { skip: engine.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await engine.open();
    });
    after(() => database.dispose());

    it('round-trips every field of an event', async () => {
      const repo = createEventRepository(database.db);
      const event = createEvent(
        { ...input('Round trip 🎷', ['Music', 'Jazz']), description: 'a\nb', location: 'Here', url: 'https://x.test/' },
        'x.test',
        now,
      );
      const stored = await repo.insert(event);
      assert.deepEqual(await repo.findByIdOrSlug(stored.id), stored);
      assert.deepEqual(await repo.findByIdOrSlug(stored.slug), stored);
    });

    it('gives concurrent inserts with the same title distinct slugs', async () => {
      const repo = createEventRepository(database.db);
      const events = await Promise.all(
        Array.from({ length: 10 }, () => repo.insert(createEvent(input('Same title', ['Race']), 'x.test', now))),
      );
      assert.equal(new Set(events.map((e) => e.slug)).size, 10);
    });

    it('refuses a write based on a stale read (optimistic concurrency)', async () => {
      const repo = createEventRepository(database.db);
      const original = await repo.insert(createEvent(input('Stale'), 'x.test', now));
      const first = applyEventPatch(original, { title: 'First' }, now + 1000);
      const second = applyEventPatch(original, { title: 'Second' }, now + 2000);
      await repo.update(original, first.event, first.changed);
      await assert.rejects(repo.update(original, second.event, second.changed), ConcurrentUpdateError);
      assert.equal((await repo.findByIdOrSlug(original.id))!.title, 'First');
    });

    it('moves the version of exactly the feeds an event was or is in, in the same transaction', async () => {
      const repo = createEventRepository(database.db);
      const feeds = createFeedRepository(database.db, database.engine);
      const e = await repo.insert(createEvent(input('Mover', ['Alpha']), 'x.test', now));
      const before = {
        all: (await feeds.state('all'))!.revision,
        alpha: (await feeds.state('category:alpha'))!.revision,
      };
      const changed = applyEventPatch(e, { categories: ['Beta'] }, now + 5000);
      await repo.update(e, changed.event, changed.changed);
      assert.equal((await feeds.state('all'))!.revision, before.all + 1);
      assert.equal((await feeds.state('category:alpha'))!.revision, before.alpha + 1, 'the feed it left');
      assert.equal((await feeds.state('category:beta'))!.revision, 1, 'the feed it joined');
      assert.equal((await feeds.state('category:beta'))!.changedAt, now + 5000);
      const snapshot = await feeds.snapshot(feedRefs.category('alpha'), feedWindow(policy, now));
      assert.ok(!snapshot!.events.some((x) => x.id === e.id));
      assert.equal(await feeds.state('category:gamma'), null);
    });

    it('reports migrations as applied, and applying again is a no-op', async () => {
      assert.equal(await isMigrated(database), true);
      assert.deepEqual(await migrateToLatest(database), []);
    });
  });
}

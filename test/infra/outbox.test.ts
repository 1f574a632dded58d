import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, type TestDatabase } from '../helpers/databases.ts';
import { createOutboxRepository, type OutboxRepository } from '../../src/infra/db/outbox-repository.ts';

const NOW = 1_800_000_000_000;

for (const engine of testEngines) {
  describe(`outbox on ${engine.name}`, { skip: engine.skip }, () => {
    let database: TestDatabase;
    let outbox: OutboxRepository;
    before(async () => {
      database = await engine.open();
      outbox = createOutboxRepository(database.db, database.engine);
    });
    after(() => database.dispose());

    it('commits jobs with the change that causes them, and not at all when it rolls back', async () => {
      await database.db.transaction().execute(async (trx) => {
        await outbox.enqueue(trx, [{ kind: 'push', payload: { n: 1 }, orderingKey: 'conn:tx:e1' }], NOW);
      });
      await assert.rejects(
        database.db.transaction().execute(async (trx) => {
          await outbox.enqueue(trx, [{ kind: 'push', payload: { n: 2 }, orderingKey: 'conn:tx:e2' }], NOW);
          throw new Error('the change failed');
        }),
      );
      assert.deepEqual((await outbox.jobs('conn:tx:')).map((j) => j.payload), [{ n: 1 }]);
    });

    it('hands each job to one worker, oldest first per key, and takes over expired leases', async () => {
      const jobs = [
        { kind: 'push', payload: 'a1', orderingKey: 'conn:o:a' },
        { kind: 'push', payload: 'a2', orderingKey: 'conn:o:a' },
        { kind: 'push', payload: 'b1', orderingKey: 'conn:o:b' },
        { kind: 'push', payload: 'c1', orderingKey: 'conn:o:c' },
      ];
      await outbox.enqueue(database.db, jobs, NOW);
      const [w1, w2] = await Promise.all([outbox.claim('w1', NOW, 30_000, 10), outbox.claim('w2', NOW, 30_000, 10)]);
      const claimed = [...w1!, ...w2!].filter((j) => j.orderingKey.startsWith('conn:o:')).map((j) => j.payload);
      assert.deepEqual(claimed.sort(), ['a1', 'b1', 'c1'], 'a2 waits for a1; nothing is claimed twice');
      const a1 = [...w1!, ...w2!].find((j) => j.payload === 'a1')!;
      const owner = w1!.includes(a1) ? 'w1' : 'w2';
      assert.equal((await outbox.claim('w3', NOW + 1000, 30_000, 10)).filter((j) => j.orderingKey.startsWith('conn:o:')).length, 0);
      const takeover = await outbox.claim('w3', NOW + 31_000, 30_000, 10);
      assert.ok(takeover.some((j) => j.payload === 'a1' && j.attempts === 2), 'a crashed worker’s job is taken over');
      assert.equal(await outbox.complete(a1.id, owner), false, 'the old lease holder can no longer finish it');
      assert.equal(await outbox.complete(a1.id, 'w3'), true);
      const next = await outbox.claim('w3', NOW + 32_000, 30_000, 10);
      assert.ok(next.some((j) => j.payload === 'a2'), 'then the next job of that key');
    });

    it('completes many jobs in one statement, only those this worker still holds', async () => {
      await outbox.enqueue(database.db, ['m1', 'm2', 'm3'].map((p) => ({ kind: 'push', payload: p, orderingKey: `conn:m:${p}` })), NOW);
      const mine = (await outbox.claim('wm', NOW, 30_000, 50)).filter((j) => j.orderingKey.startsWith('conn:m:'));
      assert.equal(mine.length, 3);
      // The lease on m3 ran out and another worker took it over: it is no longer ours to finish.
      await database.db.updateTable('outbox_jobs').set({ lease_owner: 'other' }).where('id', '=', mine[2]!.id).execute();
      assert.equal(await outbox.completeMany(mine.map((j) => j.id), 'wm'), 2);
      assert.deepEqual((await outbox.jobs('conn:m:')).map((j) => j.id), [mine[2]!.id]);
      assert.equal(await outbox.completeMany([], 'wm'), 0);
    });

    it('reschedules, parks a connection’s jobs, releases them, and keeps dead letters with their reason', async () => {
      await outbox.enqueue(database.db, [{ kind: 'push', payload: 'x', orderingKey: 'conn:p_1:e' }, { kind: 'push', payload: 'y', orderingKey: 'conn:pX1:e' }], NOW);
      const [x] = (await outbox.claim('w', NOW, 30_000, 50)).filter((j) => j.payload === 'x');
      await outbox.reschedule(x!.id, 'w', NOW + 5000, 'rate limited', NOW);
      assert.equal((await outbox.claim('w', NOW + 1000, 30_000, 50)).filter((j) => j.payload === 'x').length, 0, 'not before its time');
      await outbox.park('conn:p_1:', 'reconnect needed', NOW);
      assert.deepEqual((await outbox.jobs('conn:p_1:')).map((j) => j.state), ['parked']);
      assert.notEqual((await outbox.jobs('conn:pX1:'))[0]!.state, 'parked', "'_' in an id is not a wildcard");
      assert.equal((await outbox.claim('w', NOW + 10_000, 30_000, 50)).filter((j) => j.payload === 'x').length, 0);
      assert.equal(await outbox.release('conn:p_1:', ['parked'], NOW + 20_000), 1);
      const [again] = (await outbox.claim('w', NOW + 20_000, 30_000, 50)).filter((j) => j.payload === 'x');
      await outbox.deadLetter(again!.id, 'w', 'the provider refused the event: bad time zone', NOW);
      const dead = (await outbox.jobs('conn:p_1:'))[0]!;
      assert.equal(dead.state, 'dead');
      assert.equal(dead.lastError, 'the provider refused the event: bad time zone');
      assert.ok((await outbox.countsByState()).dead! >= 1);
    });
  });
}

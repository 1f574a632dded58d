import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, type TestDatabase } from '../helpers/databases.ts';
import { createRequestGate, GateBusyError } from '../../src/infra/db/request-gate.ts';

// The per-account request gate shared through the database: what several worker processes
// need to stay within Graph's 4-in-flight per mailbox and Google's per-user rate together.

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of testEngines) {
  describe(`request gate on ${engine.name}`, { skip: engine.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await engine.open();
    });
    after(() => database.dispose());
    const gate = (o: Partial<Parameters<typeof createRequestGate>[2]> = {}) => createRequestGate(database.db, database.engine, { slotLeaseMs: 30_000, ...o });

    it('lets at most 4 requests per account run at once, across two processes', async () => {
      const processes = [gate(), gate()];
      let inFlight = 0;
      let most = 0;
      let done = 0;
      await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const release = await processes[i % 2]!.enter('conn-a', { concurrent: 4, minIntervalMs: 0 });
          inFlight++;
          most = Math.max(most, inFlight);
          await pause(5 + (i % 4) * 5);
          inFlight--;
          done++;
          await release();
        }),
      );
      assert.equal(done, 24);
      assert.ok(most <= 4, `${most} requests were in flight at once`);
    });

    it('does not hold up another account', async () => {
      const g = gate({ maxWaitMs: 200 });
      const held = await Promise.all(Array.from({ length: 2 }, () => g.enter('conn-full', { concurrent: 2, minIntervalMs: 0 })));
      await assert.rejects(g.enter('conn-full', { concurrent: 2, minIntervalMs: 0 }), GateBusyError);
      const other = await g.enter('conn-other', { concurrent: 2, minIntervalMs: 0 });
      await Promise.all([...held, other].map((release) => release()));
      // Released slots are free again.
      await (await g.enter('conn-full', { concurrent: 2, minIntervalMs: 0 }))();
    });

    it("takes over a dead process's slot once its lease has run out", async () => {
      const dead = gate({ slotLeaseMs: 150 });
      await dead.enter('conn-crash', { concurrent: 1, minIntervalMs: 0 }); // never released
      const started = Date.now();
      const release = await gate({ maxWaitMs: 5_000 }).enter('conn-crash', { concurrent: 1, minIntervalMs: 0 });
      assert.ok(Date.now() - started >= 100, 'it waited for the lease');
      await release();
    });

    it('reserves start times together with slots (one statement on PostgreSQL), and frees the slot of a request that gives up', async () => {
      const waits: number[] = [];
      const g = gate({ clock: () => 1_900_000_000_000, sleep: async (ms) => void waits.push(ms), maxWaitMs: 250 });
      const limits = { concurrent: 4, minIntervalMs: 100 };
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => g.enter('conn-both', limits)));
      assert.deepEqual(waits.sort((a, b) => a - b), [100, 200], 'one starts now, the next ones 100 ms apart');
      assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof GateBusyError).length, 1, 'the one that would wait 300 ms gives up');
      // Three slots held, the fourth given back: exactly one more request gets in.
      const held = await database.db.selectFrom('request_slots').select('slot').where('connection_id', '=', 'conn-both').where('holder', 'is not', null).execute();
      assert.equal(held.length, 3);
    });

    it('spaces request starts evenly and gives up on a wait longer than allowed', async () => {
      const waits: number[] = [];
      const g = gate({ clock: () => 1_900_000_000_000, sleep: async (ms) => void waits.push(ms), maxWaitMs: 350 });
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => g.enter('conn-paced', { concurrent: 0, minIntervalMs: 100 })));
      assert.deepEqual(waits.sort((a, b) => a - b), [100, 200, 300], 'one starts now, the next ones 100 ms apart');
      assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof GateBusyError).length, 1, 'the one that would wait 400 ms gives up');
    });
  });
}

import { sql, type Kysely, type Selectable } from 'kysely';
import type { Engine } from './database.ts';
import type { Database, OutboxJobsTable } from './schema.ts';
import { insertJobs, jobKeyStartsWith, type NewJob } from './outbox-sql.ts';
import { enqueueCalendarRepair, type CalendarRepair } from './push-jobs.ts';

export type { NewJob };

export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  orderingKey: string;
  attempts: number;
  lastError: string | null;
  /** When the change that caused it was committed (epoch ms). */
  createdAt: number;
}

const toJob = (r: Selectable<OutboxJobsTable>): Job => ({
  id: r.id,
  kind: r.kind,
  payload: JSON.parse(r.payload_json) as unknown,
  orderingKey: r.ordering_key,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
});

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

/**
 * The outbox: `enqueue` takes the caller's transaction so jobs commit with the change that
 * causes them; workers `claim` with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so several
 * workers on several machines share the work), and a crashed worker's lease simply runs out.
 */
export function createOutboxRepository(db: Kysely<Database>, engine: Engine) {
  return {
    enqueue: (trx: Kysely<Database>, jobs: NewJob[], now: number) => insertJobs(trx, jobs, now),

    /** A connection's calendar was found deleted: one job makes it again (push-jobs.ts). */
    enqueueCalendarRepair: (r: CalendarRepair, now: number) => enqueueCalendarRepair(db, r, now),

    /** Up to `limit` runnable jobs, each the oldest unfinished job of its ordering key. */
    async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<Job[]> {
      const lock = engine === 'postgres' ? sql`for update skip locked` : sql``;
      const result = await sql<Selectable<OutboxJobsTable>>`
        update outbox_jobs
        set state = 'leased', lease_owner = ${owner}, lease_until = ${now + leaseMs}, attempts = attempts + 1, updated_at = ${now}
        where id in (
          select j.id from outbox_jobs j
          where ((j.state = 'ready' and j.run_at <= ${now}) or (j.state = 'leased' and j.lease_until < ${now}))
            and not exists (
              select 1 from outbox_jobs k
              where k.ordering_key = j.ordering_key and k.state in ('ready', 'leased', 'parked')
                and (k.created_at < j.created_at or (k.created_at = j.created_at and k.id < j.id))
            )
          order by j.run_at, j.created_at, j.id
          limit ${limit}
          ${lock}
        )
        returning *`.execute(db);
      return result.rows.map(toJob);
    },

    /** Done: the job leaves the outbox. Only the lease holder may finish it. */
    async complete(id: string, owner: string): Promise<boolean> {
      const r = await db.deleteFrom('outbox_jobs').where('id', '=', id).where('lease_owner', '=', owner).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },

    /** `complete` for many jobs in one statement; returns how many this owner still held. */
    async completeMany(ids: string[], owner: string): Promise<number> {
      if (ids.length === 0) return 0;
      const r = await db.deleteFrom('outbox_jobs').where('id', 'in', ids).where('lease_owner', '=', owner).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async reschedule(id: string, owner: string, runAt: number, error: string, now: number): Promise<void> {
      await db
        .updateTable('outbox_jobs')
        .set({ state: 'ready', run_at: runAt, last_error: error, lease_owner: null, lease_until: null, updated_at: now })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    async deadLetter(id: string, owner: string, reason: string, now: number): Promise<void> {
      await db
        .updateTable('outbox_jobs')
        .set({ state: 'dead', last_error: reason, lease_owner: null, lease_until: null, updated_at: now })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    /** Parks every unfinished job whose ordering key starts with `prefix` (e.g. one connection's). */
    async park(prefix: string, reason: string, now: number): Promise<void> {
      await db
        .updateTable('outbox_jobs')
        .set({ state: 'parked', last_error: reason, lease_owner: null, lease_until: null, updated_at: now })
        .where(jobKeyStartsWith(prefix))
        .where('state', 'in', ['ready', 'leased'])
        .execute();
    },

    /** Parked or dead jobs under `prefix` become runnable again (reconnect, "retry" button). */
    async release(prefix: string, states: ('parked' | 'dead')[], now: number): Promise<number> {
      const r = await db
        .updateTable('outbox_jobs')
        .set({ state: 'ready', run_at: now, attempts: 0, lease_owner: null, lease_until: null, updated_at: now })
        .where(jobKeyStartsWith(prefix))
        .where('state', 'in', states)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async countsByState(): Promise<Record<string, number>> {
      const rows = await db.selectFrom('outbox_jobs').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },

    async jobs(prefix: string): Promise<(Job & { state: string; runAt: number })[]> {
      const rows = await db.selectFrom('outbox_jobs').selectAll().where(jobKeyStartsWith(prefix)).orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => ({ ...toJob(r), state: r.state, runAt: Number(r.run_at) }));
    },
  };
}

import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { signalJobsWritten } from './outbox-wakeups.ts';

// The two SQL pieces every outbox writer shares.

export interface NewJob {
  kind: string;
  payload: unknown;
  /** Jobs with the same key run one at a time, oldest first. */
  orderingKey: string;
  runAt?: number;
}

/** Inserts jobs with ids that sort by creation time (ties broken at random). */
export async function insertJobs(trx: Kysely<Database>, jobs: NewJob[], now: number): Promise<void> {
  if (jobs.length === 0) return;
  await trx
    .insertInto('outbox_jobs')
    .values(
      jobs.map((j, i) => ({
        id: `${now.toString(36)}${i.toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`,
        kind: j.kind,
        payload_json: JSON.stringify(j.payload),
        ordering_key: j.orderingKey,
        state: 'ready',
        run_at: j.runAt ?? now,
        attempts: 0,
        last_error: null,
        lease_owner: null,
        lease_until: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  signalJobsWritten();
}

/** `ordering_key LIKE prefix%`, with LIKE's wildcards in the prefix taken literally. */
export function jobKeyStartsWith(prefix: string) {
  const pattern = `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
  return sql<boolean>`ordering_key like ${pattern} escape '\\'`;
}
